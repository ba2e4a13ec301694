// A small 2-D grid of byte values (row-major), shared by the Sudoku, Maze and ARC code.

/** h rows x w columns, `data[r * w + c]`. */
export interface Grid {
  readonly h: number;
  readonly w: number;
  readonly data: Uint8Array;
}

export function gridsEqual(a: Grid, b: Grid): boolean {
  if (a.h !== b.h || a.w !== b.w) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}

/** Apply a value map (`out = map[v]`) to every cell. */
export function mapValues(g: Grid, map: ArrayLike<number>): Grid {
  const out = new Uint8Array(g.data.length);
  for (let i = 0; i < out.length; i++) out[i] = map[g.data[i]!]!;
  return { h: g.h, w: g.w, data: out };
}

/** Rows of the grid as nested arrays (for JSON and messages). */
export function gridToRows(g: Grid): number[][] {
  const rows: number[][] = [];
  for (let r = 0; r < g.h; r++) rows.push(Array.from(g.data.subarray(r * g.w, (r + 1) * g.w)));
  return rows;
}
