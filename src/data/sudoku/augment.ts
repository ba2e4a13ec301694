// The official Sudoku augmentation (build_sudoku_dataset.py `shuffle_sudoku`), the same transform
// applied to puzzle and solution: digit relabelling (a permutation of 1..9, blank 0 fixed);
// transpose with probability 0.5, applied first; row permutation = shuffle the 3 bands and the 3 rows
// inside each band; columns likewise with stacks. Cell (i, j) of the result comes from
// (rowPerm[i], colPerm[j]) of the (transposed) input, then goes through the digit map.
import type { Rng } from "../../engine/rng.js";
import { CELLS } from "./grid.js";

export interface SudokuTransform {
  /** digitMap[d] = new digit; digitMap[0] = 0. */
  readonly digitMap: Uint8Array;
  readonly transpose: boolean;
  readonly rowPerm: Uint8Array;
  readonly colPerm: Uint8Array;
}

function bandPermutation(rng: Rng): Uint8Array {
  const bands = rng.permutation(3);
  const perm = new Uint8Array(9);
  for (let k = 0; k < 3; k++) {
    const inner = rng.permutation(3);
    for (let j = 0; j < 3; j++) perm[k * 3 + j] = bands[k]! * 3 + inner[j]!;
  }
  return perm;
}

/** Draw a transform in the official order: digits, transpose, rows, columns. */
export function randomSudokuTransform(rng: Rng): SudokuTransform {
  const digits = rng.permutation(9);
  const digitMap = new Uint8Array(10);
  for (let d = 1; d <= 9; d++) digitMap[d] = digits[d - 1]! + 1;
  const transpose = rng.uniform() < 0.5;
  const rowPerm = bandPermutation(rng);
  const colPerm = bandPermutation(rng);
  return { digitMap, transpose, rowPerm, colPerm };
}

export function applySudokuTransform(board: Uint8Array, t: SudokuTransform, out = new Uint8Array(CELLS)): Uint8Array {
  for (let i = 0; i < 9; i++) {
    for (let j = 0; j < 9; j++) {
      const r = t.rowPerm[i]!, c = t.colPerm[j]!;
      const src = t.transpose ? c * 9 + r : r * 9 + c;
      out[i * 9 + j] = t.digitMap[board[src]!]!;
    }
  }
  return out;
}
