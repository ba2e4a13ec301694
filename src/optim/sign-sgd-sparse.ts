// Sparse sign-SGD for the puzzle-embedding table (official CastedSparseEmbeddingSignSGD_Distributed,
// world size 1): sum the local gradients of rows sharing an id, then for each touched row
//   w ← w·(1 − lr·λ) − lr·sign(g_sum)      (sign(0) = 0; untouched rows are not decayed).
// Legend: N local rows (batch), D embedding width, R table rows.
import { ShapeError } from "../engine/errors.js";

export function sparseSignSgdStep(
  weights: Float32Array, localGrad: ArrayLike<number>, localIds: Int32Array, D: number, lr: number, weightDecay: number,
): void {
  const N = localIds.length;
  if (localGrad.length !== N * D) throw new ShapeError(`sparseSignSgdStep: local gradient should be [N=${N}, D=${D}], has ${localGrad.length} elements`);
  const R = weights.length / D;
  const sums = new Map<number, Float64Array>();
  for (let r = 0; r < N; r++) {
    const id = localIds[r]!;
    if (!(id >= 0 && id < R)) throw new ShapeError(`sparseSignSgdStep: id ${id} outside the table [0, ${R})`);
    let g = sums.get(id);
    if (g === undefined) sums.set(id, (g = new Float64Array(D)));
    for (let i = 0; i < D; i++) g[i] = Math.fround(g[i]! + localGrad[r * D + i]!); // float32 scatter_add_
  }
  const f = Math.fround;
  const decay = f(1 - lr * weightDecay);
  const step = f(lr);
  for (const [id, g] of sums) {
    for (let i = 0; i < D; i++) {
      const o = id * D + i;
      weights[o] = f(f(weights[o]! * decay) - step * Math.sign(g[i]!));
    }
  }
}
