// Binary cross entropy with logits, reduction sum (F.binary_cross_entropy_with_logits):
//   ℓ(x, z) = max(x, 0) − x·z + log(1 + exp(−|x|));  ∂ℓ/∂x = σ(x) − z.

export function bceWithLogitsSum(x: ArrayLike<number>, z: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    sum += Math.max(v, 0) - v * z[i]! + Math.log1p(Math.exp(-Math.abs(v)));
  }
  return sum;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
