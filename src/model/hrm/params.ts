// HRM parameters and persistent buffers under their official names (state_dict keys without the
// `model.inner.` prefix), in state_dict order. Adam-trained parameters live in one flat Float32Array with
// named views (llm.c style), their gradients in a second one of the same layout; the sparse puzzle
// embedding table and H_init/L_init are buffers apart.
import { roundBf16 } from "../../engine/dtype.js";
import { CheckpointError } from "../../engine/errors.js";
import type { Rng } from "../../engine/rng.js";
import { Tensor, formatShape, numel } from "../../engine/tensor.js";
import type { TrmConfig } from "../trm/config.js";
import type { HrmConfig, HrmDims } from "./config.js";
import { deriveDims } from "./config.js";
import { truncNormalInit } from "./init.js";
import { type AttentionPrefix, type ParamName, type SwigluPrefix, blockPrefix } from "../param-names.js";

export type ParamInit = { readonly kind: "truncNormal"; readonly std: number } | { readonly kind: "const"; readonly value: number };

export interface ParamSpec {
  readonly name: ParamName;
  readonly shape: readonly number[];
  readonly init: ParamInit;
  /** "adam": model.parameters(); "sparse": the sign-SGD puzzle table; "buffer": never trained. */
  readonly role: "adam" | "sparse" | "buffer";
}

/** Truncated LeCun normal: std 1/sqrt(fan_in) (official CastedLinear). */
export const lecun = (fanIn: number): ParamInit => ({ kind: "truncNormal", std: 1 / Math.sqrt(fanIn) });

/**
 * The specs shared by HRM and TRM, in state_dict order: the inner module's own buffers H_init/L_init, then the
 * token embedding, lm_head, q_head, the puzzle table and the learned positions (the blocks follow).
 */
export function ioParamSpecs(c: HrmConfig | TrmConfig, dims: HrmDims): ParamSpec[] {
  const D = c.hidden_size;
  const specs: ParamSpec[] = [
    { name: "H_init", shape: [D], init: { kind: "truncNormal", std: 1 }, role: "buffer" },
    { name: "L_init", shape: [D], init: { kind: "truncNormal", std: 1 }, role: "buffer" },
    { name: "embed_tokens.embedding_weight", shape: [c.vocab_size, D], init: { kind: "truncNormal", std: 1 / dims.embedScale }, role: "adam" },
    { name: "lm_head.weight", shape: [c.vocab_size, D], init: lecun(D), role: "adam" },
    // official: q_head.weight zeroed, bias filled with -5 (σ(−5) ≈ 0.0067: start by continuing)
    { name: "q_head.weight", shape: [2, D], init: { kind: "const", value: 0 }, role: "adam" },
    { name: "q_head.bias", shape: [2], init: { kind: "const", value: -5 }, role: "adam" },
  ];
  if (c.puzzle_emb_ndim > 0) {
    specs.push({ name: "puzzle_emb.weights", shape: [c.num_puzzle_identifiers, c.puzzle_emb_ndim], init: { kind: "const", value: 0 }, role: "sparse" });
  }
  if (c.pos_encodings === "learned") {
    specs.push({ name: "embed_pos.embedding_weight", shape: [dims.totalSeqLen, D], init: { kind: "truncNormal", std: 1 / dims.embedScale }, role: "adam" });
  }
  return specs;
}

/** The SwiGLU of a block: gate_up_proj [2·I, size] and down_proj [size, I] under `prefix`. */
export function swigluSpecs(prefix: SwigluPrefix, size: number, I: number): ParamSpec[] {
  return [
    { name: `${prefix}.gate_up_proj.weight`, shape: [2 * I, size], init: lecun(size), role: "adam" },
    { name: `${prefix}.down_proj.weight`, shape: [size, I], init: lecun(I), role: "adam" },
  ];
}

/** The attention projections of a block under `prefix` (qkv_proj [3·NH·HD, D], o_proj [D, NH·HD]). */
export function attentionSpecs(prefix: AttentionPrefix, D: number, NH: number, HD: number): ParamSpec[] {
  return [
    { name: `${prefix}.qkv_proj.weight`, shape: [3 * NH * HD, D], init: lecun(D), role: "adam" },
    { name: `${prefix}.o_proj.weight`, shape: [D, NH * HD], init: lecun(NH * HD), role: "adam" },
  ];
}

