// The streaming covariance: any split of the rows into add() calls gives the same matrix, a large common
// offset costs no precision (shifted data), and the float32 Gram path through a kernel matmul agrees with
// the float64 loops.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CovarianceAccumulator } from "../../src/analysis/covariance.js";
import { kernelGram } from "../../src/analysis/collect.js";
import { Rng } from "../../src/engine/rng.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";

/** Two-pass covariance in float64: the textbook definition. */
function twoPass(x: ArrayLike<number>, n: number, d: number): Float64Array {
  const m = new Float64Array(d), c = new Float64Array(d * d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) m[j]! += x[r * d + j]! / n;
  for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) c[i * d + j]! += ((x[r * d + i]! - m[i]!) * (x[r * d + j]! - m[j]!)) / (n - 1);
  return c;
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

function correlated(n: number, d: number, rng: Rng, offset: number): Float64Array {
  const x = new Float64Array(n * d);
  for (let r = 0; r < n; r++) {
    const common = rng.normal();
    for (let j = 0; j < d; j++) x[r * d + j] = offset + (j % 3) * common + rng.normal() * (1 + j / d);
  }
  return x;
}

test("covariance: chunked adds (across the 256-row chunk boundary) equal the two-pass definition", () => {
  const rng = new Rng(4), n = 700, d = 9, x = correlated(n, d, rng, 0.5);
  const ref = twoPass(x, n, d);
  const one = new CovarianceAccumulator(d);
  one.add(x, n);
  const parts = new CovarianceAccumulator(d);
  for (const [start, rows] of [[0, 1], [1, 300], [301, 0], [301, 399]] as const) parts.add(x, rows, start * d);
  assert.equal(parts.count, n);
  assert.ok(maxDiff(one.covariance(), ref) < 1e-12);
  assert.ok(maxDiff(parts.covariance(), ref) < 1e-12);
  const mean = parts.mean();
  assert.ok(Math.abs(mean[0]! - x.filter((_, i) => i % d === 0).reduce((a, b) => a + b, 0) / n) < 1e-12);
  assert.throws(() => one.add(x, n, 1), /overruns/);
});

test("covariance: a common offset of 1e6 loses nothing (shifted-data sums)", () => {
  const rng = new Rng(5), n = 400, d = 6, x = correlated(n, d, rng, 0);
  const shifted = x.map((v) => v + 1e6);
  const a = new CovarianceAccumulator(d), b = new CovarianceAccumulator(d);
  a.add(x, n);
  b.add(shifted, n);
  assert.ok(maxDiff(a.covariance(), b.covariance()) < 1e-8, `max diff ${maxDiff(a.covariance(), b.covariance())}`);
});

test("covariance: the float32 kernel-matmul Gram path agrees with the float64 loops", () => {
  const rng = new Rng(6), n = 600, d = 20, x = Float32Array.from(correlated(n, d, rng, 2));
  const f64 = new CovarianceAccumulator(d), f32 = new CovarianceAccumulator(d, kernelGram(referenceKernels));
  f64.add(x, n);
  f32.add(x, 250);
  f32.add(x, 350, 250 * d);
  const c64 = f64.covariance(), c32 = f32.covariance();
  let scale = 0;
  for (let i = 0; i < d; i++) scale = Math.max(scale, c64[i * d + i]!);
  assert.ok(maxDiff(c64, c32) < 1e-5 * scale, `max diff ${maxDiff(c64, c32)} (scale ${scale})`);
});
