// Reference transpose of the last two axes, in cache tiles: out[b, y, x] (+)= x[b, x, y].
import type { Buf, TransposeDims } from "../../engine/kernels.js";

const TILE = 32;

export function transpose(out: Buf, src: Buf, d: TransposeDims): void {
  const { B, X, Y } = d, accumulate = d.accumulate === true;
  for (let b = 0; b < B; b++) {
    const base = b * X * Y;
    for (let x0 = 0; x0 < X; x0 += TILE) {
      const x1 = Math.min(x0 + TILE, X);
      for (let y0 = 0; y0 < Y; y0 += TILE) {
        const y1 = Math.min(y0 + TILE, Y);
        for (let x = x0; x < x1; x++) {
          const s = base + x * Y;
          if (accumulate) for (let y = y0; y < y1; y++) out[base + y * X + x] = out[base + y * X + x]! + src[s + y]!;
          else for (let y = y0; y < y1; y++) out[base + y * X + x] = src[s + y]!;
        }
      }
    }
  }
}
