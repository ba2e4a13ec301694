// SwiGLU activation: [.., 2I] = [gate | up] -> silu(gate) ⊙ up [.., I].
// Over another axis (TRM's mlp_t in [B, 2I, D]: gate is [B, :I, D], up [B, I:, D]) it is the same kernel:
// each row [2I, D] is a gate half and an up half of I·D elements each.
import type { Ctx } from "../engine/context.js";
import { ShapeError } from "../engine/errors.js";
import { Tensor, formatShape } from "../engine/tensor.js";
import { emptyLike, finish, keepForBackward, withKept, writeGrad } from "./grad.js";

export function swiglu(ctx: Ctx, gateUp: Tensor, axis = gateUp.shape.length - 1): Tensor {
  const W = gateUp.shape[axis];
  if (W === undefined || axis < 0) throw new ShapeError(`swiglu: axis ${axis} is not an axis of ${formatShape(gateUp.shape)}`);
  if (W % 2 !== 0) throw new ShapeError(`swiglu: dim ${axis} must be 2·I, got ${formatShape(gateUp.shape)}`);
  const inner = gateUp.shape.slice(axis + 1).reduce((p, s) => p * s, 1);
  const I = (W / 2) * inner; // the kernel's half-row length
  const rows = gateUp.size / (W * inner);
  const outShape = gateUp.shape.map((s, i) => (i === axis ? W / 2 : s));
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
