// Task codecs between human formats and model tokens, over the data builders' encoders (one encoding each):
//   Sudoku: 81 characters ('.' or '0' blank) <-> tokens blank 1, digit d -> d + 1 (build_sudoku_dataset.py)
//   Maze:   side lines of side characters of "# SGo" <-> tokens 1..5 (build_maze_dataset.py CHARSET)
//   ARC:    grid (rows of colours 0-9) <-> 30x30 tokens colour + 2, EOS 1, PAD 0, top-left placement;
//           the way back is the evaluation notebook's crop (spec §7.2).
// Browser-safe (the web page uses it): only data modules that run no Node code when imported.
import { DataError } from "../engine/errors.js";
import { describeValue } from "../util/message-text.js";
import { arcGridToTokens, cropArcTokens } from "../data/arc/serialize.js";
import { ARC_MAX_SIZE } from "../data/arc/task.js";
import type { Grid } from "../data/grid.js";
import { gridToRows } from "../data/grid.js";
import { MAZE_CHARSET, parseMaze } from "../data/maze/maze.js";
import { CELLS, encodeSudoku, parseBoard } from "../data/sudoku/grid.js";
import { IGNORE_LABEL_ID } from "../losses/stablemax-ce.js";

// ------------------------------------------------------------------------------------------ Sudoku

/** 81 characters -> 81 tokens. */
export function sudokuToTokens(text: string): Int32Array {
  return Int32Array.from(encodeSudoku(parseBoard(text.trim(), "sudoku", true)));
}

/** 81 tokens -> 81 characters ('.' blank; '?' for a token that is not a cell value, e.g. PAD). */
export function tokensToSudoku(tokens: ArrayLike<number>): string {
  let s = "";
  for (let i = 0; i < CELLS; i++) {
    const t = tokens[i]!;
    s += t === 1 ? "." : t >= 2 && t <= 10 ? String(t - 1) : "?";
  }
  return s;
}

// -------------------------------------------------------------------------------------------- Maze

/** Maze text: `side` lines of `side` characters (a final newline and CRs are fine) -> side² tokens. */
export function mazeToTokens(text: string, where = "maze"): Int32Array {
  const lines = text.replace(/\r/g, "").split("\n");
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const side = lines.length;
  const bad = lines.findIndex((l) => l.length !== side);
  if (bad >= 0) {
    throw new DataError(`${where}: line ${bad + 1} has ${lines[bad]!.length} characters; a maze of ${side} lines needs ${side} on every line (spaces are open cells, so keep trailing spaces)`);
  }
  return Int32Array.from(parseMaze(lines.join(""), where).data);
}

/** side² tokens -> side lines ('?' for PAD or an out-of-range token). */
export function tokensToMaze(tokens: ArrayLike<number>): string[] {
  const side = Math.round(Math.sqrt(tokens.length));
  const lines: string[] = [];
  for (let r = 0; r < side; r++) {
    let s = "";
    for (let c = 0; c < side; c++) {
      const t = tokens[r * side + c]!;
      s += t >= 1 && t <= MAZE_CHARSET.length ? MAZE_CHARSET[t - 1] : "?";
    }
    lines.push(s);
  }
  return lines;
}

// --------------------------------------------------------------------------------------------- ARC

/** Validate rows of colours (rectangular, 1..30 each way, integers 0-9). */
export function gridFromRows(rows: unknown, where = "ARC grid"): Grid {
  if (!Array.isArray(rows) || rows.length === 0 || !Array.isArray(rows[0]) || rows[0].length === 0) {
    throw new DataError(`${where}: expected a non-empty list of non-empty rows of colours`);
  }
  const h = rows.length, w = (rows[0] as unknown[]).length;
  if (h > ARC_MAX_SIZE || w > ARC_MAX_SIZE) throw new DataError(`${where}: grid is ${h}x${w}, larger than ${ARC_MAX_SIZE}x${ARC_MAX_SIZE}`);
  const data = new Uint8Array(h * w);
  rows.forEach((row: unknown, r) => {
    if (!Array.isArray(row) || row.length !== w) throw new DataError(`${where}: row ${r + 1} is not a list of ${w} colours`);
    row.forEach((x: unknown, c) => {
      if (typeof x !== "number" || !Number.isInteger(x) || x < 0 || x > 9) throw new DataError(`${where}: colour ${describeValue(x)} at row ${r + 1}, column ${c + 1}; expected an integer 0..9`);
      data[r * w + c] = x;
    });
  });
  return { h, w, data };
}

/** Grid -> 900 tokens at the top-left corner, as the builder writes test examples. */
export function arcToTokens(grid: Grid): Int32Array {
  return Int32Array.from(arcGridToTokens(grid));
}

/** Grid -> 900 labels: the builder's tokens with PAD positions ignored (−100), as the loader yields them. */
export function arcToLabels(grid: Grid): Int32Array {
  const t = arcToTokens(grid);
  for (let i = 0; i < t.length; i++) if (t[i] === 0) t[i] = IGNORE_LABEL_ID;
  return t;
}

/** 900 tokens -> the grid the evaluation notebook reads off them (crop from the top-left corner). */
export function tokensToArc(tokens: ArrayLike<number>): number[][] {
  return gridToRows(cropArcTokens(tokens));
}
