// The Sudoku tab: pick an embedded puzzle or type 81 characters ('.' or '0' for blanks).
// Tokens as the data builder writes them: blank 1, digit d -> d + 1 (src/solve/codecs.ts).
import { boardToString, parseBoard, solutionProblem, solveSudoku, sudokuToTokens, tokensToSudoku } from "hrm";
import { el, replace } from "./dom.js";
import type { GridStyle } from "./grid-view.js";
import { renderGrid } from "./grid-view.js";
import { sudokuPuzzles } from "./sudoku-puzzles.js";
import type { Prepared, TaskPanel } from "./task.js";

const BLANK = 1;

/** Digits as text; the clues of `inputs` drawn as givens, the rest as the model's guesses. */
export function sudokuStyle(inputs: Int32Array): GridStyle {
  return {
    kind: "sudoku",
    region: () => ({ rows: 9, cols: 9, stride: 9 }),
    cell(token, i) {
      const text = token === BLANK ? "" : token >= 2 && token <= 10 ? String(token - 1) : "?";
      const box = `${Math.floor(i / 27) % 2 === Math.floor((i % 9) / 3) % 2 ? "box-a" : "box-b"}`;
      return { text, cls: `${inputs[i] !== BLANK ? "given" : "guess"} ${box}` };
    },
  };
}

function verdict(board: Uint8Array, final: Int32Array): string {
  const s = tokensToSudoku(final);
  if (s.includes("?") || s.includes(".")) return "Final grid: incomplete.";
  const grid = parseBoard(s, "prediction", false);
  const problem = solutionProblem(grid);
  const keeps = board.every((d, i) => d === 0 || d === grid[i]);
  return problem === null && keeps ? "Final grid: a valid solution." : `Final grid: not a solution (${problem ?? "changes a given digit"}).`;
}

export function createSudokuPanel(): TaskPanel {
  const select = el("select", { "data-testid": "sudoku-select", "aria-label": "embedded Sudoku" },
    ...sudokuPuzzles.map((p, i) => el("option", { value: i }, p.name)),
    el("option", { value: "custom" }, "typed below"));
  const text = el("input", { type: "text", "data-testid": "sudoku-input", size: 90, maxlength: 120, spellcheck: false, "aria-label": "Sudoku, 81 characters" });
  text.value = sudokuPuzzles[0]!.puzzle;
  const status = el("div", { class: "hint" });
  const preview = el("div", { class: "preview" });

  function refresh(): void {
    try {
      const inputs = sudokuToTokens(text.value);
      const board = parseBoard(text.value.trim(), "sudoku", true);
      const solved = solveSudoku(board);
      status.textContent = `${board.filter((d) => d === 0).length} blanks; ${solved.count === 0 ? "no solution" : solved.count === 1 ? "exactly one solution" : "several solutions"}.`;
      status.classList.remove("error");
      replace(preview, renderGrid(inputs, sudokuStyle(inputs), { testid: "sudoku-preview" }));
    } catch (e) {
      status.textContent = e instanceof Error ? e.message : String(e);
      status.classList.add("error");
      replace(preview);
    }
  }
  select.addEventListener("change", () => {
    const p = sudokuPuzzles[Number(select.value)];
    if (p !== undefined) text.value = p.puzzle;
    refresh();
  });
  text.addEventListener("input", () => {
    select.value = "custom";
    refresh();
  });
  refresh();

  const root = el("section", { class: "task", "data-task": "sudoku" },
    el("div", { class: "row" }, el("label", {}, "Puzzle ", select)),
    el("div", { class: "row" }, el("label", {}, "81 characters ('.' or '0' blank) ", text)),
    status, preview);

  return {
    kind: "sudoku",
    root,
    prepare(): Prepared {
      const inputs = sudokuToTokens(text.value);
      const board = parseBoard(text.value.trim(), "sudoku", true);
      const solved = solveSudoku(board);
      // the exact solver gives the labels when the puzzle has exactly one solution (as `hrm solve`)
      const labels = solved.count === 1 && solved.solution !== undefined ? sudokuToTokens(boardToString(solved.solution)) : undefined;
      return {
        inputs,
        ...(labels !== undefined ? { labels } : {}),
        puzzleIdentifier: 0,
        style: sudokuStyle(inputs),
        verdict: (final) => verdict(board, final),
      };
    },
  };
}
