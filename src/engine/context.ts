// The context every op and model call receives: the kernel backend, the tape and the buffer pool.
// No hidden globals: a recorded run replays exactly with the same context contents.
import type { Kernels } from "./kernels.js";
import type { FloatArray } from "./dtype.js";
import { BufferPool } from "./pool.js";
import { Tape } from "./tape.js";
import type { Tensor } from "./tensor.js";

/**
 * Compute precision of activations: "f32", or "bf16" as the official forward_dtype bfloat16 (operands
 * of matrix products and every activation rounded to bfloat16, kept in float32 storage while the forward
 * uses it and as a 2-byte copy where backward reads it (ops/grad.ts keepForBackward); RMSNorm and RoPE
 * computed in float32 then rounded; gradients in float32).
 */
export type Precision = "f32" | "bf16";

export interface Ctx {
  readonly kernels: Kernels;
  readonly tape: Tape;
  readonly pool: BufferPool;
  readonly precision: Precision;
  /** Where a bf16 forward finds each matrix weight rounded once (ops/linear.ts); absent: rounded at every product. */
  readonly roundedWeights?: RoundedWeights;
}

/**
 * Each weight rounded to bfloat16 once for as long as the weights cannot change (one parameter version):
 * "heap": a rounded copy per weight, kept beside the master while the context lives (frozenWeights);
 * "pool": the same, in pool buffers that go back at the end of the step (trainStep: one version per step);
 * "inPlace": the master itself is rounded on first use, no copy (inferenceOnly: the weights are never trained again).
 */
export interface RoundedWeights {
  readonly storage: "heap" | "pool" | "inPlace";
  /** The rounded copy of each weight used so far, by its master buffer (empty with "inPlace"). */
  readonly copies: Map<FloatArray, Float32Array>;
  /** "pool": the pool scope depth the copies belong to (the step's scope, not a nested no-grad pass's). */
  readonly poolDepth: number;
}

export function makeCtx(kernels: Kernels, precision: Precision = "f32"): Ctx {
  const pool = new BufferPool();
  return { kernels, tape: new Tape((b) => pool.release(b)), pool, precision };
}

/** The same context (tape, pool, kernels) computing at another precision. */
export function withPrecision(ctx: Ctx, precision: Precision): Ctx {
  return precision === ctx.precision ? ctx : { ...ctx, precision };
}

/**
 * The same context for inference with frozen weights: a bf16 forward rounds each weight to bfloat16 once
 * and reuses the copy, instead of rounding it at every product (3.4M values per HRM block pass at the
 * paper size). The weights must not change while it is used; the copies go with it. Inside an inferenceOnly
 * context it is that context (weights rounded in place).
 */
export function frozenWeights(ctx: Ctx): Ctx {
  if (ctx.roundedWeights?.storage === "inPlace") return ctx;
  return { ...ctx, roundedWeights: { storage: "heap", copies: new Map(), poolDepth: 0 } };
}

/**
 * The same context for one training step: each weight rounded once, on first use, for the step's forward and
 * backward, in a pool buffer released when the step's scope ends. Call it inside the step's stepScope and
 * update the weights only after the backward, so that the next step, with a fresh context, rounds the new values.
 */
export function stepWeights(ctx: Ctx): Ctx {
  return { ...ctx, roundedWeights: { storage: "pool", copies: new Map(), poolDepth: ctx.pool.depth } };
}

/**
 * The context of a model that is only used for inference from now on (solve, eval, the web worker): a bf16
 * forward rounds each matrix weight in place on first use, so no float32 copy sits beside it (bf16 RSS at
 * most f32's). The master weights are lost: never train or save the model after using this context.
 */
export function inferenceOnly(ctx: Ctx): Ctx {
  return { ...ctx, roundedWeights: { storage: "inPlace", copies: new Map(), poolDepth: 0 } };
}

/**
 * Run fn in a pool scope that frees its intermediates when the tape is not recording (no-grad passes),
 * keeping the returned tensor's buffer. While recording, everything stays alive for backward.
 */
export function scoped(ctx: Ctx, fn: () => Tensor): Tensor {
  return ctx.pool.scope(fn, (t) => [t.data], !ctx.tape.recording);
}

/**
 * The outermost scope of one step: every pooled buffer allocated inside is released at its end, so
 * nothing allocated inside may be used afterwards (copy out what must survive, as the ACT carry does).
 */
export function stepScope<T>(ctx: Ctx, fn: () => T): T {
  return ctx.pool.scope(fn, () => [] as FloatArray[], true);
}
