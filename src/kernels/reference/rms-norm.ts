// Reference RMSNorm without gain (HRM's blocks): y = x / sqrt(mean(x²) + eps), per row of D.
import type { AddRmsNormDims, Buf, RmsNormDims, RowsDims } from "../../engine/kernels.js";
import { roundBf16 } from "./elementwise.js";

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

/** rmsNormForward of x = a + b, x rounded as a stored add output (and to bfloat16 with roundSum). */
export function addRmsNormForward(out: Buf, rstd: Buf, a: Buf, b: Buf, d: AddRmsNormDims): void {
  const { rows, D } = d;
  const x = out instanceof Float64Array ? new Float64Array(D) : new Float32Array(D); // one row of the sum
  for (let r = 0; r < rows; r++) {
    const o = r * D;
    for (let i = 0; i < D; i++) x[i] = a[o + i]! + b[o + i]!;
    if (d.roundSum === true) roundBf16(x, x, D);
    rmsNormForward(out.subarray(o, o + D), rstd.subarray(r, r + 1), x, { rows: 1, D, eps: d.eps });
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
