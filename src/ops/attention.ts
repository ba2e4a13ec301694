// Non-causal multi-head softmax attention over a fused qkv [B, T, 3·NH·HD] -> [B, T, NH·HD].
// Scale 1/sqrt(HD) (FlashAttention's default, as the official code), no mask. As FlashAttention, the
// forward keeps only each query row's softmax max and sum (stats [B, NH, T, 2]) and the backward recomputes
// the probabilities [B, NH, T, T] from them and qkv: nothing of size T² outlives a kernel call.
import type { Ctx } from "../engine/context.js";
import { ShapeError } from "../engine/errors.js";
import { Tensor, formatShape } from "../engine/tensor.js";
import { emptyLike, finish, keepForBackward, withKept, writeGrad } from "./grad.js";

export function attention(ctx: Ctx, qkv: Tensor, NH: number, HD: number): Tensor {
  if (qkv.shape.length !== 3 || qkv.shape[2] !== 3 * NH * HD) {
    throw new ShapeError(`attention: qkv should be [B, T, 3·NH·HD = ${3 * NH * HD}], got ${formatShape(qkv.shape)}`);
  }
  const [B, T] = qkv.shape as [number, number, number];
  const d = { B, T, NH, HD, scale: 1 / Math.sqrt(HD) };
  const outShape = [B, T, NH * HD];
  const y = new Tensor(emptyLike(ctx, qkv, outShape), outShape);
  const stats = emptyLike(ctx, qkv, [B, NH, T, 2]);
  const k = ctx.kernels;
  k.attentionForward(y.data, stats, qkv.data, d);
  finish(ctx, y);
  if (!ctx.tape.needsGrad(qkv)) {
    ctx.pool.release(stats);
    return y;
  }
  y.requiresGrad = true;
  keepForBackward(ctx, qkv);
  ctx.tape.record(() => {
    if (y.grad !== null) {
      const dY = y.grad;
      withKept(ctx, qkv, (q) => writeGrad(ctx, qkv, (dX) => k.attentionBackward(dX, dY, q, stats, d)));
    }
    ctx.pool.release(stats);
  }, y, true);
  return y;
}
