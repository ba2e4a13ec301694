// Eigenvalues of a real symmetric matrix in float64: Householder reduction to tridiagonal form, then the
// QL algorithm with implicit shifts (the classic tred2 + tqli pair, eigenvalues only). O(d³) with a small
// constant: about 0.2 s for d = 512. Used for the covariance spectrum in pictures; the participation ratio
// itself needs no eigenvalues (see ./participation-ratio.ts).
// Legend: d matrix size; diag [d] and off [d] the tridiagonal form (off[i] couples i − 1 and i).
import { InternalError, ShapeError } from "../engine/errors.js";

/** Eigenvalues of the symmetric a [d, d] (row-major; only the lower triangle is read), largest first. */
export function symmetricEigenvalues(a: ArrayLike<number>, d: number): Float64Array {
  if (a.length !== d * d) throw new ShapeError(`symmetricEigenvalues: expected d*d = ${d * d} values, got ${a.length}`);
  const { diag, off } = tridiagonalize(Float64Array.from(a), d);
  tridiagonalQl(diag, off);
  return diag.sort().reverse();
}

/** Householder reduction (in place on `a`, lower triangle) to a symmetric tridiagonal matrix. */
function tridiagonalize(a: Float64Array, n: number): { diag: Float64Array; off: Float64Array } {
  const diag = new Float64Array(n), off = new Float64Array(n);
  for (let i = n - 1; i > 0; i--) {
    const l = i - 1;
    if (l > 0) {
      let h = 0;
      let scale = 0;
      for (let k = 0; k <= l; k++) scale += Math.abs(a[i * n + k]!);
      if (scale === 0) {
        off[i] = a[i * n + l]!;
      } else {
        for (let k = 0; k <= l; k++) {
          a[i * n + k]! /= scale;
          h += a[i * n + k]! * a[i * n + k]!;
        }
        let f = a[i * n + l]!;
        let g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
        off[i] = scale * g;
        h -= f * g;
        a[i * n + l] = f - g; // u = row i with its last entry shifted: the Householder vector
        f = 0;
        for (let j = 0; j <= l; j++) {
          // p = A u / h, kept in off[0..l] for now
          g = 0;
          for (let k = 0; k <= j; k++) g += a[j * n + k]! * a[i * n + k]!;
          for (let k = j + 1; k <= l; k++) g += a[k * n + j]! * a[i * n + k]!;
          off[j] = g / h;
          f += off[j]! * a[i * n + j]!;
        }
        const hh = f / (h + h);
        for (let j = 0; j <= l; j++) {
          // q = p − K u;  A ← A − q uᵀ − u qᵀ (lower triangle)
          f = a[i * n + j]!;
          g = off[j]! - hh * f;
          off[j] = g;
          for (let k = 0; k <= j; k++) a[j * n + k]! -= f * off[k]! + g * a[i * n + k]!;
        }
      }
    } else {
      off[i] = a[i * n + l]!;
    }
  }
  off[0] = 0;
  for (let i = 0; i < n; i++) diag[i] = a[i * n + i]!;
  return { diag, off };
}

const sign = (a: number, b: number): number => (b >= 0 ? Math.abs(a) : -Math.abs(a));

/** Implicit-shift QL on the tridiagonal (diag, off): diag becomes the eigenvalues (unsorted). */
function tridiagonalQl(d: Float64Array, e: Float64Array): void {
  const n = d.length;
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  if (n > 0) e[n - 1] = 0;
  for (let l = 0; l < n; l++) {
    let iter = 0, m: number;
    do {
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(d[m]!) + Math.abs(d[m + 1]!);
        if (Math.abs(e[m]!) <= Number.EPSILON * dd) break;
      }
      if (m !== l) {
        if (iter++ === 60) throw new InternalError(`symmetricEigenvalues: QL did not converge for eigenvalue ${l} after 60 iterations`);
        let g = (d[l + 1]! - d[l]!) / (2 * e[l]!);
        let r = Math.hypot(g, 1);
        g = d[m]! - d[l]! + e[l]! / (g + sign(r, g));
        let s = 1, c = 1, p = 0, i: number;
        for (i = m - 1; i >= l; i--) {
          const f = s * e[i]!;
          const b = c * e[i]!;
          r = Math.hypot(f, g);
          e[i + 1] = r;
          if (r === 0) {
            // underflow: deflate and restart this eigenvalue
            d[i + 1]! -= p;
            e[m] = 0;
            break;
          }
          s = f / r;
          c = g / r;
          g = d[i + 1]! - p;
          r = (d[i]! - g) * s + 2 * c * b;
          p = s * r;
          d[i + 1] = g + p;
          g = c * r - b;
        }
        if (r === 0 && i >= l) continue;
        d[l]! -= p;
        e[l] = g;
        e[m] = 0;
      }
    } while (m !== l);
  }
}
