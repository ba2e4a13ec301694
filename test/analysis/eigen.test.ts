// The symmetric eigensolver (Householder tridiagonalisation + implicit QL) on matrices with a known
// spectrum: distinct, repeated, zero and negative eigenvalues, sizes 1, 2, 3 and 64, a diagonal input.
import assert from "node:assert/strict";
import { test } from "node:test";
import { symmetricEigenvalues } from "../../src/analysis/eigen.js";
import { Rng } from "../../src/engine/rng.js";
import { withEigenvalues } from "./synthetic.js";

function assertSpectrum(got: Float64Array, want: readonly number[], tol: number): void {
  const sorted = [...want].sort((a, b) => b - a);
  assert.equal(got.length, sorted.length);
  sorted.forEach((w, i) => assert.ok(Math.abs(got[i]! - w) < tol, `λ${i}: got ${got[i]}, want ${w}`));
}

test("eigenvalues of Qᵀ diag(λ) Q come back as λ, largest first", () => {
  const rng = new Rng(7);
  const cases: number[][] = [
    [2.5],
    [3, -1],
    [1, 2, 3],
    [4, 4, 4, 1, 1, 0, 0, -2],
    Array.from({ length: 64 }, (_, i) => Math.exp(-i / 8) * (i % 7 === 0 ? 1 : 2)),
  ];
  for (const lambda of cases) assertSpectrum(symmetricEigenvalues(withEigenvalues(lambda, rng), lambda.length), lambda, 1e-10 * Math.max(1, ...lambda.map(Math.abs)));
});

test("eigenvalues of a diagonal matrix and of a tridiagonal one with a known closed form", () => {
  assertSpectrum(symmetricEigenvalues(Float64Array.from([5, 0, 0, 0, -1, 0, 0, 0, 2]), 3), [5, -1, 2], 1e-14);
  // the path-graph Laplacian-like matrix tridiag(-1, 2, -1): λ_k = 2 − 2cos(kπ/(n+1))
  const n = 30, a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    a[i * n + i] = 2;
    if (i > 0) a[i * n + i - 1] = a[(i - 1) * n + i] = -1;
  }
  assertSpectrum(symmetricEigenvalues(a, n), Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1))), 1e-12);
  assert.throws(() => symmetricEigenvalues(new Float64Array(5), 2), /d\*d = 4 values, got 5/);
});