/** Every parameter and persistent buffer of the official HRM inner model, in state_dict order. */
export function paramSpecs(c: HrmConfig): ParamSpec[] {
  const dims = deriveDims(c);
  const D = c.hidden_size, HD = dims.headDim, NH = c.num_heads, I = dims.mlpIntermediate;
  const specs = ioParamSpecs(c, dims);
  for (const [level, layers] of [["H_level", c.H_layers], ["L_level", c.L_layers]] as const) {
    for (let i = 0; i < layers; i++) {
      const p = blockPrefix(level, i);
      specs.push(...attentionSpecs(`${p}.self_attn`, D, NH, HD), ...swigluSpecs(`${p}.mlp`, D, I));
    }
  }
  return specs;
}

/** The parameters and buffers of a model family, laid out from its specs (HRM's paramSpecs, TRM's trmParamSpecs). */
export class ModelParams {
  readonly specs: readonly ParamSpec[];
  /** Every parameter and buffer by official name. */
  readonly tensors: ReadonlyMap<ParamName, Tensor>;
  /** Adam-trained parameters, in model.parameters() order, as views of `flat`. */
  readonly adam: readonly Tensor[];
  readonly flat: Float32Array;
  readonly gradFlat: Float32Array;

  constructor(specs: readonly ParamSpec[]) {
    this.specs = specs;
    const adamSpecs = this.specs.filter((s) => s.role === "adam");
    const total = adamSpecs.reduce((n, s) => n + numel(s.shape), 0);
    this.flat = new Float32Array(total);
    this.gradFlat = new Float32Array(total);
    const tensors = new Map<ParamName, Tensor>();
    const adam: Tensor[] = [];
    let off = 0;
    for (const s of this.specs) {
      const n = numel(s.shape);
      if (s.role === "adam") {
        const t = new Tensor(this.flat.subarray(off, off + n), s.shape, { requiresGrad: true, name: s.name });
        t.grad = this.gradFlat.subarray(off, off + n);
        off += n;
        adam.push(t);
        tensors.set(s.name, t);
      } else {
        tensors.set(s.name, new Tensor(new Float32Array(n), s.shape, { name: s.name }));
      }
    }
    this.tensors = tensors;
    this.adam = adam;
  }

  /** Official parameter count (model.parameters(): excludes the puzzle table and H_init/L_init). */
  get numParameters(): number {
    return this.flat.length;
  }

  get(name: ParamName): Tensor {
    return this.named(name);
  }

  /** A parameter by a name that comes from outside (a file, a golden folder): unknown names are an error. */
  named(name: string): Tensor {
    const t = this.tensors.get(name as ParamName);
    if (t === undefined) throw new CheckpointError(`no parameter "${name}" in this model; it has: ${[...this.tensors.keys()].join(", ")}`);
    return t;
  }

  has(name: string): name is ParamName {
    return this.tensors.has(name as ParamName);
  }

  /** Initialise every tensor as the official constructor does, drawing from `rng` in state_dict order. */
  initialize(rng: Rng, forwardDtype: "float32" | "bfloat16"): void {
    for (const s of this.specs) {
      const t = this.get(s.name);
      const data = t.data as Float32Array;
      if (s.init.kind === "const") data.fill(s.init.value);
      else truncNormalInit(data, s.init.std, rng);
      // official: H_init/L_init are created directly in forward_dtype
      if (s.role === "buffer" && forwardDtype === "bfloat16") for (let i = 0; i < data.length; i++) data[i] = roundBf16(data[i]!);
    }
  }

  /** Copy values in by official name; `lookup` returns null for a missing name. Every name must be present. */
  load(lookup: (name: ParamName) => { shape: readonly number[]; data: Float32Array } | null, source: string): void {
    for (const s of this.specs) {
      const found = lookup(s.name);
      if (found === null) throw new CheckpointError(`${source}: missing "${s.name}" (expected shape ${formatShape(s.shape)})`);
      if (found.shape.length !== s.shape.length || found.shape.some((d, i) => d !== s.shape[i])) {
        throw new CheckpointError(`${source}: "${s.name}" has shape ${formatShape(found.shape)}, the config needs ${formatShape(s.shape)}`);
      }
      this.get(s.name).data.set(found.data);
    }
  }

  zeroGrad(): void {
    this.gradFlat.fill(0);
  }
}
