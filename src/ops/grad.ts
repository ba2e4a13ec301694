// Helpers shared by the ops' backward closures.
import type { Ctx } from "../engine/context.js";
import type { FloatArray } from "../engine/dtype.js";
import type { Tensor } from "../engine/tensor.js";

/**
 * Add a kernel's written gradient into t.grad. Kernels that write (not accumulate) their input gradient
 * write straight into a fresh t.grad, else into a scratch buffer that is then added.
 */
export function writeGrad(ctx: Ctx, t: Tensor, write: (dst: FloatArray) => void): void {
  if (!t.requiresGrad) return;
  if (t.grad === null) {
    t.grad = ctx.pool.alloc(t.dtype, t.size);
    write(t.grad);
    return;
  }
  const tmp = ctx.pool.alloc(t.dtype, t.size);
  write(tmp);
  ctx.kernels.axpy(t.grad, tmp, 1, t.size);
  ctx.pool.release(tmp);
}

/** t.grad, allocated from the pool (zeroed) on first use. Parameters come with their gradient views. */
export function gradOf(ctx: Ctx, t: Tensor): FloatArray {
  if (t.grad === null) t.grad = ctx.pool.alloc(t.dtype, t.size, true);
  return t.grad;
}

/** A buffer for a new tensor of the given shape and the dtype of `like`, from the pool (contents arbitrary). */
export function emptyLike(ctx: Ctx, like: Tensor, shape: readonly number[], zero = false): FloatArray {
  let n = 1;
  for (const s of shape) n *= s;
  return ctx.pool.alloc(like.dtype, n, zero);
}

/** Round a forward output to bfloat16 in place when the context computes in bf16 (official forward_dtype). */
export function finish(ctx: Ctx, y: Tensor): Tensor {
  if (ctx.precision === "bf16") ctx.kernels.roundBf16(y.data, y.data, y.size);
  return y;
}

/**
 * Hand t's buffer back to the pool now, before its scope ends. Only for an op output that no later forward
 * reads and whose producer's and consumers' backward do not read either (a linear's output consumed by
 * RoPE or an add; an add's output consumed by RMSNorm): the shape and size stay, the values may be reused.
 */
export function releaseData(ctx: Ctx, t: Tensor): void {
  if (t.dataReleased) return;
  ctx.pool.release(t.data);
  t.dataReleased = true;
}
