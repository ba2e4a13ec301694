// SwiGLU activation: [.., 2I] = [gate | up] -> silu(gate) ⊙ up [.., I].
import type { Ctx } from "../engine/context.js";
import { ShapeError } from "../engine/errors.js";
import { Tensor, formatShape } from "../engine/tensor.js";
import { emptyLike, finish, keepForBackward, withKept, writeGrad } from "./grad.js";

export function swiglu(ctx: Ctx, gateUp: Tensor): Tensor {
  const W = gateUp.shape[gateUp.shape.length - 1]!;
  if (W % 2 !== 0) throw new ShapeError(`swiglu: last dim must be 2·I, got ${formatShape(gateUp.shape)}`);
  const I = W / 2;
  const rows = gateUp.size / W;
  const outShape = [...gateUp.shape.slice(0, -1), I];
  const y = new Tensor(emptyLike(ctx, gateUp, outShape), outShape);
  const k = ctx.kernels;
  k.swigluForward(y.data, gateUp.data, { rows, I });
  finish(ctx, y);
  if (ctx.tape.needsGrad(gateUp)) {
    y.requiresGrad = true;
    keepForBackward(ctx, gateUp);
    ctx.tape.record(() => {
      if (y.grad === null) return;
      const dY = y.grad;
      withKept(ctx, gateUp, (g) => writeGrad(ctx, gateUp, (dX) => k.swigluBackward(dX, dY, g, { rows, I })));
    }, y, true);
  }
  return y;
}
