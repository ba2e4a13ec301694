// Helpers shared by the ops' backward closures.
import { InternalError } from "../engine/errors.js";
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
  if (ctx.precision === "bf16") {
    ctx.kernels.roundBf16(y.data, y.data, y.size);
    y.bf16Values = true;
  }
  return y;
}

/**
 * An op that records calls this for every tensor its backward reads (through withKept). In bf16, a tensor
 * holding bfloat16 values gets a 2-byte copy, made once and shared by all its readers (lossless), so that its
 * float32 buffer can go back to the pool as soon as the forward is done with it (forwardDone): the recorded
 * pass then keeps its activations in 2 bytes each, as PyTorch's bf16 saved tensors.
 */
export function keepForBackward(ctx: Ctx, t: Tensor): void {
  if (ctx.precision !== "bf16" || !t.bf16Values || t.packed !== null || t.dataReleased) return;
  t.packed = ctx.pool.allocBf16(t.size);
  ctx.kernels.packBf16(t.packed, t.data, t.size);
}

/**
 * In a backward: fn over t's values in float32: its own buffer while it has one, else its packed copy
 * unpacked into a pool buffer that goes back when fn returns.
 */
export function withKept<R>(ctx: Ctx, t: Tensor, fn: (values: FloatArray) => R): R {
  if (!t.dataReleased) return fn(t.data);
  if (t.packed === null) throw new InternalError(`${t.toString()}: a backward reads a tensor whose buffer went back to the pool and that has no packed copy (keepForBackward was not called for it)`);
  const values = ctx.pool.alloc("f32", t.size);
  ctx.kernels.unpackBf16(values, t.packed, t.size);
  try {
    return fn(values);
  } finally {
    ctx.pool.release(values);
  }
}

/**
 * The forward reads t no more. If its backward readers hold a packed copy (bf16, keepForBackward), its
 * float32 buffer goes back to the pool now; otherwise nothing happens (they read the buffer itself).
 * Only for an op output that owns its buffer, and only once every op whose backward reads t has recorded.
 */
export function forwardDone(ctx: Ctx, t: Tensor): void {
  if (t.packed !== null) releaseData(ctx, t);
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
