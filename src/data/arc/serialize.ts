// ARC grids on the official 30x30 canvas: token = colour + 2 (colours 0..9 -> 2..11), PAD 0, EOS 1.
// The grid sits at offset (r0, c0); EOS marks the row just below it over its columns and the column
// just right of it over its rows (the corner cell stays PAD), each only inside the canvas.
// `cropArcTokens` is the evaluation notebook's `crop` (spec 7.2): it assumes placement at (0, 0).
import { ShapeError } from "../../engine/errors.js";
import type { Grid } from "../grid.js";
import { ARC_MAX_SIZE } from "./task.js";

export const ARC_SEQ_LEN = ARC_MAX_SIZE * ARC_MAX_SIZE;
export const ARC_PAD = 0, ARC_EOS = 1, ARC_COLOUR_OFFSET = 2;

export function arcGridToTokens(g: Grid, r0 = 0, c0 = 0, out = new Uint8Array(ARC_SEQ_LEN)): Uint8Array {
  const S = ARC_MAX_SIZE;
  if (r0 < 0 || c0 < 0 || r0 + g.h > S || c0 + g.w > S) throw new ShapeError(`ARC grid ${g.h}x${g.w} at (${r0}, ${c0}) leaves the ${S}x${S} canvas`);
  out.fill(ARC_PAD);
  for (let r = 0; r < g.h; r++) {
    const base = (r0 + r) * S + c0;
    for (let c = 0; c < g.w; c++) out[base + c] = g.data[r * g.w + c]! + ARC_COLOUR_OFFSET;
    if (c0 + g.w < S) out[base + g.w] = ARC_EOS;
  }
  if (r0 + g.h < S) out.fill(ARC_EOS, (r0 + g.h) * S + c0, (r0 + g.h) * S + c0 + g.w);
  return out;
}

/**
 * Official crop: scan rows from the top keeping the widest prefix of colour tokens (the column budget
 * only shrinks), take the (rows, cols) of largest area, return that top-left block minus 2.
 */
export function cropArcTokens(tokens: ArrayLike<number>): Grid {
  const S = ARC_MAX_SIZE;
  let maxArea = 0, bestR = 0, bestC = 0;
  let numC = S;
  for (let numR = 1; numR <= S; numR++) {
    for (let c = 1; c <= numC; c++) {
      const x = tokens[(numR - 1) * S + c - 1]!;
      if (x < 2 || x > 11) { numC = c - 1; break; }
    }
    const area = numR * numC;
    if (area > maxArea) { maxArea = area; bestR = numR; bestC = numC; }
  }
  const data = new Uint8Array(bestR * bestC);
  for (let r = 0; r < bestR; r++) for (let c = 0; c < bestC; c++) data[r * bestC + c] = tokens[r * S + c]! - ARC_COLOUR_OFFSET;
  return { h: bestR, w: bestC, data };
}

/** The bounding box of colour tokens anywhere on the canvas (for displaying translated examples). */
export function findArcGrid(tokens: ArrayLike<number>): Grid {
  const S = ARC_MAX_SIZE;
  let r0 = S, c0 = S, r1 = -1, c1 = -1;
  for (let i = 0; i < S * S; i++) {
    const x = tokens[i]!;
    if (x < 2 || x > 11) continue;
    const r = Math.floor(i / S), c = i % S;
    r0 = Math.min(r0, r); r1 = Math.max(r1, r); c0 = Math.min(c0, c); c1 = Math.max(c1, c);
  }
  if (r1 < 0) return { h: 0, w: 0, data: new Uint8Array(0) };
  const h = r1 - r0 + 1, w = c1 - c0 + 1;
  const data = new Uint8Array(h * w);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) data[r * w + c] = Math.max(0, tokens[(r0 + r) * S + c0 + c]! - ARC_COLOUR_OFFSET);
  return { h, w, data };
}
