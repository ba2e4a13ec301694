// Helpers shared by the ops' backward closures.
import type { Ctx } from "../engine/context.js";
import type { FloatArray } from "../engine/dtype.js";
import { allocFloat } from "../engine/dtype.js";
import type { Tensor } from "../engine/tensor.js";

/**
 * Add a kernel's written gradient into t.grad. Kernels that write (not accumulate) their input gradient
 * write straight into a fresh t.grad, else into a scratch buffer that is then added.
 */
export function writeGrad(ctx: Ctx, t: Tensor, write: (dst: FloatArray) => void): void {
  if (!t.requiresGrad) return;
  if (t.grad === null) {
    t.grad = allocFloat(t.dtype, t.size);
    write(t.grad);
    return;
  }
  const tmp = allocFloat(t.dtype, t.size);
  write(tmp);
  ctx.kernels.axpy(t.grad, tmp, 1, t.size);
}

/** A new tensor of the given shape and the dtype of `like`. */
export function emptyLike(like: Tensor, shape: readonly number[]): FloatArray {
  let n = 1;
  for (const s of shape) n *= s;
  return allocFloat(like.dtype, n);
}
