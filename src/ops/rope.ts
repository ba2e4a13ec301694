// Rotary position embedding of the Q and K heads of a fused qkv [B, T, 3·NH·HD]; cos/sin [T, HD].
import type { Ctx } from "../engine/context.js";
import { ShapeError } from "../engine/errors.js";
import { Tensor, expectShape, formatShape } from "../engine/tensor.js";
import { emptyLike, finish, writeGrad } from "./grad.js";

export function rope(ctx: Ctx, qkv: Tensor, cos: Tensor, sin: Tensor, NH: number, HD: number): Tensor {
  if (qkv.shape.length !== 3 || qkv.shape[2] !== 3 * NH * HD) {
    throw new ShapeError(`rope: qkv should be [B, T, 3·NH·HD = ${3 * NH * HD}], got ${formatShape(qkv.shape)}`);
  }
  const [B, T] = qkv.shape as [number, number, number];
  expectShape("rope", "cos", cos, [T, HD]);
  expectShape("rope", "sin", sin, [T, HD]);
  const d = { B, T, NH, HD };
  const y = new Tensor(emptyLike(ctx, qkv, qkv.shape), qkv.shape);
  const k = ctx.kernels;
  k.ropeForward(y.data, qkv.data, cos.data, sin.data, d);
  finish(ctx, y);
  if (ctx.tape.needsGrad(qkv)) {
    y.requiresGrad = true;
    ctx.tape.record(() => {
      if (y.grad === null) return;
      const dY = y.grad;
      writeGrad(ctx, qkv, (dX) => k.ropeBackward(dX, dY, cos.data, sin.data, d));
    }, y, true);
  }
  return y;
}
