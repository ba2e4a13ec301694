// Exponential moving average of the Adam-trained parameters (official TRM models/ema.py, EMAHelper): after
// every optimizer step, shadow = (1 − mu)·param + mu·shadow over model.parameters() (never the buffers
// H_init/L_init or the puzzle table). Float32 arithmetic as torch computes it: f32(f32(c1·p) + f32(c2·s)),
// c1 = f32(1 − mu), c2 = f32(mu).
//
// With `warmup`, the rate of update t (1-based) is min(mu, (1 + t) / (10 + t)) (TensorFlow's num_updates
// rule): a 0.999 average over a run of a few hundred steps is otherwise mostly the initial weights.

export interface EmaOptions {
  /** mu, the official ema_rate (0.999). */
  readonly rate: number;
  readonly warmup: boolean;
}

export class Ema {
  readonly shadow: Float32Array;
  /** Updates applied so far. */
  updates = 0;

  /** register(model): the shadow starts as a copy of the parameters. */
  constructor(params: Float32Array, readonly opts: EmaOptions) {
    this.shadow = params.slice();
  }

  /** The rate update number `t` (1-based) uses. */
  rateAt(t: number): number {
    return this.opts.warmup ? Math.min(this.opts.rate, (1 + t) / (10 + t)) : this.opts.rate;
  }

  update(params: Float32Array): void {
    this.updates++;
    emaUpdate(this.shadow, params, this.rateAt(this.updates));
  }
}

/** shadow ← (1 − mu)·param + mu·shadow, elementwise in float32. */
export function emaUpdate(shadow: Float32Array, params: Float32Array, mu: number): void {
  const f = Math.fround;
  const c1 = f(1 - mu), c2 = f(mu);
  for (let i = 0; i < shadow.length; i++) shadow[i] = f(f(c1 * params[i]!) + f(c2 * shadow[i]!));
}
