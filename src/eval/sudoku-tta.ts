// Test-time augmentation with verification for Sudoku (the loop is ./tta.ts): each puzzle is solved in K
// views (view 0 the puzzle itself, the others relabelled digits, transposed, band/stack and
// row/column-within-band permutations, as the training augmentation); the answer is the first view's that
// satisfies the givens and the rules, else a per-cell vote of the views weighted by σ(q_halt).
// Legend: N puzzles, K views, S = 81 cells (tokens: blank 1, digit d -> d + 1).
import type { Ctx } from "../engine/context.js";
import { Rng } from "../engine/rng.js";
import type { SudokuTransform } from "../data/sudoku/augment.js";
import { randomSudokuTransform } from "../data/sudoku/augment.js";
import { CELLS, solutionProblem } from "../data/sudoku/grid.js";
import type { ReasoningModel } from "../model/model.js";
import type { TtaOptions, TtaResult, TtaTask } from "./tta.js";
import { solveWithTta } from "./tta.js";

const IDENTITY: SudokuTransform = {
  digitMap: Uint8Array.from({ length: 10 }, (_, i) => i), transpose: false,
  rowPerm: Uint8Array.from({ length: 9 }, (_, i) => i), colPerm: Uint8Array.from({ length: 9 }, (_, i) => i),
};

/** The K transforms: the identity, then K − 1 drawn as the training augmentation draws them. */
export function sudokuViews(K: number, seed = 0): SudokuTransform[] {
  const rng = new Rng(seed);
  return [IDENTITY, ...Array.from({ length: K - 1 }, () => randomSudokuTransform(rng))];
}

/** Cell (i, j) of the view comes from source cell src(i, j) of the puzzle (applySudokuTransform's rule). */
function sourceCell(t: SudokuTransform, i: number, j: number): number {
  const r = t.rowPerm[i]!, c = t.colPerm[j]!;
  return t.transpose ? c * 9 + r : r * 9 + c;
}

/** Puzzle tokens -> view tokens. */
export function toView(tokens: ArrayLike<number>, t: SudokuTransform, out: Int32Array, at: number): void {
  for (let i = 0; i < 9; i++) {
    for (let j = 0; j < 9; j++) {
      const tok = tokens[sourceCell(t, i, j)]!;
      out[at + i * 9 + j] = tok >= 2 && tok <= 10 ? t.digitMap[tok - 1]! + 1 : tok;
    }
  }
}

/** View prediction tokens -> digits 0..9 in the puzzle's frame (0 where a token is not a digit). */
export function fromView(pred: ArrayLike<number>, at: number, t: SudokuTransform, inverse: Uint8Array, out: Uint8Array): void {
  for (let i = 0; i < 9; i++) {
    for (let j = 0; j < 9; j++) {
      const tok = pred[at + i * 9 + j]!;
      out[sourceCell(t, i, j)] = tok >= 2 && tok <= 10 ? inverse[tok - 1]! : 0;
    }
  }
}

/** Whether a digit grid keeps every given of the puzzle and is a valid complete Sudoku. */
export function satisfiesSudoku(grid: Uint8Array, puzzleTokens: ArrayLike<number>): boolean {
  for (let k = 0; k < CELLS; k++) {
    const tok = puzzleTokens[k]!;
    if (tok >= 2 && grid[k] !== tok - 1) return false;
  }
  return solutionProblem(grid) === null;
}

interface SudokuView { readonly t: SudokuTransform; readonly inverse: Uint8Array }

const digits = new Uint8Array(CELLS);

/** Sudoku for ./tta.ts: the training augmentation's views, the rules as the checker, a vote over digits. */
export const sudokuTta: TtaTask<SudokuView> = {
  name: "Sudoku TTA",
  modelProblem: (m) => (m.config.seq_len !== CELLS || m.config.vocab_size < 11 ? `needs a Sudoku model (seq_len 81, vocab ≥ 11); this one has seq_len ${m.config.seq_len}, vocab_size ${m.config.vocab_size}` : null),
  views: (K, seed) => sudokuViews(K, seed).map((t) => {
    const inverse = new Uint8Array(10);
    for (let d = 0; d <= 9; d++) inverse[t.digitMap[d]!] = d;
    return { t, inverse };
  }),
  toView: (puzzle, v, out, at) => toView(puzzle, v.t, out, at),
  fromView: (pred, at, v, out) => {
    fromView(pred, at, v.t, v.inverse, digits);
    for (let k = 0; k < CELLS; k++) out[k] = digits[k] === 0 ? 0 : digits[k]! + 1; // 0: not a digit
  },
  accepts: (answer, puzzle) => {
    for (let k = 0; k < CELLS; k++) digits[k] = answer[k]! >= 2 ? answer[k]! - 1 : 0;
    return satisfiesSudoku(digits, puzzle);
  },
  answerTokens: [2, 3, 4, 5, 6, 7, 8, 9, 10],
};

/** Solve N Sudoku puzzles ([N, 81] tokens) with K verified views each. */
export function solveSudokuTta(ctx: Ctx, model: ReasoningModel, puzzles: Int32Array, opts: TtaOptions): TtaResult {
  return solveWithTta(ctx, model, sudokuTta, puzzles, opts);
}
