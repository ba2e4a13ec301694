// Swap the last two axes: x [B, X, Y] -> [B, Y, X] (TRM's mlp_t mixes tokens by running its SwiGLU over
// the token axis of the transposed state). Backward: the gradient transposed back. Values are moved, not
// changed, so a bf16 activation stays one.
import type { Ctx } from "../engine/context.js";
import { ShapeError } from "../engine/errors.js";
import type { FloatArray } from "../engine/dtype.js";
import { Tensor, formatShape } from "../engine/tensor.js";
import { emptyLike, gradOf } from "./grad.js";

const TILE = 32;

/** dst[b, y, x] (+)= src[b, x, y], in cache tiles of TILE x TILE. */
function transposeInto(dst: FloatArray, src: FloatArray, B: number, X: number, Y: number, accumulate: boolean): void {
  for (let b = 0; b < B; b++) {
    const base = b * X * Y;
    for (let x0 = 0; x0 < X; x0 += TILE) {
      const x1 = Math.min(x0 + TILE, X);
      for (let y0 = 0; y0 < Y; y0 += TILE) {
        const y1 = Math.min(y0 + TILE, Y);
        for (let x = x0; x < x1; x++) {
          const s = base + x * Y;
          if (accumulate) for (let y = y0; y < y1; y++) dst[base + y * X + x] = dst[base + y * X + x]! + src[s + y]!;
          else for (let y = y0; y < y1; y++) dst[base + y * X + x] = src[s + y]!;
        }
      }
    }
  }
}

export function transposeLast2(ctx: Ctx, x: Tensor): Tensor {
  if (x.shape.length !== 3) throw new ShapeError(`transposeLast2: x should be [B, X, Y], got ${formatShape(x.shape)}`);
  const [B, X, Y] = x.shape as [number, number, number];
  const y = new Tensor(emptyLike(ctx, x, [B, Y, X]), [B, Y, X]);
  transposeInto(y.data, x.data, B, X, Y, false);
  y.bf16Values = x.bf16Values;
  if (ctx.tape.needsGrad(x)) {
    y.requiresGrad = true;
    ctx.tape.record(() => {
      if (y.grad !== null) transposeInto(gradOf(ctx, x), y.grad, B, Y, X, true);
    }, y, true);
  }
  return y;
}
