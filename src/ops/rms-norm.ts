// RMSNorm over the last dim without a gain vector (HRM's post-norm blocks); computed in float32.
import type { Ctx } from "../engine/context.js";
import { Tensor } from "../engine/tensor.js";
import { emptyLike, finish, writeGrad } from "./grad.js";

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
    ctx.tape.record(() => {
      if (y.grad === null) return;
      const dY = y.grad;
      writeGrad(ctx, x, (dX) => k.rmsNormBackward(dX, dY, y.data, rstd, { rows, D }));
    }, y, true);
  }
  return y;
}
