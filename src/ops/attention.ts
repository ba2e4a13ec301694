// Non-causal multi-head softmax attention over a fused qkv [B, T, 3·NH·HD] -> [B, T, NH·HD].
// Scale 1/sqrt(HD) (FlashAttention's default, as the official code), no mask. As FlashAttention, the
// backward recomputes the probabilities [B, NH, T, T] from qkv instead of keeping them.
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
  const probsShape = [B, NH, T, T];
  const probs = emptyLike(ctx, qkv, probsShape);
  const k = ctx.kernels;
  k.attentionForward(y.data, probs, qkv.data, d);
  ctx.pool.release(probs);
  finish(ctx, y);
  if (ctx.tape.needsGrad(qkv)) {
    y.requiresGrad = true;
    keepForBackward(ctx, qkv);
    ctx.tape.record(() => {
      if (y.grad === null) return;
      const dY = y.grad;
      withKept(ctx, qkv, (q) => {
        const p = emptyLike(ctx, qkv, probsShape), out = emptyLike(ctx, qkv, outShape);
        k.attentionForward(out, p, q, d); // the same kernel on the same values: the same probabilities
        ctx.pool.release(out);
        writeGrad(ctx, qkv, (dX) => k.attentionBackward(dX, dY, q, p, d));
        ctx.pool.release(p);
      });
    }, y, true);
  }
  return y;
}
