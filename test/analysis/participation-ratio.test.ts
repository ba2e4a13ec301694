// The participation ratio on data with a known answer: isotropic Gaussians in k of d dimensions (PR ≈ k),
// rank-1 data (PR = 1), a covariance that is exactly diagonal with given variances ((Σσ²)² / Σσ⁴), and the
// trace formula against the eigenvalue definition.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../../src/engine/rng.js";
import { CovarianceAccumulator } from "../../src/analysis/covariance.js";
import { symmetricEigenvalues } from "../../src/analysis/eigen.js";
import { participationRatio, participationRatioOfEigenvalues, participationRatioOfSamples } from "../../src/analysis/participation-ratio.js";
import { gaussianInSubspace, hadamard, withEigenvalues } from "./synthetic.js";

test("isotropic Gaussian in a random k-dim subspace of R^d: PR ≈ k (k = 1, 5, 12, 24 of d = 24)", () => {
  const rng = new Rng(1), n = 20000, d = 24;
  for (const k of [1, 5, 12, 24]) {
    const pr = participationRatioOfSamples(gaussianInSubspace(n, d, k, rng), n, d);
    // the sample covariance's PR sits slightly below k: E ≈ k·n / (n + k + 1)
    assert.ok(Math.abs(pr - k) < 0.01 * k + 1e-9, `k = ${k}: PR = ${pr}`);
    assert.ok(pr <= k + 1e-9, `k = ${k}: PR = ${pr} cannot exceed the rank`);
  }
});

test("rank-1 data (a line through an offset point): PR = 1", () => {
  const rng = new Rng(2), n = 500, d = 32, x = new Float64Array(n * d);
  const v = Array.from({ length: d }, () => rng.normal()), c = Array.from({ length: d }, () => 10 * rng.normal());
  for (let r = 0; r < n; r++) {
    const a = rng.normal();
    for (let j = 0; j < d; j++) x[r * d + j] = c[j]! + a * v[j]!;
  }
  assert.ok(Math.abs(participationRatioOfSamples(x, n, d) - 1) < 1e-9);
});

test("exactly diagonal sample covariance with variances σ²: PR = (Σσ²)² / Σσ⁴", () => {
  // columns 1..7 of an 8x8 Hadamard matrix have mean 0 and are mutually orthogonal, so the sample
  // covariance of x[r, j] = s_j·H[r, j + 1] is diag(s_j²·8/7) exactly
  const n = 8, h = hadamard(n), s = [2, 1, 1, 0.5, 3, 0, Math.SQRT2], d = s.length, x = new Float64Array(n * d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) x[r * d + j] = s[j]! * h[r * n + j + 1]! + 5;
  const v = s.map((a) => a * a);
  const expected = v.reduce((a, b) => a + b, 0) ** 2 / v.reduce((a, b) => a + b * b, 0); // 17.25² / 103.0625
  assert.ok(Math.abs(expected - 2.8872043662825955) < 1e-12);
  assert.ok(Math.abs(participationRatioOfSamples(x, n, d) - expected) < 1e-12);
  const acc = new CovarianceAccumulator(d);
  acc.add(x, n);
  const c = acc.covariance();
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) assert.ok(Math.abs(c[i * d + j]! - (i === j ? (v[i]! * 8) / 7 : 0)) < 1e-12);
});

test("(tr C)² / ‖C‖_F² equals (Σλ)² / Σλ² for matrices with a known spectrum", () => {
  const rng = new Rng(3);
  for (const lambda of [[1, 1, 1, 1], [5, 1, 0.1, 0, 0], [3, 3, 2, 2, 1, 1, 0.5, 0.25], Array.from({ length: 40 }, (_, i) => Math.exp(-i / 6))]) {
    const c = withEigenvalues(lambda, rng);
    const pr = participationRatio(c, lambda.length), byEig = participationRatioOfEigenvalues(lambda);
    assert.ok(Math.abs(pr - byEig) < 1e-10 * byEig, `${pr} vs ${byEig}`);
    assert.ok(Math.abs(participationRatioOfEigenvalues(symmetricEigenvalues(c, lambda.length)) - byEig) < 1e-10 * byEig);
  }
  assert.equal(participationRatioOfEigenvalues([4, 4, 4]), 3);
  assert.equal(participationRatioOfEigenvalues([2, 0, 0]), 1);
  assert.ok(Number.isNaN(participationRatio(new Float64Array(9), 3)), "PR of a zero covariance is undefined");
  assert.throws(() => participationRatio(new Float64Array(8), 3), /d\*d = 9 values, got 8/);
});
