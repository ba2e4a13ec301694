// Learning-rate schedule of the official pretrain.py (cosine_schedule_with_warmup_lr_lambda), shared by both
// optimizers with their own base rates. `step` is the 1-based optimizer step (incremented before use).
//   step < W: base·step/W;  else base·(r + max(0, (1 − r)·0.5·(1 + cos(π·progress)))), progress = (step − W)/max(1, total − W)

export interface LrSchedule {
  readonly baseLr: number;
  readonly warmupSteps: number;
  readonly totalSteps: number;
  /** lr_min_ratio r: 1.0 = constant after warm-up (all published configs but one). */
  readonly minRatio: number;
}

export function lrAt(step: number, s: LrSchedule): number {
  if (step < s.warmupSteps) return (s.baseLr * step) / s.warmupSteps;
  const progress = (step - s.warmupSteps) / Math.max(1, s.totalSteps - s.warmupSteps);
  return s.baseLr * (s.minRatio + Math.max(0, (1 - s.minRatio) * 0.5 * (1 + Math.cos(Math.PI * progress))));
}
