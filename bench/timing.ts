// Helpers shared by the micro-benchmarks: best-of-N wall time and deterministic operand fills.

/** Best wall time of `reps` calls in seconds, after one untimed warm-up call (JIT tier-up, primitive creation, scratch growth). */
export function bestSeconds(fn: () => void, reps: number): number {
  fn();
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return best;
}

/** A cheap deterministic fill in [-0.5, 0.5] (no Rng needed for operands whose values do not matter). */
export function rand(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.sin(i * 12.9898) * 0.5;
  return a;
}
