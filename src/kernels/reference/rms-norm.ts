// Reference RMSNorm without gain (HRM's blocks): y = x / sqrt(mean(x²) + eps), per row of D.
import type { Buf, RmsNormDims, RowsDims } from "../kernels.js";

export function rmsNormForward(out: Buf, rstd: Buf, x: Buf, d: RmsNormDims): void {
  const { rows, D, eps } = d;
  for (let r = 0; r < rows; r++) {
    const o = r * D;
    let ss = 0;
    for (let i = 0; i < D; i++) ss += x[o + i]! * x[o + i]!;
    const s = 1 / Math.sqrt(ss / D + eps);
    rstd[r] = s;
    for (let i = 0; i < D; i++) out[o + i] = x[o + i]! * s;
  }
}

// forward: y = x·r, r = (mean(x²) + eps)^(-1/2)  =>  dx = r·(dy − y·mean(dy·y))
export function rmsNormBackward(dX: Buf, dOut: Buf, y: Buf, rstd: Buf, d: RowsDims): void {
  const { rows, D } = d;
  for (let r = 0; r < rows; r++) {
    const o = r * D;
    let dot = 0;
    for (let i = 0; i < D; i++) dot += dOut[o + i]! * y[o + i]!;
    const mean = dot / D;
    const s = rstd[r]!;
    for (let i = 0; i < D; i++) dX[o + i] = s * (dOut[o + i]! - y[o + i]! * mean);
  }
}
