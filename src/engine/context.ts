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
  /** In a frozenWeights context: each weight's bf16-rounded copy, made on first use. */
  readonly roundedWeights?: Map<FloatArray, Float32Array>;
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
 * paper size). The weights must not change while it is used; the copies go with it.
 */
export function frozenWeights(ctx: Ctx): Ctx {
  return { ...ctx, roundedWeights: new Map() };
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
