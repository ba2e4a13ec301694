// Reference row softmax (max-subtracted).
import type { Buf, RowsDims } from "../../engine/kernels.js";

export function softmaxForward(out: Buf, x: Buf, d: RowsDims): void {
  const { rows, D } = d;
  for (let r = 0; r < rows; r++) {
    const o = r * D;
    let max = -Infinity;
    for (let i = 0; i < D; i++) max = Math.max(max, x[o + i]!);
    let sum = 0;
    for (let i = 0; i < D; i++) {
      const e = Math.exp(x[o + i]! - max);
      out[o + i] = e;
      sum += e;
    }
    for (let i = 0; i < D; i++) out[o + i] = out[o + i]! / sum;
  }
}
