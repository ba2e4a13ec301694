// Seeded Sudoku generator for an embedded default dataset (no download): a random solved grid (the three
// diagonal boxes filled with random permutations, then completed by the exact solver and relabelled by a
// random digit permutation), then cells removed in random order while the puzzle keeps a unique solution,
// until `blanks` cells are empty.
import { ConfigError } from "../../engine/errors.js";
import type { Rng } from "../../engine/rng.js";
import { CELLS, boardToString } from "./grid.js";
import { solveSudoku } from "./solver.js";

export interface GeneratedSudoku {
  /** 81 bytes, 0 = blank. */
  readonly puzzle: Uint8Array;
  readonly solution: Uint8Array;
}

function randomSolvedGrid(rng: Rng): Uint8Array {
  const seed = new Uint8Array(CELLS);
  for (const box of [0, 4, 8]) {
    const digits = rng.permutation(9);
    const r0 = Math.floor(box / 3) * 3, c0 = (box % 3) * 3;
    for (let k = 0; k < 9; k++) seed[(r0 + Math.floor(k / 3)) * 9 + c0 + (k % 3)] = digits[k]! + 1;
  }
  const solved = solveSudoku(seed, 1).solution!;
  const relabel = rng.permutation(9);
  return solved.map((d) => relabel[d - 1]! + 1);
}

/** One puzzle with exactly `blanks` empty cells and a unique solution (retries a new grid if stuck). */
export function generateSudoku(rng: Rng, blanks: number): GeneratedSudoku {
  if (!(Number.isInteger(blanks) && blanks >= 0 && blanks <= 64)) throw new ConfigError(`generateSudoku: blanks must be an integer in [0, 64], got ${blanks}`);
  for (;;) {
    const solution = randomSolvedGrid(rng);
    const puzzle = Uint8Array.from(solution);
    let removed = 0;
    for (const cell of rng.permutation(CELLS)) {
      if (removed === blanks) break;
      const keep = puzzle[cell]!;
      puzzle[cell] = 0;
      if (solveSudoku(puzzle, 2).count === 1) removed++;
      else puzzle[cell] = keep;
    }
    if (removed === blanks) return { puzzle, solution };
  }
}

/** CSV text in the Sudoku-Extreme layout (source,question,answer,rating). */
export function sudokuCsv(items: readonly GeneratedSudoku[], source: string): string {
  const lines = ["source,question,answer,rating"];
  for (const it of items) lines.push(`${source},${boardToString(it.puzzle, ".")},${boardToString(it.solution, "")},0`);
  return `${lines.join("\n")}\n`;
}
