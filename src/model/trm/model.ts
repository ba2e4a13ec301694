// The TRM model object: config, derived dims, parameters and the fixed RoPE tables (when pos_encodings is
// rope). Pure data, as HrmModel: the forward functions (block, inner, the shared ACT wrapper) take it.
import type { Rng } from "../../engine/rng.js";
import type { Tensor } from "../../engine/tensor.js";
import { ModelParams } from "../hrm/params.js";
import { rotaryTables } from "../hrm/rotary.js";
import type { TrmConfig, TrmDims } from "./config.js";
import { deriveTrmDims } from "./config.js";
import { trmParamSpecs } from "./params.js";
import type { ParamName } from "../param-names.js";

export class TrmModel {
  readonly family = "trm" as const;
  readonly config: TrmConfig;
  readonly dims: TrmDims;
  readonly params: ModelParams;
  /** RoPE tables [T, HD] (non-persistent buffers), null with learned or no positions. */
  readonly rope: { cos: Tensor; sin: Tensor } | null;

  constructor(config: TrmConfig) {
    this.config = config;
    this.dims = deriveTrmDims(config);
    this.params = new ModelParams(trmParamSpecs(config));
    this.rope = config.pos_encodings === "rope" ? rotaryTables(this.dims.totalSeqLen, this.dims.headDim, config.rope_theta) : null;
  }

  /** A model initialised as the official constructor does (values differ: the RNG is ours). */
  static create(config: TrmConfig, rng: Rng): TrmModel {
    const m = new TrmModel(config);
    m.params.initialize(rng, config.forward_dtype);
    return m;
  }

  p(name: ParamName): Tensor {
    return this.params.get(name);
  }
}
