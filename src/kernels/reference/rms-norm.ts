// Reference RMSNorm without gain (HRM's blocks): y = x / sqrt(mean(x²) + eps), per row of D.
// With inner > 1 (NormDims), x is [rows, D, inner] and each vector runs down the D axis with stride inner
// (vector (r, j) is x[r·D·inner + i·inner + j], i < D); its rstd is rstd[r·inner + j].
import type { AddRmsNormDims, Buf, NormDims, RmsNormDims } from "../../engine/kernels.js";
import { roundBf16 } from "./elementwise.js";

export function rmsNormForward(out: Buf, rstd: Buf, x: Buf, d: RmsNormDims): void {
  const { rows, D, eps } = d, inner = d.inner ?? 1;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < inner; j++) {
      const o = r * D * inner + j;
      let ss = 0;
      for (let i = 0; i < D; i++) ss += x[o + i * inner]! * x[o + i * inner]!;
      const s = 1 / Math.sqrt(ss / D + eps);
      rstd[r * inner + j] = s;
      for (let i = 0; i < D; i++) out[o + i * inner] = x[o + i * inner]! * s;
    }
  }
}

/** rmsNormForward of x = a + b, x rounded as a stored add output (and to bfloat16 with roundSum). */
export function addRmsNormForward(out: Buf, rstd: Buf, a: Buf, b: Buf, d: AddRmsNormDims): void {
  const { rows, D } = d, inner = d.inner ?? 1, n = D * inner;
  const x = out instanceof Float64Array ? new Float64Array(n) : new Float32Array(n); // one row of the sum
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    for (let i = 0; i < n; i++) x[i] = a[o + i]! + b[o + i]!;
    if (d.roundSum === true) roundBf16(x, x, n);
    rmsNormForward(out.subarray(o, o + n), rstd.subarray(r * inner, (r + 1) * inner), x, { rows: 1, D, inner, eps: d.eps });
  }
}

// forward: y = x·r, r = (mean(x²) + eps)^(-1/2)  =>  dx = r·(dy − y·mean(dy·y))
export function rmsNormBackward(dX: Buf, dOut: Buf, y: Buf, rstd: Buf, d: NormDims): void {
  const { rows, D } = d, inner = d.inner ?? 1;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < inner; j++) {
      const o = r * D * inner + j;
      let dot = 0;
      for (let i = 0; i < D; i++) dot += dOut[o + i * inner]! * y[o + i * inner]!;
      const mean = dot / D;
      const s = rstd[r * inner + j]!;
      for (let i = 0; i < D; i++) dX[o + i * inner] = s * (dOut[o + i * inner]! - y[o + i * inner]! * mean);
    }
  }
}
