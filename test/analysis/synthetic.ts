// Synthetic data with a known covariance spectrum, for the participation-ratio tests.
import { Rng } from "../../src/engine/rng.js";

/** A random orthonormal basis Q [d, d] (rows orthonormal): Gram-Schmidt on Gaussian rows. */
export function randomOrthonormal(d: number, rng: Rng): Float64Array {
  const q = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (;;) {
      for (let j = 0; j < d; j++) q[i * d + j] = rng.normal();
      for (let p = 0; p < i; p++) {
        let dot = 0;
        for (let j = 0; j < d; j++) dot += q[i * d + j]! * q[p * d + j]!;
        for (let j = 0; j < d; j++) q[i * d + j]! -= dot * q[p * d + j]!;
      }
      let norm = 0;
      for (let j = 0; j < d; j++) norm += q[i * d + j]! ** 2;
      norm = Math.sqrt(norm);
      if (norm < 1e-6) continue;
      for (let j = 0; j < d; j++) q[i * d + j]! /= norm;
      break;
    }
  }
  return q;
}

/** The symmetric matrix Qᵀ diag(λ) Q [d, d]: eigenvalues exactly λ (up to rounding). */
export function withEigenvalues(lambda: readonly number[], rng: Rng): Float64Array {
  const d = lambda.length, q = randomOrthonormal(d, rng), a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += q[k * d + i]! * lambda[k]! * q[k * d + j]!;
    a[i * d + j] = s;
  }
  return a;
}

/**
 * n samples [n, d] of an isotropic unit Gaussian living in a random k-dimensional subspace of R^d, plus
 * a constant offset (which centring must remove).
 */
export function gaussianInSubspace(n: number, d: number, k: number, rng: Rng, offset = 3): Float64Array {
  const q = randomOrthonormal(d, rng), x = new Float64Array(n * d), z = new Float64Array(k);
  for (let r = 0; r < n; r++) {
    for (let a = 0; a < k; a++) z[a] = rng.normal();
    for (let j = 0; j < d; j++) {
      let s = offset;
      for (let a = 0; a < k; a++) s += z[a]! * q[a * d + j]!;
      x[r * d + j] = s;
    }
  }
  return x;
}

/** Sylvester Hadamard matrix [n, n] of ±1 (n a power of two): columns mutually orthogonal. */
export function hadamard(n: number): Int8Array {
  const h = new Int8Array(n * n);
  h[0] = 1;
  for (let m = 1; m < n; m *= 2) {
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
      const v = h[i * n + j]!;
      h[i * n + j + m] = v;
      h[(i + m) * n + j] = v;
      h[(i + m) * n + j + m] = -v;
    }
  }
  return h;
}
