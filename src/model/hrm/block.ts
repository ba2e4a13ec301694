// One HRM transformer block (identical for H and L), post-norm without norm weights:
//   h ← RMSNorm(h + Attn(h));  h ← RMSNorm(h + SwiGLU(h))
// Shapes: h [B, T, D]; qkv [B, T, 3·NH·HD]; attention out [B, T, NH·HD]; MLP width I.
import type { Ctx } from "../../engine/context.js";
import type { Tensor } from "../../engine/tensor.js";
import { attention } from "../../ops/attention.js";
import { add } from "../../ops/elementwise.js";
import { forwardDone, releaseData } from "../../ops/grad.js";
import { linear } from "../../ops/linear.js";
import { rmsNorm } from "../../ops/rms-norm.js";
import { rope } from "../../ops/rope.js";
import { swiglu } from "../../ops/swiglu.js";
import type { HrmModel } from "./model.js";

// Outputs that no backward reads (a linear's output fed to RoPE or to a residual add, the add fed to
// RMSNorm, whose backward uses its own output) go back to the pool as soon as they are consumed, so a
// recorded pass keeps only what its backward needs (as PyTorch's saved tensors); in bf16 the float32
// buffers of those that backward reads go back too once consumed, their packed copies kept (forwardDone).
export function blockForward(ctx: Ctx, m: HrmModel, prefix: string, h: Tensor): Tensor {
  const NH = m.config.num_heads, HD = m.dims.headDim, eps = m.config.rms_norm_eps;
  let qkv = linear(ctx, h, m.p(`${prefix}.self_attn.qkv_proj.weight`));
  if (m.rope !== null) {
    const projected = qkv;
    qkv = rope(ctx, projected, m.rope.cos, m.rope.sin, NH, HD);
    releaseData(ctx, projected);
  }
  const heads = attention(ctx, qkv, NH, HD);
  forwardDone(ctx, qkv);
  const attn = linear(ctx, heads, m.p(`${prefix}.self_attn.o_proj.weight`));
  forwardDone(ctx, heads);
  const h1 = residualNorm(ctx, h, attn, eps);
  const gateUp = linear(ctx, h1, m.p(`${prefix}.mlp.gate_up_proj.weight`));
  const act = swiglu(ctx, gateUp);
  forwardDone(ctx, gateUp);
  const mlp = linear(ctx, act, m.p(`${prefix}.mlp.down_proj.weight`));
  forwardDone(ctx, act);
  const out = residualNorm(ctx, h1, mlp, eps);
  forwardDone(ctx, h1);
  return out;
}

/** RMSNorm(h + x), releasing x and the sum once used (h is kept: it is the input of the next products). */
function residualNorm(ctx: Ctx, h: Tensor, x: Tensor, eps: number): Tensor {
  const sum = add(ctx, h, x);
  releaseData(ctx, x);
  const y = rmsNorm(ctx, sum, eps);
  releaseData(ctx, sum);
  return y;
}
