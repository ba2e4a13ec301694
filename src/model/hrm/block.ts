// One HRM transformer block (identical for H and L), post-norm without norm weights:
//   h ← RMSNorm(h + Attn(h));  h ← RMSNorm(h + SwiGLU(h))
// Shapes: h [B, T, D]; qkv [B, T, 3·NH·HD]; attention out [B, T, NH·HD]; MLP width I.
// The two sublayers are exported for TRM, whose attention blocks are the same (its mlp_t blocks replace the
// first sublayer).
import type { Ctx } from "../../engine/context.js";
import type { Tensor } from "../../engine/tensor.js";
import { attention } from "../../ops/attention.js";
import { forwardDone, releaseData } from "../../ops/grad.js";
import { linear } from "../../ops/linear.js";
import { addRmsNorm } from "../../ops/rms-norm.js";
import { rope } from "../../ops/rope.js";
import { swiglu } from "../../ops/swiglu.js";
import type { BlockPrefix, ParamName, SwigluPrefix } from "../param-names.js";

/** What a block reads of its model (HRM or TRM). */
export interface BlockHost {
  readonly config: { readonly num_heads: number; readonly rms_norm_eps: number };
  readonly dims: { readonly headDim: number };
  readonly rope: { cos: Tensor; sin: Tensor } | null;
  p(name: ParamName): Tensor;
}

/** Called with a sublayer's intermediate (e.g. "attn_out", "mlp_in", "mlp_out", "out") while it is alive. */
export type BlockTrace = (stage: string, t: Tensor) => void;

// Outputs that no backward reads (a linear's output fed to RoPE or to a residual add, the add fed to
// RMSNorm, whose backward uses its own output) go back to the pool as soon as they are consumed, so a
// recorded pass keeps only what its backward needs (as PyTorch's saved tensors); in bf16 the float32
// buffers of those that backward reads go back too once consumed, their packed copies kept (forwardDone).
export function blockForward(ctx: Ctx, m: BlockHost, prefix: BlockPrefix, h: Tensor): Tensor {
  const h1 = attentionSublayer(ctx, m, prefix, h);
  const out = mlpSublayer(ctx, m, prefix, h1);
  forwardDone(ctx, h1);
  return out;
}

/** RMSNorm(h + o_proj(Attn(RoPE(qkv_proj(h))))). */
export function attentionSublayer(ctx: Ctx, m: BlockHost, prefix: BlockPrefix, h: Tensor, trace?: BlockTrace): Tensor {
  const NH = m.config.num_heads, HD = m.dims.headDim;
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
  trace?.("attn_out", attn);
  return residualNorm(ctx, h, attn, m.config.rms_norm_eps);
}

/** RMSNorm(h + down_proj(SwiGLU(gate_up_proj(h)))) with the SwiGLU under `${prefix}.${name}`. */
export function mlpSublayer(ctx: Ctx, m: BlockHost, prefix: BlockPrefix, h: Tensor, trace?: BlockTrace, name: "mlp" | "mlp_t" = "mlp"): Tensor {
  trace?.(`${name}_in`, h);
  const mlp = swigluMlp(ctx, m, `${prefix}.${name}`, h);
  trace?.(`${name}_out`, mlp);
  const out = residualNorm(ctx, h, mlp, m.config.rms_norm_eps);
  trace?.("out", out);
  return out;
}

/** down_proj(silu(gate) ⊙ up) over the last axis of x. */
export function swigluMlp(ctx: Ctx, m: BlockHost, prefix: SwigluPrefix, x: Tensor): Tensor {
  const gateUp = linear(ctx, x, m.p(`${prefix}.gate_up_proj.weight`));
  const act = swiglu(ctx, gateUp);
  forwardDone(ctx, gateUp);
  const out = linear(ctx, act, m.p(`${prefix}.down_proj.weight`));
  forwardDone(ctx, act);
  return out;
}

/**
 * RMSNorm(h + x) in one fused op, releasing x once used (h is kept: it is the input of the next products).
 * The norm runs over the last axis, or over `axis` (TRM's mlp_t: the token axis 1 of [B, T, D]).
 */
export function residualNorm(ctx: Ctx, h: Tensor, x: Tensor, eps: number, axis?: number): Tensor {
  const y = addRmsNorm(ctx, h, x, eps, axis);
  releaseData(ctx, x);
  return y;
}
