// ARC augmentations (official build_arc_dataset.py): a dihedral transform id t in 0..7 and a colour
// map that keeps 0 (black) and permutes 1..9; forward = colour map, then dihedral. The augmented
// puzzle is named `<task>_t<t>_<the 10 mapped digits>`, so the name alone lets evaluation invert it:
// inverse dihedral, then the inverse colour map (argsort of the map).
import { DataError } from "../../engine/errors.js";
import { describeValue } from "../../util/message-text.js";
import type { Rng } from "../../engine/rng.js";
import { type DihedralId, dihedralTransform, inverseDihedralTransform, isDihedralId } from "../dihedral.js";
import { type Grid, mapValues } from "../grid.js";

export interface ArcAugmentation {
  readonly transId: DihedralId;
  /** colourMap[c] = new colour; colourMap[0] = 0. */
  readonly colourMap: Uint8Array;
}

export const IDENTITY_AUGMENTATION: ArcAugmentation = { transId: 0, colourMap: Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) };

/** Draw as the official builder: t first, then the permutation of colours 1..9. */
export function randomArcAugmentation(rng: Rng): ArcAugmentation {
  const transId = rng.int(0, 7) as DihedralId;
  const perm = rng.permutation(9);
  const colourMap = new Uint8Array(10);
  for (let c = 1; c <= 9; c++) colourMap[c] = perm[c - 1]! + 1;
  return { transId, colourMap };
}

export function augmentGrid(g: Grid, a: ArcAugmentation): Grid {
  return dihedralTransform(mapValues(g, a.colourMap), a.transId);
}

export function inverseColourMap(map: Uint8Array): Uint8Array {
  const inv = new Uint8Array(map.length);
  for (let c = 0; c < map.length; c++) inv[map[c]!] = c;
  return inv;
}

/** inverse(augmentGrid(g, a), a) equals g. */
export function invertAugmentedGrid(g: Grid, a: ArcAugmentation): Grid {
  return mapValues(inverseDihedralTransform(g, a.transId), inverseColourMap(a.colourMap));
}

export function augmentedName(task: string, a: ArcAugmentation): string {
  return `${task}_t${a.transId}_${Array.from(a.colourMap).join("")}`;
}

const NAME = /^(.*)_t([0-7])_([0-9]{10})$/;

/** Split a puzzle name into its task and augmentation (identity when the name is not augmented). */
export function parseAugmentedName(name: string): { task: string; augmentation: ArcAugmentation; augmented: boolean } {
  const m = NAME.exec(name);
  if (m === null) return { task: name, augmentation: IDENTITY_AUGMENTATION, augmented: false };
  const colourMap = Uint8Array.from(m[3]!, (ch) => Number(ch));
  const sorted = Array.from(colourMap).sort((x, y) => x - y).join("");
  if (colourMap[0] !== 0 || sorted !== "0123456789") throw new DataError(`puzzle name ${describeValue(name)}: colour map ${m[3]} is not a permutation of 0-9 that keeps 0`);
  const t = Number(m[2]);
  if (!isDihedralId(t)) throw new DataError(`puzzle name ${describeValue(name)}: bad transform id ${m[2]}`);
  return { task: m[1]!, augmentation: { transId: t, colourMap }, augmented: true };
}
