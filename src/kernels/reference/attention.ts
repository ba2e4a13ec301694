// Reference non-causal softmax attention over a fused qkv [B, T, 3, NH, HD] (no mask: HRM attends to all
// T positions, padding included). out [B, T, NH, HD]; probs [B, NH, T, T] kept for the backward.
import type { AttentionDims, Buf } from "../kernels.js";
import { softmaxForward } from "./softmax.js";

export function attentionForward(out: Buf, probs: Buf, qkv: Buf, d: AttentionDims): void {
  const { B, T, NH, HD, scale } = d;
  const rowStride = 3 * NH * HD; // one token of qkv
  const D = NH * HD;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      const p = (b * NH + h) * T * T;
      // scores[t1, t2] = scale · q[t1]·k[t2]
      for (let t1 = 0; t1 < T; t1++) {
        const q = (b * T + t1) * rowStride + h * HD;
        for (let t2 = 0; t2 < T; t2++) {
          const k = (b * T + t2) * rowStride + (NH + h) * HD;
          let s = 0;
          for (let i = 0; i < HD; i++) s += qkv[q + i]! * qkv[k + i]!;
          probs[p + t1 * T + t2] = s * scale;
        }
      }
      const P = probs.subarray(p, p + T * T);
      softmaxForward(P, P, { rows: T, D: T });
      // out[t1] = Σ_t2 probs[t1, t2] · v[t2]
      for (let t1 = 0; t1 < T; t1++) {
        const o = (b * T + t1) * D + h * HD;
        for (let i = 0; i < HD; i++) {
          let acc = 0;
          for (let t2 = 0; t2 < T; t2++) acc += P[t1 * T + t2]! * qkv[(b * T + t2) * rowStride + (2 * NH + h) * HD + i]!;
          out[o + i] = acc;
        }
      }
    }
  }
}

// forward: S = scale·Q·Kᵀ, P = softmax(S), O = P·V
// backward: dV = Pᵀ·dO, dP = dO·Vᵀ, dS = P ⊙ (dP − rowsum(P ⊙ dP)), dQ = scale·dS·K, dK = scale·dSᵀ·Q
export function attentionBackward(dQkv: Buf, dOut: Buf, qkv: Buf, probs: Buf, d: AttentionDims): void {
  const { B, T, NH, HD, scale } = d;
  const rowStride = 3 * NH * HD;
  const D = NH * HD;
  dQkv.fill(0);
  const dS = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      const p = (b * NH + h) * T * T;
      for (let t1 = 0; t1 < T; t1++) {
        const o = (b * T + t1) * D + h * HD;
        const q = (b * T + t1) * rowStride + h * HD;
        let rowDot = 0;
        for (let t2 = 0; t2 < T; t2++) {
          const v = (b * T + t2) * rowStride + (2 * NH + h) * HD;
          const pr = probs[p + t1 * T + t2]!;
          let dp = 0;
          for (let i = 0; i < HD; i++) {
            dp += dOut[o + i]! * qkv[v + i]!;
            dQkv[v + i] = dQkv[v + i]! + pr * dOut[o + i]!;
          }
          dS[t2] = dp;
          rowDot += pr * dp;
        }
        for (let t2 = 0; t2 < T; t2++) {
          const ds = probs[p + t1 * T + t2]! * (dS[t2]! - rowDot) * scale;
          const k = (b * T + t2) * rowStride + (NH + h) * HD;
          for (let i = 0; i < HD; i++) {
            dQkv[q + i] = dQkv[q + i]! + ds * qkv[k + i]!;
            dQkv[k + i] = dQkv[k + i]! + ds * qkv[q + i]!;
          }
        }
      }
    }
  }
}
