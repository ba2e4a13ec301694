// 16-bit float bit conversions (bfloat16 and IEEE half), exact where exactness is possible.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float32 value of bfloat16 bits (exact: bf16 is the top half of an f32). */
export function bf16ToF32(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0] as number;
}

/**
 * bfloat16 bits of x, rounded to nearest even from float32 (as torch converts a float tensor).
 * A double input is first rounded to float32, as torch does. NaN stays NaN (quiet, sign kept);
 * values past the bf16 range become infinity.
 */
export function f32ToBf16(x: number): number {
  f32[0] = x;
  const bits = u32[0] as number;
  if (Number.isNaN(x)) return ((bits >>> 16) | 0x0040) & 0xffff;
  const lsb = (bits >>> 16) & 1;
  return ((bits + 0x7fff + lsb) >>> 16) & 0xffff;
}

/** The value of IEEE 754 binary16 bits (exact in float32 and float64). */
export function f16ToF32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1024 + frac) * 2 ** (exp - 25);
}
