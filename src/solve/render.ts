// Text rendering of a solve trace: the predicted grid after a segment with the cells that changed
// highlighted (ANSI reverse video on a terminal, [brackets] otherwise), one 3-character cell per position.
import { ARC_MAX_SIZE } from "../data/arc/task.js";
import type { SegmentTrace, SolveResult } from "./solve.js";
import { tokensToArc, tokensToMaze, tokensToSudoku } from "./codecs.js";

export type TaskKind = "sudoku" | "maze" | "arc";
export type Highlight = "ansi" | "brackets";

const ANSI_ON = "\x1b[1;30;43m", ANSI_OFF = "\x1b[0m";

function cell(ch: string, changed: boolean, hl: Highlight): string {
  if (!changed) return ` ${ch} `;
  return hl === "ansi" ? `${ANSI_ON} ${ch} ${ANSI_OFF}` : `[${ch}]`;
}

/** Rows of characters for a prediction and the token index of each character. */
function layout(kind: TaskKind, tokens: Int32Array): { rows: string[][]; index: (r: number, c: number) => number; block: number } {
  switch (kind) {
    case "sudoku": {
      const s = tokensToSudoku(tokens);
      return { rows: Array.from({ length: 9 }, (_, r) => [...s.slice(r * 9, r * 9 + 9)]), index: (r, c) => r * 9 + c, block: 3 };
    }
    case "maze": {
      const lines = tokensToMaze(tokens);
      const side = lines.length;
      return { rows: lines.map((l) => [...l]), index: (r, c) => r * side + c, block: 0 };
    }
    case "arc": {
      const g = tokensToArc(tokens);
      return { rows: g.map((row) => row.map(String)), index: (r, c) => r * ARC_MAX_SIZE + c, block: 0 };
    }
  }
}

/** The grid of one prediction, `changed` positions highlighted. */
export function renderPrediction(kind: TaskKind, tokens: Int32Array, changed: ReadonlySet<number>, hl: Highlight): string {
  const { rows, index, block } = layout(kind, tokens);
  if (rows.length === 0 || rows[0]!.length === 0) return "(empty grid: the prediction does not start with a colour at the top-left corner)\n";
  const lines: string[] = [];
  rows.forEach((row, r) => {
    if (block && r > 0 && r % block === 0) lines.push(Array.from({ length: row.length / block }, () => "-".repeat(3 * block)).join("+"));
    lines.push(row.map((ch, c) => (block && c > 0 && c % block === 0 ? "|" : "") + cell(ch, changed.has(index(r, c)), hl)).join(""));
  });
  return lines.join("\n") + "\n";
}

function fmt(x: number): string {
  return (x >= 0 ? " " : "") + x.toFixed(3);
}

/** One line of numbers for a segment. */
export function segmentHeader(s: SegmentTrace, total: number): string {
  const parts = [`segment ${s.segment}/${total}`, `q_halt ${fmt(s.qHalt)}`, `q_continue ${fmt(s.qContinue)}`, `P(halt) ${s.haltProb.toFixed(3)}`, `changed ${s.changed.length}`];
  if (s.accuracy !== undefined) parts.push(`accuracy ${s.accuracy.toFixed(3)}${s.exact ? " (exact)" : ""}`);
  return parts.join("  ");
}

/** The whole trace: each segment's header and grid, then the stop line. */
export function renderTrace(kind: TaskKind, result: SolveResult, hl: Highlight, total: number): string {
  const out: string[] = [];
  for (const s of result.segments) {
    out.push(segmentHeader(s, total), renderPrediction(kind, s.prediction, new Set(s.changed), hl));
  }
  out.push(`halted at segment ${result.haltedAt} (${result.halting} halting: ${result.stopReason})`);
  return out.join("\n");
}
