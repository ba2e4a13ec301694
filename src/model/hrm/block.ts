// One HRM transformer block (identical for H and L), post-norm without norm weights:
//   h ← RMSNorm(h + Attn(h));  h ← RMSNorm(h + SwiGLU(h))
// Shapes: h [B, T, D]; qkv [B, T, 3·NH·HD]; attention out [B, T, NH·HD]; MLP width I.
import type { Ctx } from "../../engine/context.js";
import type { Tensor } from "../../engine/tensor.js";
import { attention } from "../../ops/attention.js";
import { add } from "../../ops/elementwise.js";
import { linear } from "../../ops/linear.js";
import { rmsNorm } from "../../ops/rms-norm.js";
import { rope } from "../../ops/rope.js";
import { swiglu } from "../../ops/swiglu.js";
import type { HrmModel } from "./model.js";

export function blockForward(ctx: Ctx, m: HrmModel, prefix: string, h: Tensor): Tensor {
  const NH = m.config.num_heads, HD = m.dims.headDim, eps = m.config.rms_norm_eps;
  let qkv = linear(ctx, h, m.p(`${prefix}.self_attn.qkv_proj.weight`));
  if (m.rope !== null) qkv = rope(ctx, qkv, m.rope.cos, m.rope.sin, NH, HD);
  const attn = linear(ctx, attention(ctx, qkv, NH, HD), m.p(`${prefix}.self_attn.o_proj.weight`));
  h = rmsNorm(ctx, add(ctx, h, attn), eps);
  const mlp = linear(ctx, swiglu(ctx, linear(ctx, h, m.p(`${prefix}.mlp.gate_up_proj.weight`))), m.p(`${prefix}.mlp.down_proj.weight`));
  return rmsNorm(ctx, add(ctx, h, mlp), eps);
}
