// Linear layer, PyTorch convention: y = x·Wᵀ (+ b), W stored [out, in] (CastedLinear in the official code).
// Legend: rows = product of x's leading dims, IN input features, OUT output features.
import type { Ctx } from "../engine/context.js";
import { ShapeError } from "../engine/errors.js";
import { Tensor, formatShape } from "../engine/tensor.js";
import { emptyLike, finish, gradOf, keepForBackward, withKept } from "./grad.js";

export function linear(ctx: Ctx, x: Tensor, w: Tensor, bias?: Tensor): Tensor {
  const precision = ctx.precision; // bf16: weights and inputs rounded at use (CastedLinear), f32 accumulation
  const [OUT, IN] = w.shape as [number, number];
  const IN_x = x.shape[x.shape.length - 1]!;
  if (w.shape.length !== 2 || IN_x !== IN) {
    throw new ShapeError(`linear: x ${formatShape(x.shape)} does not fit weight [OUT, IN] = ${formatShape(w.shape)}${w.name ? ` (${w.name})` : ""}`);
  }
  if (bias !== undefined && (bias.shape.length !== 1 || bias.shape[0] !== OUT)) {
    throw new ShapeError(`linear: bias should be [${OUT}], got ${formatShape(bias.shape)}`);
  }
  const rows = x.size / IN;
  const outShape = [...x.shape.slice(0, -1), OUT];
  const y = new Tensor(emptyLike(ctx, x, outShape), outShape);
  const k = ctx.kernels;
  const wRounded = precision === "bf16" ? roundedWeight(ctx, w) : null;
  k.matmul(y.data, x.data, wRounded ?? w.data, { M: rows, K: IN, N: OUT, transB: true, precision, aRounded: x.bf16Values, bRounded: wRounded !== null });
  if (bias !== undefined) {
    let b = bias.data;
    if (precision === "bf16") { b = emptyLike(ctx, bias, bias.shape); k.roundBf16(b, bias.data, OUT); } // bias.to(bf16)
    for (let r = 0; r < rows; r++) k.add(y.data.subarray(r * OUT, (r + 1) * OUT), y.data.subarray(r * OUT, (r + 1) * OUT), b, OUT);
  }
  finish(ctx, y);
  if (ctx.tape.needsGrad(x, w, bias)) {
    y.requiresGrad = true;
    keepForBackward(ctx, x);
    keepForBackward(ctx, w);
    ctx.tape.record(() => {
      const dY = y.grad;
      if (dY === null) return;
      // dX[rows, IN] += dY[rows, OUT]·W[OUT, IN];  dW[OUT, IN] += dYᵀ·X;  db[OUT] += Σ_rows dY
      if (x.requiresGrad) {
        if (wRounded !== null) k.matmul(gradOf(ctx, x), dY, wRounded, { M: rows, K: OUT, N: IN, accumulate: true, precision, bRounded: true });
        else withKept(ctx, w, (W) => k.matmul(gradOf(ctx, x), dY, W, { M: rows, K: OUT, N: IN, accumulate: true, precision }));
      }
      if (w.requiresGrad) withKept(ctx, x, (X) => k.matmul(gradOf(ctx, w), dY, X, { M: OUT, K: rows, N: IN, transA: true, accumulate: true, precision, bRounded: x.bf16Values }));
      if (bias?.requiresGrad) {
        const db = gradOf(ctx, bias);
        for (let r = 0; r < rows; r++) k.axpy(db, dY.subarray(r * OUT, (r + 1) * OUT), 1, OUT);
      }
    }, y, true);
  }
  return y;
}

/**
 * w's values rounded to bfloat16, once per parameter version (engine/context.ts RoundedWeights): a copy made on
 * first use (heap or step pool), or w itself once rounded in place (inference only); null where the context
 * keeps no rounded weights (the product rounds w itself).
 */
export function roundedWeight(ctx: Ctx, w: Tensor): Float32Array | null {
  if (!(w.data instanceof Float32Array)) return null;
  if (w.bf16Values) return w.data;
  const rounded = ctx.roundedWeights;
  if (rounded === undefined) return null;
  if (rounded.storage === "inPlace") {
    ctx.kernels.roundBf16(w.data, w.data, w.size);
    w.bf16Values = true;
    return w.data;
  }
  let r = rounded.copies.get(w.data);
  if (r === undefined) {
    r = rounded.storage === "pool" ? ctx.pool.allocAt(rounded.poolDepth, "f32", w.size) as Float32Array : new Float32Array(w.size);
    ctx.kernels.roundBf16(r, w.data, w.size);
    rounded.copies.set(w.data, r);
  }
  return r;
}
