// RMSNorm over the last dim without a gain vector (HRM's post-norm blocks); computed in float32.
import type { Ctx } from "../engine/context.js";
import { Tensor } from "../engine/tensor.js";
import { emptyLike, finish, keepForBackward, withKept, writeGrad } from "./grad.js";

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
