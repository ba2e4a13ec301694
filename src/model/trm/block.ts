// One TRM block, post-norm without norm weights (official TinyRecursiveReasoningModel_ACTV1Block):
//   attention:  h ← RMSNorm(h + Attn(h))                                   (HRM's sublayer)
//   mlp_t:      u = hᵀ [B, D, T];  u ← RMSNorm_T(u + SwiGLU_T(u));  h ← uᵀ   (mixes tokens; norm over T)
//   then        h ← RMSNorm(h + SwiGLU(h))
import type { Ctx } from "../../engine/context.js";
import type { Tensor } from "../../engine/tensor.js";
import { forwardDone } from "../../ops/grad.js";
import { transposeLast2 } from "../../ops/transpose.js";
import type { BlockTrace } from "../hrm/block.js";
import { attentionSublayer, mlpSublayer, residualNorm, swigluMlp } from "../hrm/block.js";
import type { TrmModel } from "./model.js";
import type { BlockPrefix } from "../param-names.js";

export function trmBlockForward(ctx: Ctx, m: TrmModel, prefix: BlockPrefix, h: Tensor, trace?: BlockTrace): Tensor {
  const h1 = m.config.mlp_t ? tokenMixSublayer(ctx, m, prefix, h, trace) : attentionSublayer(ctx, m, prefix, h, trace);
  const out = mlpSublayer(ctx, m, prefix, h1, trace);
  forwardDone(ctx, h1);
  return out;
}

/** transpose → SwiGLU over the token axis → residual + RMSNorm over the token axis → transpose back. */
function tokenMixSublayer(ctx: Ctx, m: TrmModel, prefix: BlockPrefix, h: Tensor, trace?: BlockTrace): Tensor {
  const u = transposeLast2(ctx, h); // [B, D, T]
  const mixed = swigluMlp(ctx, m, `${prefix}.mlp_t`, u);
  trace?.("mlp_t_out", mixed);
  const normed = residualNorm(ctx, u, mixed, m.config.rms_norm_eps);
  forwardDone(ctx, u); // read by the token SwiGLU's backward (its packed copy in bf16)
  const back = transposeLast2(ctx, normed);
  forwardDone(ctx, normed); // read by its RMSNorm's backward
  return back;
}
