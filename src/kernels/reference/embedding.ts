// Reference embedding gather and its scatter-add gradient.
import type { Buf, EmbeddingDims } from "../../engine/kernels.js";

export function embeddingForward(out: Buf, table: Buf, ids: Int32Array, d: EmbeddingDims): void {
  const { n, D } = d;
  for (let r = 0; r < n; r++) {
    const id = ids[r]!;
    for (let i = 0; i < D; i++) out[r * D + i] = table[id * D + i]!;
  }
}

export function embeddingBackward(dTable: Buf, dOut: Buf, ids: Int32Array, d: EmbeddingDims): void {
  const { n, D } = d;
  for (let r = 0; r < n; r++) {
    const id = ids[r]!;
    for (let i = 0; i < D; i++) dTable[id * D + i] = dTable[id * D + i]! + dOut[r * D + i]!;
  }
}
