// Reference elementwise kernels.
import { roundBf16 as round } from "../../engine/dtype.js";
import type { Buf } from "../kernels.js";

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
