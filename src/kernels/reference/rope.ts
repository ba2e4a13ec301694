// Reference rotary embedding, rotate-half (NeoX) layout, on the Q and K heads of a fused qkv.
// qkv is [B, T, 3, NH, HD]: head slots 0..NH-1 are Q, NH..2NH-1 K, 2NH..3NH-1 V.
// forward: out = x·cos + rot(x)·sin, rot(x) = (−x2, x1) for halves x1, x2 of HD/2.
import type { Buf, RopeDims } from "../../engine/kernels.js";

export function ropeForward(out: Buf, qkv: Buf, cos: Buf, sin: Buf, d: RopeDims): void {
  const { B, T, NH, HD } = d;
  const half = HD / 2;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const base = (b * T + t) * 3 * NH * HD;
      const c = t * HD;
      for (let h = 0; h < 3 * NH; h++) {
        const o = base + h * HD;
        if (h >= 2 * NH) { // V: copied unchanged
          for (let i = 0; i < HD; i++) out[o + i] = qkv[o + i]!;
          continue;
        }
        for (let i = 0; i < half; i++) {
          const x1 = qkv[o + i]!, x2 = qkv[o + half + i]!;
          out[o + i] = x1 * cos[c + i]! - x2 * sin[c + i]!;
          out[o + half + i] = x2 * cos[c + half + i]! + x1 * sin[c + half + i]!;
        }
      }
    }
  }
}

// Transpose of the rotation: dx1 = dy1·cos1 + dy2·sin2, dx2 = dy2·cos2 − dy1·sin1.
export function ropeBackward(dQkv: Buf, dOut: Buf, cos: Buf, sin: Buf, d: RopeDims): void {
  const { B, T, NH, HD } = d;
  const half = HD / 2;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const base = (b * T + t) * 3 * NH * HD;
      const c = t * HD;
      for (let h = 0; h < 3 * NH; h++) {
        const o = base + h * HD;
        if (h >= 2 * NH) {
          for (let i = 0; i < HD; i++) dQkv[o + i] = dOut[o + i]!;
          continue;
        }
        for (let i = 0; i < half; i++) {
          const g1 = dOut[o + i]!, g2 = dOut[o + half + i]!;
          dQkv[o + i] = g1 * cos[c + i]! + g2 * sin[c + half + i]!;
          dQkv[o + half + i] = g2 * cos[c + half + i]! - g1 * sin[c + i]!;
        }
      }
    }
  }
}
