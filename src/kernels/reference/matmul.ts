// Reference matrix product: one dot product per output element, accumulated in double.
// A batch (MatmulDims.batch) is a loop over products at strided offsets; strideOut 0 sums them into out.
import { roundBf16 } from "../../engine/dtype.js";
import type { Buf, MatmulDims } from "../../engine/kernels.js";

export function matmul(out: Buf, a: Buf, b: Buf, d: MatmulDims): void {
  if (d.precision === "bf16") { // round the operands to bf16 first (this copy is the reference's only allocation)
    a = a.map(roundBf16);
    b = b.map(roundBf16);
  }
  const { M, K, N } = d;
  const count = d.batch?.count ?? 1, sA = d.batch?.strideA ?? 0, sB = d.batch?.strideB ?? 0, sOut = d.batch?.strideOut ?? 0;
  // Element strides of A as [M, K] and B as [K, N], whatever their storage.
  const aRow = d.transA ? 1 : K, aCol = d.transA ? M : 1;
  const bRow = d.transB ? 1 : N, bCol = d.transB ? K : 1;
  for (let p = 0; p < count; p++) {
    const a0 = p * sA, b0 = p * sB, o0 = p * sOut;
    const sum = d.accumulate === true || (p > 0 && sOut === 0); // products into one out add up
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let acc = 0;
        for (let k = 0; k < K; k++) acc += a[a0 + i * aRow + k * aCol]! * b[b0 + k * bRow + j * bCol]!;
        const o = o0 + i * N + j;
        out[o] = sum ? out[o]! + acc : acc;
      }
    }
  }
}
