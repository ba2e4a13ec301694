// Reference non-causal softmax attention over a fused qkv [B, T, 3, NH, HD] (no mask: HRM attends to all
// T positions, padding included). out [B, T, NH, HD]; stats [B, NH, T, 2] = (max, Σ exp(s − max)) of each
// query row's scaled scores s, from which the backward recomputes the probabilities (never stored).
//
// forward:  S = scale·Q·Kᵀ, P = exp(S − max) / sum per row, O = P·V
// backward: dV = Pᵀ·dO, dP = dO·Vᵀ, dS = P ⊙ (dP − rowsum(P ⊙ dP)), dQ = scale·dS·K, dK = scale·dSᵀ·Q
import type { AttentionDims, Buf } from "../../engine/kernels.js";

/** A row buffer in the precision of `like`: scores and probabilities are rounded as stored values. */
function rowLike(like: Buf, n: number): Buf {
  return like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
}

/** scores[t2] = scale · q[t1]·k[t2] for query t1 of head h in batch b. */
function scoreRow(scores: Buf, qkv: Buf, d: AttentionDims, b: number, h: number, t1: number): void {
  const { T, NH, HD, scale } = d;
  const rowStride = 3 * NH * HD; // one token of qkv
  const q = (b * T + t1) * rowStride + h * HD;
  for (let t2 = 0; t2 < T; t2++) {
    const k = (b * T + t2) * rowStride + (NH + h) * HD;
    let s = 0;
    for (let i = 0; i < HD; i++) s += qkv[q + i]! * qkv[k + i]!;
    scores[t2] = s * scale;
  }
}

/** probs = exp(scores − max) / sum, with the saved (max, sum): the forward and the backward share it. */
function probsRow(probs: Buf, scores: Buf, max: number, sum: number): void {
  for (let t2 = 0; t2 < scores.length; t2++) {
    probs[t2] = Math.exp(scores[t2]! - max);
    probs[t2] = probs[t2]! / sum;
  }
}

export function attentionForward(out: Buf, stats: Buf, qkv: Buf, d: AttentionDims): void {
  const { B, T, NH, HD } = d;
  const rowStride = 3 * NH * HD;
  const D = NH * HD;
  const scores = rowLike(qkv, T), probs = rowLike(qkv, T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      for (let t1 = 0; t1 < T; t1++) {
        scoreRow(scores, qkv, d, b, h, t1);
        let max = -Infinity;
        for (let t2 = 0; t2 < T; t2++) max = Math.max(max, scores[t2]!);
        let sum = 0;
        for (let t2 = 0; t2 < T; t2++) sum += Math.exp(scores[t2]! - max);
        const st = ((b * NH + h) * T + t1) * 2;
        stats[st] = max;
        stats[st + 1] = sum;
        probsRow(probs, scores, stats[st]!, stats[st + 1]!); // the stored (rounded) sum, as the backward
        // out[t1] = Σ_t2 probs[t2] · v[t2]
        const o = (b * T + t1) * D + h * HD;
        for (let i = 0; i < HD; i++) {
          let acc = 0;
          for (let t2 = 0; t2 < T; t2++) acc += probs[t2]! * qkv[(b * T + t2) * rowStride + (2 * NH + h) * HD + i]!;
          out[o + i] = acc;
        }
      }
    }
  }
}

export function attentionBackward(dQkv: Buf, dOut: Buf, qkv: Buf, stats: Buf, d: AttentionDims): void {
  const { B, T, NH, HD, scale } = d;
  const rowStride = 3 * NH * HD;
  const D = NH * HD;
  dQkv.fill(0);
  const dS = new Float64Array(T);
  const scores = rowLike(qkv, T), probs = rowLike(qkv, T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      for (let t1 = 0; t1 < T; t1++) {
        scoreRow(scores, qkv, d, b, h, t1);
        const st = ((b * NH + h) * T + t1) * 2;
        probsRow(probs, scores, stats[st]!, stats[st + 1]!);
        const o = (b * T + t1) * D + h * HD;
        const q = (b * T + t1) * rowStride + h * HD;
        let rowDot = 0;
        for (let t2 = 0; t2 < T; t2++) {
          const v = (b * T + t2) * rowStride + (2 * NH + h) * HD;
          const pr = probs[t2]!;
          let dp = 0;
          for (let i = 0; i < HD; i++) {
            dp += dOut[o + i]! * qkv[v + i]!;
            dQkv[v + i] = dQkv[v + i]! + pr * dOut[o + i]!;
          }
          dS[t2] = dp;
          rowDot += pr * dp;
        }
        for (let t2 = 0; t2 < T; t2++) {
          const ds = probs[t2]! * (dS[t2]! - rowDot) * scale;
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
