// RMSNorm over the last dim without a gain vector (HRM's post-norm blocks); computed in float32.
import type { Ctx } from "../engine/context.js";
import { ShapeError } from "../engine/errors.js";
import { Tensor, formatShape } from "../engine/tensor.js";
import { emptyLike, finish, gradOf, keepForBackward, withKept, writeGrad } from "./grad.js";

export function rmsNorm(ctx: Ctx, x: Tensor, eps: number): Tensor {
  const D = x.shape[x.shape.length - 1]!;
  const rows = x.size / D;
  const y = new Tensor(emptyLike(ctx, x, x.shape), x.shape);
  const rstd = emptyLike(ctx, x, [rows]);
  const k = ctx.kernels;
  k.rmsNormForward(y.data, rstd, x.data, { rows, D, eps });
  finish(ctx, y);
  if (ctx.tape.needsGrad(x)) {
    y.requiresGrad = true;
    keepForBackward(ctx, y);
    ctx.tape.record(() => {
      if (y.grad === null) return;
      const dY = y.grad;
      withKept(ctx, y, (Y) => writeGrad(ctx, x, (dX) => k.rmsNormBackward(dX, dY, Y, rstd, { rows, D })));
    }, y, true);
  }
  return y;
}

/**
 * rmsNorm(a + b), the post-norm residual of HRM's blocks, in one kernel (addRmsNormForward): the sum is never
 * stored. The same values as add then rmsNorm (in bf16 the sum is rounded as add's output would be), and the
 * same gradients: rmsNorm's dX, added to a's and b's. `axis` (default the last) is the normalised one
 * (TRM's mlp_t normalises [B, T, D] over T: NormDims.inner = D).
 */
export function addRmsNorm(ctx: Ctx, a: Tensor, b: Tensor, eps: number, axis = a.shape.length - 1): Tensor {
  if (a.size !== b.size || a.shape.length !== b.shape.length || a.shape.some((s, i) => s !== b.shape[i])) {
    throw new ShapeError(`addRmsNorm: shapes differ: ${formatShape(a.shape)} vs ${formatShape(b.shape)}`);
  }
  const D = a.shape[axis];
  if (D === undefined || axis < 0) throw new ShapeError(`addRmsNorm: axis ${axis} is not an axis of ${formatShape(a.shape)}`);
  const inner = a.shape.slice(axis + 1).reduce((p, s) => p * s, 1); // the norm's stride (NormDims)
  const rows = a.size / (D * inner);
  const y = new Tensor(emptyLike(ctx, a, a.shape), a.shape);
  const rstd = emptyLike(ctx, a, [rows * inner]);
  const k = ctx.kernels;
  k.addRmsNormForward(y.data, rstd, a.data, b.data, { rows, D, inner, eps, roundSum: ctx.precision === "bf16" });
  finish(ctx, y);
  if (ctx.tape.needsGrad(a, b)) {
    y.requiresGrad = true;
    keepForBackward(ctx, y);
    ctx.tape.record(() => {
      if (y.grad === null) return;
      const dY = y.grad;
      const dX = ctx.pool.alloc(a.dtype, a.size);
      withKept(ctx, y, (Y) => k.rmsNormBackward(dX, dY, Y, rstd, { rows, D, inner }));
      if (a.requiresGrad) k.axpy(gradOf(ctx, a), dX, 1, a.size);
      if (b.requiresGrad) k.axpy(gradOf(ctx, b), dX, 1, b.size);
      ctx.pool.release(dX);
    }, y, true);
  }
  return y;
}
