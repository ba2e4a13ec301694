// Swap the last two axes: x [B, X, Y] -> [B, Y, X] (TRM's mlp_t mixes tokens by running its SwiGLU over
// the token axis of the transposed state). Backward: the gradient transposed back. Values are moved, not
// changed, so a bf16 activation stays one.
import type { Ctx } from "../engine/context.js";
import { ShapeError } from "../engine/errors.js";
import { Tensor, formatShape } from "../engine/tensor.js";
import { emptyLike, gradOf } from "./grad.js";

export function transposeLast2(ctx: Ctx, x: Tensor): Tensor {
  if (x.shape.length !== 3) throw new ShapeError(`transposeLast2: x should be [B, X, Y], got ${formatShape(x.shape)}`);
  const [B, X, Y] = x.shape as [number, number, number];
  const y = new Tensor(emptyLike(ctx, x, [B, Y, X]), [B, Y, X]);
  ctx.kernels.transpose(y.data, x.data, { B, X, Y });
  y.bf16Values = x.bf16Values;
  if (ctx.tape.needsGrad(x)) {
    y.requiresGrad = true;
    ctx.tape.record(() => {
      if (y.grad !== null) ctx.kernels.transpose(gradOf(ctx, x), y.grad, { B, X: Y, Y: X, accumulate: true });
    }, y, true);
  }
  return y;
}
