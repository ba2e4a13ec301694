// HRM configuration with the official field names (HierarchicalReasoningModel_ACTV1Config), parsed once at
// the edge, and the values derived from it exactly as the official constructors derive them.
import { ConfigError } from "../../engine/errors.js";
import { describeValue } from "../../util/message-text.js";

/** "none" is TRM-only (its mlp_t Sudoku model has no position signal); HRM accepts rope and learned. */
export type PosEncodings = "rope" | "learned" | "none";
export type ForwardDtype = "float32" | "bfloat16";

export interface HrmConfig {
  /** Rows per ACT call (local batch). */
  readonly batch_size: number;
  /** Task tokens per example (81 Sudoku, 900 maze/ARC). */
  readonly seq_len: number;
  /** Width of a puzzle embedding; 0 = none. Uses ceil(ndim / hidden_size) prefix tokens. */
  readonly puzzle_emb_ndim: number;
  readonly num_puzzle_identifiers: number;
  readonly vocab_size: number;
  readonly H_cycles: number;
  readonly L_cycles: number;
  readonly H_layers: number;
  readonly L_layers: number;
  readonly hidden_size: number;
  /** SwiGLU expansion; width = multiple of 256 above round(expansion·hidden·2/3). May be non-integer. */
  readonly expansion: number;
  readonly num_heads: number;
  readonly pos_encodings: PosEncodings;
  readonly rms_norm_eps: number;
  readonly rope_theta: number;
  readonly halt_max_steps: number;
  readonly halt_exploration_prob: number;
  readonly forward_dtype: ForwardDtype;
  /**
   * The Tiny Recursive Model's halting rule (Jolicoeur-Martineau 2025, its config name), not in the
   * official HRM: halt when q_halt > 0, with no Q-continue target and so no second inner pass per
   * training step (about a third of a step's work). Default false = the official HRM rule.
   */
  readonly no_ACT_continue: boolean;
}

/** Defaults of the official config class (fields without a default are required). */
const defaults: Partial<HrmConfig> = {
  rms_norm_eps: 1e-5,
  rope_theta: 10000.0,
  forward_dtype: "bfloat16",
  puzzle_emb_ndim: 0,
  no_ACT_continue: false,
};

export type FieldKind = "posint" | "nonnegint" | "posnum" | "prob" | "bool" | { enum: readonly string[] };
const fields: Record<keyof HrmConfig, FieldKind> = {
  batch_size: "posint",
  seq_len: "posint",
  puzzle_emb_ndim: "nonnegint",
  num_puzzle_identifiers: "posint",
  vocab_size: "posint",
  H_cycles: "posint",
  L_cycles: "posint",
  H_layers: "posint",
  L_layers: "posint",
  hidden_size: "posint",
  expansion: "posnum",
  num_heads: "posint",
  pos_encodings: { enum: ["rope", "learned"] },
  rms_norm_eps: "posnum",
  rope_theta: "posnum",
  halt_max_steps: "posint",
  halt_exploration_prob: "prob",
  forward_dtype: { enum: ["float32", "bfloat16"] },
  no_ACT_continue: "bool",
};

/** Keys the official constructors accept but ignore. */
const ignoredKeys = new Set(["causal", "name"]);

/**
 * Parse a config object of official fields: unknown keys (other than the ignored ones), missing required
 * keys and wrong types are ConfigErrors naming the field, what was expected and what came. `family` names
 * the config in messages ("HRM", "TRM").
 */
export function parseConfigFields<C>(json: unknown, fields: Readonly<Record<keyof C & string, FieldKind>>, defaults: Partial<C>, family: string, source: string): C {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new ConfigError(`${source}: expected an object of ${family} config fields, got ${json === null ? "null" : Array.isArray(json) ? "an array" : typeof json}`);
  }
  const obj = json as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!(key in fields) && !ignoredKeys.has(key)) {
      throw new ConfigError(`${source}: unknown ${family === "HRM" ? "" : `${family} `}field "${key}"; valid fields: ${Object.keys(fields).join(", ")}`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, kind] of Object.entries(fields) as Array<[keyof C & string, FieldKind]>) {
    const value = key in obj ? obj[key] : defaults[key];
    if (value === undefined) throw new ConfigError(`${source}: missing required field "${key}"`);
    out[key] = checkField(source, key, kind, value);
  }
  return out as C;
}

/**
 * Parse an HRM config object (e.g. config.json's `model_config_effective`). Unknown keys, missing required
 * keys, wrong types and impossible shapes are ConfigErrors naming the field, what was expected and what came.
 */
export function parseHrmConfig(json: unknown, source = "config"): HrmConfig {
  const config = parseConfigFields<HrmConfig>(json, fields, defaults, "HRM", source);
  checkShapes(config, source);
  return config;
}

export function checkField(source: string, key: string, kind: FieldKind, value: unknown): unknown {
  if (typeof kind === "object") {
    if (typeof value !== "string" || !kind.enum.includes(value)) {
      throw new ConfigError(`${source}: "${key}" must be one of ${kind.enum.map((e) => `"${e}"`).join(", ")}, got ${describeValue(value)}`);
    }
    return value;
  }
  if (kind === "bool") {
    if (typeof value !== "boolean") throw new ConfigError(`${source}: "${key}" must be true or false, got ${describeValue(value)}`);
    return value;
  }
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ConfigError(`${source}: "${key}" must be a number, got ${describeValue(value)}`);
  }
  const ok =
    kind === "posint" ? Number.isInteger(value) && value > 0
    : kind === "nonnegint" ? Number.isInteger(value) && value >= 0
    : kind === "posnum" ? value > 0
    : value >= 0 && value <= 1;
  if (!ok) {
    const what = { posint: "a positive integer", nonnegint: "a non-negative integer", posnum: "a positive number", prob: "a probability in [0, 1]" }[kind];
    throw new ConfigError(`${source}: "${key}" must be ${what}, got ${value}`);
  }
  return value;
}

function checkShapes(c: HrmConfig, source: string): void {
  const headDim = Math.floor(c.hidden_size / c.num_heads);
  if (headDim < 1) throw new ConfigError(`${source}: hidden_size ${c.hidden_size} is smaller than num_heads ${c.num_heads}`);
  if (c.pos_encodings === "rope" && headDim % 2 !== 0) {
    throw new ConfigError(`${source}: RoPE needs an even head dim, but hidden_size ${c.hidden_size} / num_heads ${c.num_heads} = ${headDim}`);
  }
}

/** Values derived from the config, as the official modules compute them. */
export interface HrmDims {
  /** P: puzzle-embedding prefix tokens = ceil(puzzle_emb_ndim / hidden_size). */
  readonly puzzleEmbLen: number;
  /** T = seq_len + P. */
  readonly totalSeqLen: number;
  /** HD = hidden_size // num_heads. */
  readonly headDim: number;
  /** I: SwiGLU width. */
  readonly mlpIntermediate: number;
  /** sqrt(hidden_size), applied to the input embedding. */
  readonly embedScale: number;
}

/** Python's round(): half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function deriveDims(c: HrmConfig): HrmDims {
  const puzzleEmbLen = Math.ceil(c.puzzle_emb_ndim / c.hidden_size);
  const inter = roundHalfEven((c.expansion * c.hidden_size * 2) / 3);
  return {
    puzzleEmbLen,
    totalSeqLen: c.seq_len + puzzleEmbLen,
    headDim: Math.floor(c.hidden_size / c.num_heads),
    mlpIntermediate: Math.ceil(inter / 256) * 256,
    embedScale: Math.sqrt(c.hidden_size),
  };
}
