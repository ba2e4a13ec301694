// Reference AdamATan2 (imoneoi/adam-atan2, as the official pretrain.py uses it), per element in float32:
//   p ← p·(1 − lr·λ)                      decoupled weight decay, first
//   m ← lerp(m, g, 1 − β1);  v ← lerp(v, g², 1 − β2)
//   p ← p − (lr / (1 − β1^t)) · atan2(m, sqrt(v) / sqrt(1 − β2^t))
// No epsilon and no a/b scaling. Math.fround marks where the official code rounds to float32.
import type { AdamAtan2Dims, Buf } from "../../engine/kernels.js";

const f = Math.fround;

/** torch's lerp: start + w·(end − start) for w < 0.5, else end − (end − start)·(1 − w). */
function lerp(start: number, end: number, w: number): number {
  return w < 0.5 ? f(start + f(w * f(end - start))) : f(end - f(f(end - start) * f(1 - w)));
}

/** The float32 scalars of one step: every backend (reference, WASM, native) takes them from here. */
export interface AdamAtan2Scalars {
  /** 1 − lr·λ (decoupled weight decay). */
  readonly decay: number;
  /** The lerp weights 1 − β1 and 1 − β2. */
  readonly w1: number;
  readonly w2: number;
  /** lr / (1 − β1^t). */
  readonly stepSize: number;
  /** sqrt(1 − β2^t). */
  readonly sqrtBc2: number;
}

export function adamAtan2Scalars(d: AdamAtan2Dims): AdamAtan2Scalars {
  const { lr, beta1, beta2, weightDecay, step } = d;
  return {
    decay: f(1 - lr * weightDecay),
    w1: f(1 - beta1),
    w2: f(1 - beta2),
    stepSize: f(lr / (1 - beta1 ** step)),
    sqrtBc2: f(Math.sqrt(1 - beta2 ** step)),
  };
}

export function adamAtan2Update(param: Buf, grad: Buf, expAvg: Buf, expAvgSq: Buf, d: AdamAtan2Dims): void {
  const { n } = d;
  const { decay, w1, w2, stepSize, sqrtBc2 } = adamAtan2Scalars(d);
  for (let i = 0; i < n; i++) {
    const p = f(param[i]! * decay);
    const g = grad[i]!;
    const m = lerp(expAvg[i]!, g, w1);
    const v = lerp(expAvgSq[i]!, f(g * g), w2);
    expAvg[i] = m;
    expAvgSq[i] = v;
    const denom = f(f(Math.sqrt(v)) / sqrtBc2);
    param[i] = f(p - f(stepSize * f(Math.atan2(m, denom))));
  }
}
