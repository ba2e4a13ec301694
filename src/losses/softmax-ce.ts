// Softmax cross entropy on float32 logits, reduction none (official softmax_cross_entropy):
//   loss = logsumexp(x) − x_label, 0 where label = −100; result rounded to float32 as torch returns it.
// Legend: N rows, V vocabulary.
import { IGNORE_LABEL_ID } from "./stablemax-ce.js";

function logSumExp(x: ArrayLike<number>, o: number, V: number): number {
  let max = -Infinity;
  for (let j = 0; j < V; j++) max = Math.max(max, x[o + j]!);
  let sum = 0;
  for (let j = 0; j < V; j++) sum += Math.exp(x[o + j]! - max);
  return max + Math.log(sum);
}

export function softmaxCrossEntropy(logits: ArrayLike<number>, labels: Int32Array, V: number): Float64Array {
  const out = new Float64Array(labels.length);
  for (let r = 0; r < labels.length; r++) {
    const y = labels[r]!;
    if (y === IGNORE_LABEL_ID) continue;
    out[r] = Math.fround(logSumExp(logits, r * V, V) - logits[r * V + y]!);
  }
  return out;
}

/** dLogits[r, j] += dLoss[r] · (softmax(x)_j − [j = y]). */
export function softmaxCrossEntropyBackward(dLogits: Float32Array | Float64Array, logits: ArrayLike<number>, labels: Int32Array, dLoss: Float64Array, V: number): void {
  for (let r = 0; r < labels.length; r++) {
    const y = labels[r]!;
    if (y === IGNORE_LABEL_ID || dLoss[r] === 0) continue;
    const lse = logSumExp(logits, r * V, V);
    const g = dLoss[r]!;
    for (let j = 0; j < V; j++) {
      const p = Math.exp(logits[r * V + j]! - lse);
      dLogits[r * V + j] = dLogits[r * V + j]! + g * (p - (j === y ? 1 : 0));
    }
  }
}
