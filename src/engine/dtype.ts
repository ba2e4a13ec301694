// Float storage types of the engine. f32 is the model's dtype; f64 runs the same ops for gradient checks.
// bf16 compute (issue: native kernels) keeps f32 storage holding bf16-representable values: see roundBf16.

export type DType = "f32" | "f64";
export type FloatArray = Float32Array | Float64Array;
/** What the buffer pool hands out: float buffers, and 2-byte bfloat16 copies of activations (Tensor.packed). */
export type PoolArray = FloatArray | Uint16Array;

export function allocFloat(dtype: DType, n: number): FloatArray {
  return dtype === "f32" ? new Float32Array(n) : new Float64Array(n);
}

export function dtypeOf(a: FloatArray): DType {
  return a instanceof Float32Array ? "f32" : "f64";
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** float32 -> bfloat16 bits, round to nearest even (as torch's .to(torch.bfloat16)); NaN stays NaN. */
export function f32ToBf16Bits(x: number): number {
  f32Scratch[0] = x;
  const u = u32Scratch[0]!;
  if ((u & 0x7fffffff) > 0x7f800000) return (u >>> 16) | 0x40; // quiet NaN
  return ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
}

/** bfloat16 bits -> float32 value (exact). */
export function bf16BitsToF32(bits: number): number {
  u32Scratch[0] = (bits & 0xffff) << 16;
  return f32Scratch[0]!;
}

/** Round a number to the nearest bfloat16 value (returned as a JS number). */
export function roundBf16(x: number): number {
  return bf16BitsToF32(f32ToBf16Bits(x));
}
