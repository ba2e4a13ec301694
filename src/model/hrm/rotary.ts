// RoPE tables as the official RotaryEmbedding builds them, in float32 (Math.fround marks each rounding):
// inv_freq_i = 1 / theta^(2i/HD), angle(p, i) = p·inv_freq_i, tables [T, HD] = cat(angles, angles).
import { Tensor } from "../../engine/tensor.js";

export function rotaryTables(T: number, HD: number, theta: number): { cos: Tensor; sin: Tensor } {
  const f = Math.fround;
  const half = HD / 2;
  const invFreq = new Float64Array(half);
  for (let i = 0; i < half; i++) invFreq[i] = f(1 / f(Math.pow(theta, f((2 * i) / HD))));
  const cos = new Float32Array(T * HD), sin = new Float32Array(T * HD);
  for (let p = 0; p < T; p++) {
    for (let i = 0; i < half; i++) {
      const angle = f(p * invFreq[i]!);
      cos[p * HD + i] = cos[p * HD + half + i] = Math.cos(angle);
      sin[p * HD + i] = sin[p * HD + half + i] = Math.sin(angle);
    }
  }
  return { cos: new Tensor(cos, [T, HD]), sin: new Tensor(sin, [T, HD]) };
}
