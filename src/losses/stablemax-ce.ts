// Stablemax cross entropy (Prieto et al., "Grokking at the edge of numerical stability"), in float64 as the
// official models/losses.py computes it:
//   s(x) = x + 1 (x ≥ 0),  1 / (1 − x + 1e−30) (x < 0);   log p_i = log(s(x_i) / Σ_j s(x_j))
//   loss = −log p_label, 0 where label = −100.
// Legend: N rows (B·S positions), V vocabulary.
export const IGNORE_LABEL_ID = -100;

function s(x: number): number {
  return x < 0 ? 1 / (1 - x + 1e-30) : x + 1;
}

/** s'(x): 1 for x ≥ 0, s(x)² for x < 0. */
function ds(x: number): number {
  if (x >= 0) return 1;
  const v = 1 / (1 - x + 1e-30);
  return v * v;
}

/** log_stablemax over the last dim of x [N, V] (float64 out). */
export function logStablemax(x: ArrayLike<number>, V: number): Float64Array {
  const N = x.length / V;
  const out = new Float64Array(x.length);
  for (let r = 0; r < N; r++) {
    let sum = 0;
    for (let j = 0; j < V; j++) sum += s(x[r * V + j]!);
    for (let j = 0; j < V; j++) out[r * V + j] = Math.log(s(x[r * V + j]!) / sum);
  }
  return out;
}

/** Per-position loss [N] (float64). */
export function stablemaxCrossEntropy(logits: ArrayLike<number>, labels: Int32Array, V: number): Float64Array {
  const N = labels.length;
  const out = new Float64Array(N);
  for (let r = 0; r < N; r++) {
    const y = labels[r]!;
    if (y === IGNORE_LABEL_ID) continue;
    let sum = 0;
    for (let j = 0; j < V; j++) sum += s(logits[r * V + j]!);
    out[r] = -Math.log(s(logits[r * V + y]!) / sum);
  }
  return out;
}

/** dLogits[r, j] += dLoss[r] · ∂loss_r/∂x_rj = dLoss[r] · (s'(x_j)/Σs − [j = y]·s'(x_y)/s(x_y)). */
export function stablemaxCrossEntropyBackward(dLogits: Float32Array | Float64Array, logits: ArrayLike<number>, labels: Int32Array, dLoss: Float64Array, V: number): void {
  for (let r = 0; r < labels.length; r++) {
    const y = labels[r]!;
    if (y === IGNORE_LABEL_ID || dLoss[r] === 0) continue;
    let sum = 0;
    for (let j = 0; j < V; j++) sum += s(logits[r * V + j]!);
    const g = dLoss[r]!;
    for (let j = 0; j < V; j++) {
      const x = logits[r * V + j]!;
      let d = ds(x) / sum;
      if (j === y) d -= ds(x) / s(x);
      dLogits[r * V + j] = dLogits[r * V + j]! + g * d;
    }
  }
}
