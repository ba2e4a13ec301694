// An exact Sudoku solver: bitmask candidates, constraint propagation (naked and hidden singles) and
// most-constrained-cell-first depth-first search. Counts solutions up to a limit (2 proves
// uniqueness) and reports the number of guesses (branching choices), a difficulty measure in the
// spirit of the Sudoku-Extreme `rating`.
import { CELLS } from "./grid.js";

export interface SolveResult {
  /** Solutions found, capped at the limit. */
  readonly count: number;
  /** The first solution found (undefined when none). */
  readonly solution?: Uint8Array;
  /** Branching decisions taken (cells tried with more than one candidate). */
  readonly guesses: number;
}

const ROW = new Uint8Array(CELLS);
const COL = new Uint8Array(CELLS);
const BOX = new Uint8Array(CELLS);
/** The 27 units (9 rows, 9 columns, 9 boxes), 9 cells each. */
const UNITS = new Uint8Array(27 * 9);
for (let i = 0; i < CELLS; i++) {
  ROW[i] = Math.floor(i / 9);
  COL[i] = i % 9;
  BOX[i] = Math.floor(ROW[i]! / 3) * 3 + Math.floor(COL[i]! / 3);
}
for (let u = 0; u < 9; u++) {
  for (let k = 0; k < 9; k++) {
    UNITS[u * 9 + k] = u * 9 + k;
    UNITS[(9 + u) * 9 + k] = k * 9 + u;
    UNITS[(18 + u) * 9 + k] = (Math.floor(u / 3) * 3 + Math.floor(k / 3)) * 9 + (u % 3) * 3 + (k % 3);
  }
}

const POPCOUNT = new Uint8Array(512);
for (let m = 1; m < 512; m++) POPCOUNT[m] = (m & 1) + POPCOUNT[m >> 1]!;

/** Solve `puzzle` (81 bytes, 0 = blank); stop after `limit` solutions. */
export function solveSudoku(puzzle: Uint8Array, limit = 2): SolveResult {
  const cells = Uint8Array.from(puzzle);
  const rows = new Uint16Array(9);
  const cols = new Uint16Array(9);
  const boxes = new Uint16Array(9);
  const trail = new Uint8Array(CELLS);
  let trailLen = 0;
  for (let i = 0; i < CELLS; i++) {
    const d = cells[i]!;
    if (d > 9) return { count: 0, guesses: 0 };
    if (d === 0) continue;
    const bit = 1 << (d - 1);
    // a given that repeats in its row, column or box: no solution
    if ((rows[ROW[i]!]! | cols[COL[i]!]! | boxes[BOX[i]!]!) & bit) return { count: 0, guesses: 0 };
    rows[ROW[i]!]! |= bit; cols[COL[i]!]! |= bit; boxes[BOX[i]!]! |= bit;
  }
  let count = 0;
  let guesses = 0;
  let first: Uint8Array | undefined;

  const place = (i: number, bit: number): void => {
    rows[ROW[i]!]! |= bit; cols[COL[i]!]! |= bit; boxes[BOX[i]!]! |= bit;
    cells[i] = 32 - Math.clz32(bit);
    trail[trailLen++] = i;
  };
  const undoTo = (mark: number): void => {
    while (trailLen > mark) {
      const i = trail[--trailLen]!;
      const bit = 1 << (cells[i]! - 1);
      rows[ROW[i]!]! &= ~bit; cols[COL[i]!]! &= ~bit; boxes[BOX[i]!]! &= ~bit;
      cells[i] = 0;
    }
  };
  const candidates = (i: number): number => ~(rows[ROW[i]!]! | cols[COL[i]!]! | boxes[BOX[i]!]!) & 511;

  /** Place forced digits until nothing changes; false on a contradiction. */
  const propagate = (): boolean => {
    for (let changed = true; changed;) {
      changed = false;
      for (let i = 0; i < CELLS; i++) {
        if (cells[i] !== 0) continue;
        const m = candidates(i);
        if (m === 0) return false;
        if ((m & (m - 1)) === 0) { place(i, m); changed = true; }
      }
      for (let u = 0; u < 27; u++) {
        let once = 0, twice = 0, placed = 0;
        for (let k = 0; k < 9; k++) {
          const i = UNITS[u * 9 + k]!;
          if (cells[i] !== 0) { placed |= 1 << (cells[i]! - 1); continue; }
          const m = candidates(i);
          twice |= once & m;
          once |= m;
        }
        if ((once | placed) !== 511) return false; // some digit has no place in this unit
        let hidden = once & ~twice;
        for (let k = 0; k < 9 && hidden !== 0; k++) {
          const i = UNITS[u * 9 + k]!;
          if (cells[i] !== 0) continue;
          const m = candidates(i) & hidden;
          if (m === 0) continue;
          if ((m & (m - 1)) !== 0) return false; // two digits need this one cell
          place(i, m);
          hidden &= ~m;
          changed = true;
        }
      }
    }
    return true;
  };

  const search = (): void => {
    const mark = trailLen;
    if (!propagate()) { undoTo(mark); return; }
    let best = -1;
    let bestMask = 0;
    let bestCount = 10;
    for (let i = 0; i < CELLS; i++) {
      if (cells[i] !== 0) continue;
      const mask = candidates(i);
      const n = POPCOUNT[mask]!;
      if (n < bestCount) {
        best = i; bestMask = mask; bestCount = n;
        if (n <= 2) break;
      }
    }
    if (best < 0) {
      count++;
      if (first === undefined) first = Uint8Array.from(cells);
      undoTo(mark);
      return;
    }
    guesses++;
    for (let m = bestMask; m !== 0 && count < limit; m &= m - 1) {
      const inner = trailLen;
      place(best, m & -m);
      search();
      undoTo(inner);
    }
    undoTo(mark);
  };
  search();
  return first === undefined ? { count, guesses } : { count, solution: first, guesses };
}
