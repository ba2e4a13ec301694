// The HRM model object: config, derived dims, parameters and the fixed RoPE tables. Pure data: the
// forward functions (block, reasoning module, inner, ACT) take it with a context.
import type { Rng } from "../../engine/rng.js";
import type { Tensor } from "../../engine/tensor.js";
import type { HrmConfig, HrmDims } from "./config.js";
import { deriveDims } from "./config.js";
import { ModelParams, paramSpecs } from "./params.js";
import { rotaryTables } from "./rotary.js";
import type { ParamName } from "../param-names.js";

export class HrmModel {
  readonly family = "hrm" as const;
  readonly config: HrmConfig;
  readonly dims: HrmDims;
  readonly params: ModelParams;
  /** RoPE tables [T, HD] (non-persistent buffers), null with learned positions. */
  readonly rope: { cos: Tensor; sin: Tensor } | null;

  constructor(config: HrmConfig) {
    this.config = config;
    this.dims = deriveDims(config);
    this.params = new ModelParams(paramSpecs(config));
    this.rope = config.pos_encodings === "rope" ? rotaryTables(this.dims.totalSeqLen, this.dims.headDim, config.rope_theta) : null;
  }

  /** A model initialised as the official constructor does (values differ: the RNG is ours). */
  static create(config: HrmConfig, rng: Rng): HrmModel {
    const m = new HrmModel(config);
    m.params.initialize(rng, config.forward_dtype);
    return m;
  }

  p(name: ParamName): Tensor {
    return this.params.get(name);
  }
}
