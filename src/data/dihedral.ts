// The 8 dihedral symmetries with the official ids (dataset/common.py `dihedral_transform`):
// 0 identity, 1 rot90 (numpy, counter-clockwise), 2 rot180, 3 rot270, 4 flip left-right,
// 5 flip up-down, 6 transpose, 7 anti-transpose (= fliplr(rot90)).
import type { Grid } from "./grid.js";

export type DihedralId = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;
export const DIHEDRAL_IDS: readonly DihedralId[] = [0, 1, 2, 3, 4, 5, 6, 7];

/** official DIHEDRAL_INVERSE: the id that undoes each id. */
export const DIHEDRAL_INVERSE: readonly DihedralId[] = [0, 3, 2, 1, 4, 5, 6, 7];

/** Whether the transform swaps height and width. */
export function swapsAxes(t: DihedralId): boolean {
  return t === 1 || t === 3 || t === 6 || t === 7;
}

/**
 * Source cell (row, col) in an h x w input for output cell (i, j), as a flat index.
 * The output is w x h when `swapsAxes(t)`, else h x w.
 */
function sourceIndex(t: DihedralId, i: number, j: number, h: number, w: number): number {
  switch (t) {
    case 0: return i * w + j;
    case 1: return j * w + (w - 1 - i); // np.rot90(a, 1)[i, j] = a[j, w-1-i]
    case 2: return (h - 1 - i) * w + (w - 1 - j);
    case 3: return (h - 1 - j) * w + i; // np.rot90(a, 3)[i, j] = a[h-1-j, i]
    case 4: return i * w + (w - 1 - j);
    case 5: return (h - 1 - i) * w + j;
    case 6: return j * w + i;
    case 7: return (h - 1 - j) * w + (w - 1 - i); // fliplr(rot90(a))[i, j] = a[h-1-j, w-1-i]
  }
}

export function dihedralTransform(g: Grid, t: DihedralId): Grid {
  const { h, w } = g;
  const oh = swapsAxes(t) ? w : h;
  const ow = swapsAxes(t) ? h : w;
  const out = new Uint8Array(h * w);
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) out[i * ow + j] = g.data[sourceIndex(t, i, j, h, w)]!;
  }
  return { h: oh, w: ow, data: out };
}

export function inverseDihedralTransform(g: Grid, t: DihedralId): Grid {
  return dihedralTransform(g, DIHEDRAL_INVERSE[t]!);
}

export function isDihedralId(x: number): x is DihedralId {
  return Number.isInteger(x) && x >= 0 && x <= 7;
}
