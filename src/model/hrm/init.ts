// Truncated LeCun-normal init, a port of the official trunc_normal_init_ (itself JAX's truncated_normal):
// bounds ±2 in units of the underlying normal, with a variance correction so the final std is `std`.
import type { Rng } from "../../engine/rng.js";

/** erfc by the Chebyshev fit of Numerical Recipes (fractional error < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

export function erf(x: number): number {
  return 1 - erfc(x);
}

/** Inverse error function: Giles' single-precision approximation polished by two Newton steps. */
export function erfinv(y: number): number {
  if (y <= -1) return -Infinity;
  if (y >= 1) return Infinity;
  let w = -Math.log((1 - y) * (1 + y));
  let x: number;
  if (w < 5) {
    w -= 2.5;
    let p = 2.81022636e-8;
    for (const c of [3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941]) p = c + p * w;
    x = p * y;
  } else {
    w = Math.sqrt(w) - 3;
    let p = -0.000200214257;
    for (const c of [0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682]) p = c + p * w;
    x = p * y;
  }
  for (let i = 0; i < 2; i++) x -= (erf(x) - y) / ((2 / Math.sqrt(Math.PI)) * Math.exp(-x * x));
  return x;
}

/** Fill `out` with the official truncated normal of standard deviation `std` (zeros when std = 0). */
export function truncNormalInit(out: Float32Array, std: number, rng: Rng, lower = -2, upper = 2): void {
  if (std === 0) {
    out.fill(0);
    return;
  }
  const sqrt2 = Math.SQRT2;
  const a = erf(lower / sqrt2), b = erf(upper / sqrt2);
  const z = (b - a) / 2;
  const c = 1 / Math.sqrt(2 * Math.PI);
  const pdfU = c * Math.exp(-0.5 * lower * lower), pdfL = c * Math.exp(-0.5 * upper * upper);
  const compStd = std / Math.sqrt(1 - (upper * pdfU - lower * pdfL) / z - ((pdfU - pdfL) / z) ** 2);
  for (let i = 0; i < out.length; i++) {
    const u = a + (b - a) * rng.uniform();
    const x = erfinv(u) * sqrt2 * compStd;
    out[i] = Math.min(Math.max(x, lower * compStd), upper * compStd);
  }
}
