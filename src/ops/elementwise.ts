// Elementwise add and scale of same-shape tensors.
import type { Ctx } from "../engine/context.js";
import { ShapeError } from "../engine/errors.js";
import { Tensor, formatShape } from "../engine/tensor.js";
import { emptyLike, finish, gradOf } from "./grad.js";

export function add(ctx: Ctx, a: Tensor, b: Tensor): Tensor {
  if (a.size !== b.size || a.shape.length !== b.shape.length || a.shape.some((s, i) => s !== b.shape[i])) {
    throw new ShapeError(`add: shapes differ: ${formatShape(a.shape)} vs ${formatShape(b.shape)}`);
  }
  const y = new Tensor(emptyLike(ctx, a, a.shape), a.shape);
  const k = ctx.kernels;
  k.add(y.data, a.data, b.data, a.size);
  finish(ctx, y);
  if (ctx.tape.needsGrad(a, b)) {
    y.requiresGrad = true;
    ctx.tape.record(() => {
      if (y.grad === null) return;
      if (a.requiresGrad) k.axpy(gradOf(ctx, a), y.grad, 1, a.size);
      if (b.requiresGrad) k.axpy(gradOf(ctx, b), y.grad, 1, b.size);
    }, y, true);
  }
  return y;
}

export function scale(ctx: Ctx, a: Tensor, alpha: number): Tensor {
  const y = new Tensor(emptyLike(ctx, a, a.shape), a.shape);
  const k = ctx.kernels;
  k.scale(y.data, a.data, alpha, a.size);
  finish(ctx, y);
  if (ctx.tape.needsGrad(a)) {
    y.requiresGrad = true;
    ctx.tape.record(() => {
      if (y.grad !== null) k.axpy(gradOf(ctx, a), y.grad, alpha, a.size);
    }, y, true);
  }
  return y;
}

/** a [B, ...rest] + b [...rest], b broadcast over the leading dim (learned positions over the batch). */
export function addBroadcast(ctx: Ctx, a: Tensor, b: Tensor): Tensor {
  const rest = a.shape.slice(1);
  if (rest.length !== b.shape.length || rest.some((s, i) => s !== b.shape[i])) {
    throw new ShapeError(`addBroadcast: ${formatShape(b.shape)} does not broadcast over ${formatShape(a.shape)}`);
  }
  const n = b.size, B = a.size / n;
  const y = new Tensor(emptyLike(ctx, a, a.shape), a.shape);
  const k = ctx.kernels;
  for (let i = 0; i < B; i++) k.add(y.data.subarray(i * n, (i + 1) * n), a.data.subarray(i * n, (i + 1) * n), b.data, n);
  finish(ctx, y);
  if (ctx.tape.needsGrad(a, b)) {
    y.requiresGrad = true;
    ctx.tape.record(() => {
      if (y.grad === null) return;
      if (a.requiresGrad) k.axpy(gradOf(ctx, a), y.grad, 1, a.size);
      if (b.requiresGrad) for (let i = 0; i < B; i++) k.axpy(gradOf(ctx, b), y.grad.subarray(i * n, (i + 1) * n), 1, n);
    }, y, true);
  }
  return y;
}

/** The same data seen with another shape of the same size (a differentiable view). */
export function view(ctx: Ctx, x: Tensor, shape: readonly number[]): Tensor {
  const y = new Tensor(x.data, shape);
  if (ctx.tape.needsGrad(x)) {
    y.requiresGrad = true;
    ctx.tape.record(() => {
      if (y.grad !== null) ctx.kernels.axpy(gradOf(ctx, x), y.grad, 1, x.size);
    }, y);
  }
  return y;
}

/**
 * The official `.to(forward_dtype)` of a float32 weight used directly (learned positions): rounded to
 * bfloat16 when the context computes in bf16, identity otherwise; the gradient passes straight through.
 */
export function castToCompute(ctx: Ctx, x: Tensor): Tensor {
  if (ctx.precision === "f32") return x;
  const y = new Tensor(emptyLike(ctx, x, x.shape), x.shape);
  ctx.kernels.roundBf16(y.data, x.data, x.size);
  if (ctx.tape.needsGrad(x)) {
    y.requiresGrad = true;
    ctx.tape.record(() => {
      if (y.grad !== null) ctx.kernels.axpy(gradOf(ctx, x), y.grad, 1, x.size);
    }, y, true);
  }
  return y;
}
