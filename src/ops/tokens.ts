// Token-axis concatenation and slicing of [B, T, D] tensors (puzzle-embedding prefix, heads' views).
import type { Ctx } from "../engine/context.js";
import { ShapeError } from "../engine/errors.js";
import { Tensor, formatShape } from "../engine/tensor.js";
import { emptyLike, gradOf } from "./grad.js";

/** [B, P, D] ++ [B, S, D] -> [B, P+S, D]. */
export function concatTokens(ctx: Ctx, a: Tensor, b: Tensor): Tensor {
  const [B, P, D] = a.shape as [number, number, number];
  const [B2, S, D2] = b.shape as [number, number, number];
  if (a.shape.length !== 3 || b.shape.length !== 3 || B !== B2 || D !== D2) {
    throw new ShapeError(`concatTokens: [B, P, D] and [B, S, D] expected, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const T = P + S;
  const y = new Tensor(emptyLike(ctx, a, [B, T, D]), [B, T, D]);
  for (let bi = 0; bi < B; bi++) {
    y.data.set(a.data.subarray(bi * P * D, (bi + 1) * P * D), bi * T * D);
    y.data.set(b.data.subarray(bi * S * D, (bi + 1) * S * D), (bi * T + P) * D);
  }
  if (ctx.tape.needsGrad(a, b)) {
    y.requiresGrad = true;
    const k = ctx.kernels;
    ctx.tape.record(() => {
      const dY = y.grad;
      if (dY === null) return;
      for (let bi = 0; bi < B; bi++) {
        if (a.requiresGrad) k.axpy(gradOf(ctx, a).subarray(bi * P * D, (bi + 1) * P * D), dY.subarray(bi * T * D, (bi * T + P) * D), 1, P * D);
        if (b.requiresGrad) k.axpy(gradOf(ctx, b).subarray(bi * S * D, (bi + 1) * S * D), dY.subarray((bi * T + P) * D, (bi + 1) * T * D), 1, S * D);
      }
    }, y, true);
  }
  return y;
}

/** x[:, start:start+len] of a [B, T, D] tensor -> [B, len, D]. */
export function sliceTokens(ctx: Ctx, x: Tensor, start: number, len: number): Tensor {
  const [B, T, D] = x.shape as [number, number, number];
  if (x.shape.length !== 3 || start < 0 || len < 0 || start + len > T) {
    throw new ShapeError(`sliceTokens: [${start}, ${start + len}) is not inside the token axis of ${formatShape(x.shape)}`);
  }
  const y = new Tensor(emptyLike(ctx, x, [B, len, D]), [B, len, D]);
  for (let bi = 0; bi < B; bi++) y.data.set(x.data.subarray((bi * T + start) * D, (bi * T + start + len) * D), bi * len * D);
  if (ctx.tape.needsGrad(x)) {
    y.requiresGrad = true;
    const k = ctx.kernels;
    ctx.tape.record(() => {
      const dY = y.grad;
      if (dY === null) return;
      const dX = gradOf(ctx, x);
      for (let bi = 0; bi < B; bi++) k.axpy(dX.subarray((bi * T + start) * D, (bi * T + start + len) * D), dY.subarray(bi * len * D, (bi + 1) * len * D), 1, len * D);
    }, y, true);
  }
  return y;
}

/** Zero-pad the last dim of a [B, n] tensor to [B, total] (F.pad(x, (0, total − n))). */
export function padLast(ctx: Ctx, x: Tensor, total: number): Tensor {
  const [B, n] = x.shape as [number, number];
  if (x.shape.length !== 2 || total < n) throw new ShapeError(`padLast: cannot pad ${formatShape(x.shape)} to [B, ${total}]`);
  if (total === n) return x;
  const y = new Tensor(emptyLike(ctx, x, [B, total], true), [B, total]);
  for (let bi = 0; bi < B; bi++) y.data.set(x.data.subarray(bi * n, (bi + 1) * n), bi * total);
  if (ctx.tape.needsGrad(x)) {
    y.requiresGrad = true;
    const k = ctx.kernels;
    ctx.tape.record(() => {
      const dY = y.grad;
      if (dY === null) return;
      const dX = gradOf(ctx, x);
      for (let bi = 0; bi < B; bi++) k.axpy(dX.subarray(bi * n, (bi + 1) * n), dY.subarray(bi * total, bi * total + n), 1, n);
    }, y, true);
  }
  return y;
}
