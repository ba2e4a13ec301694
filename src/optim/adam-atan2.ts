// AdamATan2 over the model's flat parameter buffer (official pretrain.py: all model.parameters()).
// The per-element update is the `adamAtan2Update` kernel; this object holds the state and the step count.
import type { Kernels } from "../engine/kernels.js";

export interface AdamAtan2Options {
  readonly beta1: number;
  readonly beta2: number;
  readonly weightDecay: number;
}

export class AdamAtan2 {
  readonly expAvg: Float32Array;
  readonly expAvgSq: Float32Array;
  /** Number of steps taken (the next step uses step + 1 in its bias corrections). */
  step = 0;

  constructor(readonly params: Float32Array, readonly grads: Float32Array, readonly opts: AdamAtan2Options) {
    this.expAvg = new Float32Array(params.length);
    this.expAvgSq = new Float32Array(params.length);
  }

  /** One update at learning rate `lr` (the schedule's current value). */
  update(kernels: Kernels, lr: number): void {
    this.step++;
    kernels.adamAtan2Update(this.params, this.grads, this.expAvg, this.expAvgSq, {
      n: this.params.length, lr, beta1: this.opts.beta1, beta2: this.opts.beta2, weightDecay: this.opts.weightDecay, step: this.step,
    });
  }
}
