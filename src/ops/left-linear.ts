// A Linear applied over the middle axis, from the left: y[b] = W·x[b] for x [B, X, C] and W [Y, X], so
// y is [B, Y, C]. TRM's mlp_t mixes tokens this way: its Linear over the token axis of h [B, T, D] is the
// official Linear over the last axis of hᵀ [B, D, T], transposed, without materialising either transpose
// (one batched product of strided operands, the weight shared by the batch: MatmulDims.batch).
// Backward: dX[b] += Wᵀ·dY[b];  dW += Σ_b dY[b]·x[b]ᵀ (the batch summed into one out).
import type { Ctx } from "../engine/context.js";
import { ShapeError } from "../engine/errors.js";
import { Tensor, formatShape } from "../engine/tensor.js";
import { emptyLike, finish, gradOf, keepForBackward, withKept } from "./grad.js";
import { roundedWeight } from "./linear.js";

export function leftLinear(ctx: Ctx, x: Tensor, w: Tensor): Tensor {
  const precision = ctx.precision; // bf16: weight and input rounded at use (as linear), f32 accumulation
  if (x.shape.length !== 3 || w.shape.length !== 2 || w.shape[1] !== x.shape[1]) {
    throw new ShapeError(`leftLinear: x [B, X, C] = ${formatShape(x.shape)} does not fit weight [Y, X] = ${formatShape(w.shape)}${w.name ? ` (${w.name})` : ""}`);
  }
  const [B, X, C] = x.shape as [number, number, number];
  const Y = w.shape[0]!;
  const y = new Tensor(emptyLike(ctx, x, [B, Y, C]), [B, Y, C]);
  const k = ctx.kernels;
  const wRounded = precision === "bf16" ? roundedWeight(ctx, w) : null;
  k.matmul(y.data, wRounded ?? w.data, x.data, {
    M: Y, K: X, N: C, precision, aRounded: wRounded !== null, bRounded: x.bf16Values,
    batch: { count: B, strideA: 0, strideB: X * C, strideOut: Y * C },
  });
  finish(ctx, y);
  if (ctx.tape.needsGrad(x, w)) {
    y.requiresGrad = true;
    keepForBackward(ctx, x);
    keepForBackward(ctx, w);
    ctx.tape.record(() => {
      const dY = y.grad;
      if (dY === null) return;
      // dX[b] [X, C] += Wᵀ [X, Y]·dY[b] [Y, C];  dW [Y, X] += Σ_b dY[b] [Y, C]·x[b]ᵀ [C, X]
      if (x.requiresGrad) {
        const dX = (W: Float32Array | Float64Array, rounded: boolean): void => k.matmul(gradOf(ctx, x), W, dY, {
          M: X, K: Y, N: C, transA: true, accumulate: true, precision, aRounded: rounded,
          batch: { count: B, strideA: 0, strideB: Y * C, strideOut: X * C },
        });
        if (wRounded !== null) dX(wRounded, true); // the step's rounded copy, as linear's backward
        else withKept(ctx, w, (W) => { dX(W, false); });
      }
      if (w.requiresGrad) {
        withKept(ctx, x, (xs) => k.matmul(gradOf(ctx, w), dY, xs, {
          M: Y, K: C, N: X, transB: true, accumulate: true, precision, bRounded: x.bf16Values,
          batch: { count: B, strideA: Y * C, strideB: X * C, strideOut: 0 },
        }));
      }
    }, y, true);
  }
  return y;
}
