// Reference matrix product: one dot product per output element, accumulated in double.
import { roundBf16 } from "../../engine/dtype.js";
import type { Buf, MatmulDims } from "../../engine/kernels.js";

export function matmul(out: Buf, a: Buf, b: Buf, d: MatmulDims): void {
  if (d.precision === "bf16") { // round the operands to bf16 first (this copy is the reference's only allocation)
    a = a.map(roundBf16);
    b = b.map(roundBf16);
  }
  const { M, K, N } = d;
  // Element strides of A as [M, K] and B as [K, N], whatever their storage.
  const aRow = d.transA ? 1 : K, aCol = d.transA ? M : 1;
  const bRow = d.transB ? 1 : N, bCol = d.transB ? K : 1;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc += a[i * aRow + k * aCol]! * b[k * bRow + j * bCol]!;
      const o = i * N + j;
      out[o] = d.accumulate ? out[o]! + acc : acc;
    }
  }
}
