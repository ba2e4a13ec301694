// TRM parameters and persistent buffers under their official names, in state_dict order: HRM's I/O specs,
// then one stack `L_level` whose blocks hold attention (qkv/o projections) or, with mlp_t, the
// token-mixing SwiGLU over T positions, followed by the channel SwiGLU.
import type { ParamSpec } from "../hrm/params.js";
import { attentionSpecs, ioParamSpecs, swigluSpecs } from "../hrm/params.js";
import type { TrmConfig } from "./config.js";
import { deriveTrmDims } from "./config.js";
import { blockPrefix } from "../param-names.js";

export function trmParamSpecs(c: TrmConfig): ParamSpec[] {
  const dims = deriveTrmDims(c);
  const D = c.hidden_size;
  const specs = ioParamSpecs(c, dims);
  for (let i = 0; i < c.L_layers; i++) {
    const p = blockPrefix("L_level", i);
    if (c.mlp_t) specs.push(...swigluSpecs(`${p}.mlp_t`, dims.totalSeqLen, dims.mlpTIntermediate));
    else specs.push(...attentionSpecs(`${p}.self_attn`, D, c.num_heads, dims.headDim));
    specs.push(...swigluSpecs(`${p}.mlp`, D, dims.mlpIntermediate));
  }
  return specs;
}
