// Participation ratio (HRM paper, "brain correspondence"; spec §9): a soft count of the dimensions a set
// of states occupies,
//   PR = (Σ_i λ_i)² / Σ_i λ_i²,   λ = eigenvalues of the covariance C [d, d] of the samples.
// PR = 1 when all variance lies along one direction, PR = k when it is spread evenly over k directions.
// No eigensolver is needed: C is symmetric, so Σλ = tr C and Σλ² = tr(C²) = Σ_ij C_ij² = ‖C‖_F², and
//   PR = (tr C)² / ‖C‖_F²
// exactly (O(d²) instead of O(d³)). The spectrum itself (for pictures) comes from ./eigen.ts.
// PR is scale-free, so dividing C by n or n − 1 does not change it.
import { ShapeError } from "../engine/errors.js";
import { CovarianceAccumulator } from "./covariance.js";

/** PR of a symmetric covariance matrix C [d, d] (row-major, float64): (tr C)² / ‖C‖_F². NaN when C = 0. */
export function participationRatio(cov: ArrayLike<number>, d: number): number {
  if (cov.length !== d * d) throw new ShapeError(`participationRatio: covariance should have d*d = ${d * d} values, got ${cov.length}`);
  let trace = 0, frob2 = 0;
  for (let i = 0; i < d; i++) trace += cov[i * d + i]!;
  for (let k = 0; k < d * d; k++) frob2 += cov[k]! * cov[k]!;
  return frob2 > 0 ? (trace * trace) / frob2 : NaN;
}

/** PR from eigenvalues directly: (Σλ)² / Σλ². NaN when every λ is 0. */
export function participationRatioOfEigenvalues(lambda: ArrayLike<number>): number {
  let s = 0, s2 = 0;
  for (let i = 0; i < lambda.length; i++) {
    s += lambda[i]!;
    s2 += lambda[i]! * lambda[i]!;
  }
  return s2 > 0 ? (s * s) / s2 : NaN;
}

/** PR of the samples X [n, d] (row-major): columns centred, covariance in float64. */
export function participationRatioOfSamples(x: ArrayLike<number>, n: number, d: number): number {
  if (x.length !== n * d) throw new ShapeError(`participationRatioOfSamples: X should be [n=${n}, d=${d}] = ${n * d} values, got ${x.length}`);
  const acc = new CovarianceAccumulator(d);
  acc.add(x, n);
  return participationRatio(acc.covariance(), d);
}
