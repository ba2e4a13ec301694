// Sudoku boards as 81 bytes, row-major, 0 = blank, 1..9 = digits; parsing and validity checks.
import { DataError } from "../../engine/errors.js";

export const CELLS = 81;

/** Encode a board (0 = blank, 1..9) as tokens (digit + 1). */
export function encodeSudoku(board: Uint8Array, out = new Uint8Array(CELLS)): Uint8Array {
  for (let i = 0; i < CELLS; i++) out[i] = board[i]! + 1;
  return out;
}

/** Parse 81 characters ('.' or '0' blank, '1'-'9' digits). `where` prefixes error messages. */
export function parseBoard(text: string, where: string, allowBlanks: boolean): Uint8Array {
  if (text.length !== CELLS) throw new DataError(`${where}: expected 81 characters, got ${text.length}`);
  const out = new Uint8Array(CELLS);
  for (let i = 0; i < CELLS; i++) {
    const c = text.charCodeAt(i);
    if (c >= 49 && c <= 57) out[i] = c - 48;
    else if (allowBlanks && (c === 46 || c === 48)) out[i] = 0;
    else {
      const expected = allowBlanks ? "1-9, '.' or '0'" : "1-9";
      throw new DataError(`${where}: invalid character ${JSON.stringify(text[i])} at position ${i + 1} (row ${Math.floor(i / 9) + 1}, column ${(i % 9) + 1}); expected ${expected}`);
    }
  }
  return out;
}

export function boardToString(b: Uint8Array, blank = "."): string {
  let s = "";
  for (let i = 0; i < CELLS; i++) s += b[i] === 0 ? blank : String(b[i]);
  return s;
}

/** Why `sol` is not a complete valid grid (or null when it is). */
export function solutionProblem(sol: Uint8Array): string | null {
  for (let k = 0; k < 9; k++) {
    let row = 0, col = 0, box = 0;
    for (let j = 0; j < 9; j++) {
      const r = sol[k * 9 + j]!;
      const c = sol[j * 9 + k]!;
      const b = sol[(Math.floor(k / 3) * 3 + Math.floor(j / 3)) * 9 + (k % 3) * 3 + (j % 3)]!;
      if (r < 1 || r > 9) return `cell (${k + 1}, ${j + 1}) is not a digit 1-9`;
      if (row & (1 << r)) return `row ${k + 1} repeats ${r}`;
      if (col & (1 << c)) return `column ${k + 1} repeats ${c}`;
      if (box & (1 << b)) return `box ${k + 1} repeats ${b}`;
      row |= 1 << r; col |= 1 << c; box |= 1 << b;
    }
  }
  return null;
}

/** Whether `sol` keeps every given digit of `puzzle`; returns the first differing cell or -1. */
export function firstClueMismatch(puzzle: Uint8Array, sol: Uint8Array): number {
  for (let i = 0; i < CELLS; i++) if (puzzle[i] !== 0 && puzzle[i] !== sol[i]) return i;
  return -1;
}
