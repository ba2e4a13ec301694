// One TRM block, post-norm without norm weights (official TinyRecursiveReasoningModel_ACTV1Block):
//   attention:  h ← RMSNorm(h + Attn(h))                                   (HRM's sublayer)
//   mlp_t:      u = hᵀ [B, D, T];  u ← RMSNorm_T(u + SwiGLU_T(u));  h ← uᵀ   (mixes tokens; norm over T)
//   then        h ← RMSNorm(h + SwiGLU(h))
// mlp_t runs in h's own layout [B, T, D]: its Linears multiply from the left (W·h[b], leftLinear), the SwiGLU
// splits the middle axis and the RMSNorm runs down it, so neither transpose is materialised.
import type { Ctx } from "../../engine/context.js";
import { Tensor } from "../../engine/tensor.js";
import { forwardDone } from "../../ops/grad.js";
import { leftLinear } from "../../ops/left-linear.js";
import { swiglu } from "../../ops/swiglu.js";
import type { BlockTrace } from "../hrm/block.js";
import { attentionSublayer, mlpSublayer, residualNorm } from "../hrm/block.js";
import type { TrmModel } from "./model.js";
import type { BlockPrefix } from "../param-names.js";

export function trmBlockForward(ctx: Ctx, m: TrmModel, prefix: BlockPrefix, h: Tensor, trace?: BlockTrace): Tensor {
  const h1 = m.config.mlp_t ? tokenMixSublayer(ctx, m, prefix, h, trace) : attentionSublayer(ctx, m, prefix, h, trace);
  const out = mlpSublayer(ctx, m, prefix, h1, trace);
  forwardDone(ctx, h1);
  return out;
}

/** SwiGLU over the token axis of h [B, T, D], then residual + RMSNorm over the token axis, all in [B, T, D]. */
function tokenMixSublayer(ctx: Ctx, m: TrmModel, prefix: BlockPrefix, h: Tensor, trace?: BlockTrace): Tensor {
  const gateUp = leftLinear(ctx, h, m.p(`${prefix}.mlp_t.gate_up_proj.weight`)); // [B, 2I, D]
  const act = swiglu(ctx, gateUp, 1); // [B, I, D]
  forwardDone(ctx, gateUp);
  const mixed = leftLinear(ctx, act, m.p(`${prefix}.mlp_t.down_proj.weight`)); // [B, T, D]
  forwardDone(ctx, act);
  if (trace !== undefined) traceTransposed(ctx, trace, "mlp_t_out", mixed);
  return residualNorm(ctx, h, mixed, m.config.rms_norm_eps, 1);
}

/** Trace t [B, X, Y] in the official transposed layout [B, Y, X] (a copy, handed back after the call). */
function traceTransposed(ctx: Ctx, trace: BlockTrace, stage: string, t: Tensor): void {
  const [B, X, Y] = t.shape as [number, number, number];
  const data = ctx.pool.alloc(t.dtype, t.size);
  ctx.kernels.transpose(data, t.data, { B, X, Y });
  trace(stage, new Tensor(data, [B, Y, X]));
  ctx.pool.release(data);
}
