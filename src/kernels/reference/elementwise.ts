// Reference elementwise kernels.
import { bf16BitsToF32, f32ToBf16Bits, roundBf16 as round } from "../../engine/dtype.js";
import type { Buf } from "../../engine/kernels.js";

export function add(out: Buf, a: Buf, b: Buf, n: number): void {
  for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
}

export function scale(out: Buf, a: Buf, alpha: number, n: number): void {
  for (let i = 0; i < n; i++) out[i] = a[i]! * alpha;
}

export function axpy(dst: Buf, src: Buf, alpha: number, n: number): void {
  for (let i = 0; i < n; i++) dst[i] = dst[i]! + alpha * src[i]!;
}

export function roundBf16(out: Buf, a: Buf, n: number): void {
  for (let i = 0; i < n; i++) out[i] = round(a[i]!);
}

export function packBf16(dst: Uint16Array, src: Buf, n: number): void {
  for (let i = 0; i < n; i++) dst[i] = f32ToBf16Bits(src[i]!);
}

export function unpackBf16(dst: Buf, src: Uint16Array, n: number): void {
  for (let i = 0; i < n; i++) dst[i] = bf16BitsToF32(src[i]!);
}
