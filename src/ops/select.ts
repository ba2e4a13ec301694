// Column selection: x [rows, C] -> x[:, c] as [rows] (q_head's halt and continue logits).
import type { Ctx } from "../engine/context.js";
import { ShapeError } from "../engine/errors.js";
import { Tensor, formatShape } from "../engine/tensor.js";
import { emptyLike, gradOf } from "./grad.js";

export function selectColumn(ctx: Ctx, x: Tensor, c: number): Tensor {
  const C = x.shape[x.shape.length - 1]!;
  if (c < 0 || c >= C) throw new ShapeError(`selectColumn: column ${c} outside the last dim of ${formatShape(x.shape)}`);
  const rows = x.size / C;
  const y = new Tensor(emptyLike(ctx, x, [rows]), [rows]);
  for (let r = 0; r < rows; r++) y.data[r] = x.data[r * C + c]!;
  if (ctx.tape.needsGrad(x)) {
    y.requiresGrad = true;
    ctx.tape.record(() => {
      if (y.grad === null) return;
      const dX = gradOf(ctx, x);
      for (let r = 0; r < rows; r++) dX[r * C + c] = dX[r * C + c]! + y.grad[r]!;
    }, y, true);
  }
  return y;
}
