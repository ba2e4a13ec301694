// The training configuration: one typed object with the official names of cfg_pretrain.yaml and the
// arch config (hrm_v1.yaml), plus this project's run settings. Parsed once; unknown keys are errors.
import { ConfigError } from "../engine/errors.js";
import { describeValue } from "../util/message-text.js";
import type { LossType } from "../losses/act-loss-head.js";
import { lossTypes } from "../losses/act-loss-head.js";
import type { ForwardDtype, PosEncodings } from "../model/hrm/config.js";
import type { ModelFamily } from "../model/model.js";

export interface ArchConfig {
  /** Model family: "hrm" (official hrm_v1) or "trm" (the Tiny Recursive Model); default hrm. */
  readonly name: ModelFamily;
  readonly H_cycles: number;
  readonly L_cycles: number;
  readonly H_layers: number;
  readonly L_layers: number;
  readonly hidden_size: number;
  readonly num_heads: number;
  readonly expansion: number;
  /** Width of the puzzle embedding; the official configs use hidden_size. */
  readonly puzzle_emb_ndim: number;
  readonly pos_encodings: PosEncodings;
  readonly halt_max_steps: number;
  readonly halt_exploration_prob: number;
  /** "auto": bfloat16 where the kernels multiply bf16 natively (oneDNN on AVX-512 BF16 / AMX), else float32. */
  readonly forward_dtype: ForwardDtype | "auto";
  readonly rms_norm_eps: number;
  readonly rope_theta: number;
  readonly loss_type: LossType;
  /** TRM's halting rule instead of the official Q-continue target (see HrmConfig); optional, default false (true for TRM). */
  readonly no_ACT_continue: boolean;
  /** TRM only: token-mixing SwiGLU instead of attention (default false). */
  readonly mlp_t: boolean;
  /** TRM only: puzzle-prefix tokens (default 16; 0 = ceil(puzzle_emb_ndim / hidden_size)). */
  readonly puzzle_emb_len: number;
}

export interface TrainConfig {
  readonly data_path: string;
  readonly global_batch_size: number;
  readonly epochs: number;
  readonly eval_interval: number;
  readonly checkpoint_every_eval: boolean;
  readonly lr: number;
  readonly lr_min_ratio: number;
  readonly lr_warmup_steps: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly weight_decay: number;
  readonly puzzle_emb_weight_decay: number;
  readonly puzzle_emb_lr: number;
  readonly seed: number;
  readonly arch: ArchConfig;
  /** Keep an EMA of the parameters (official TRM `ema`); evaluation and `hrm eval`/`solve` use it by default. */
  readonly ema: boolean;
  /** The EMA's mu (official `ema_rate`, 0.999). */
  readonly ema_rate: number;
  /** Rate of update t = min(ema_rate, (1+t)/(10+t)): an average that suits runs of a few hundred steps. */
  readonly ema_warmup: boolean;
  // --- this project's run settings ---
  /** Where checkpoints, metrics.jsonl and pictures go. */
  readonly run_dir: string;
  /** Kernel backend: "auto" (native when built), "native" or "reference". */
  readonly kernels: "auto" | "native" | "wasm" | "reference";
  /** Save a checkpoint every this many steps (0 = only at evaluations and the end). */
  readonly checkpoint_every_steps: number;
  /** Checkpoints kept (older ones are removed). */
  readonly keep_checkpoints: number;
  /** Evaluate on at most this many test examples (0 = all). */
  readonly eval_max_examples: number;
  /** Stop after this many minutes of training (evaluation time not counted; 0 = no limit); evaluates and checkpoints before stopping. */
  readonly max_minutes: number;
  /** Also evaluate every this many steps (0 = only at the end of each eval_interval iteration, as official). */
  readonly eval_every_steps: number;
  /** Stop after this many optimizer steps (0 = the epoch arithmetic's total). */
  readonly max_steps: number;
}

type Kind = "string" | "posint" | "nonnegint" | "int" | "num" | "nonneg" | "prob" | "bool" | { enum: readonly string[] };

const archFields: Record<keyof ArchConfig, Kind> = {
  name: { enum: ["hrm", "trm"] }, mlp_t: "bool", puzzle_emb_len: "nonnegint",
  H_cycles: "posint", L_cycles: "posint", H_layers: "nonnegint", L_layers: "posint", hidden_size: "posint", num_heads: "posint",
  expansion: "num", puzzle_emb_ndim: "nonnegint", pos_encodings: { enum: ["rope", "learned", "none"] }, halt_max_steps: "posint",
  halt_exploration_prob: "prob", forward_dtype: { enum: ["float32", "bfloat16", "auto"] }, rms_norm_eps: "num", rope_theta: "num",
  loss_type: { enum: lossTypes }, no_ACT_continue: "bool",
};
/** Keys that may be left out (added after configs were first written); everything else is required. */
const archDefaults: Readonly<Record<string, unknown>> = { no_ACT_continue: false, name: "hrm", mlp_t: false, puzzle_emb_len: 16 };
const trainDefaults: Readonly<Record<string, unknown>> = { ema: false, ema_rate: 0.999, ema_warmup: false };

const trainFields: Record<Exclude<keyof TrainConfig, "arch">, Kind> = {
  data_path: "string", global_batch_size: "posint", epochs: "posint", eval_interval: "posint", checkpoint_every_eval: "bool",
  lr: "nonneg", lr_min_ratio: "nonneg", lr_warmup_steps: "nonnegint", beta1: "prob", beta2: "prob", weight_decay: "nonneg",
  puzzle_emb_weight_decay: "nonneg", puzzle_emb_lr: "nonneg", seed: "int", run_dir: "string",
  kernels: { enum: ["auto", "native", "wasm", "reference"] }, checkpoint_every_steps: "nonnegint", keep_checkpoints: "posint",
  eval_max_examples: "nonnegint", max_minutes: "nonneg", max_steps: "nonnegint", eval_every_steps: "nonnegint",
  ema: "bool", ema_rate: "prob", ema_warmup: "bool",
};

function check(path: string, kind: Kind, v: unknown): unknown {
  const fail = (what: string): never => { throw new ConfigError(`config: "${path}" must be ${what}, got ${describeValue(v)}`); };
  if (typeof kind === "object") return typeof v === "string" && kind.enum.includes(v) ? v : fail(`one of ${kind.enum.map((e) => `"${e}"`).join(", ")}`);
  if (kind === "string") return typeof v === "string" && v.length > 0 ? v : fail("a non-empty string");
  if (kind === "bool") return typeof v === "boolean" ? v : fail("true or false");
  if (typeof v !== "number" || !Number.isFinite(v)) return fail("a number");
  switch (kind) {
    case "posint": return Number.isInteger(v) && v > 0 ? v : fail("a positive integer");
    case "nonnegint": return Number.isInteger(v) && v >= 0 ? v : fail("a non-negative integer");
    case "int": return Number.isInteger(v) ? v : fail("an integer");
    case "num": return v > 0 ? v : fail("a positive number");
    case "nonneg": return v >= 0 ? v : fail("a non-negative number");
    case "prob": return v >= 0 && v <= 1 ? v : fail("a number in [0, 1]");
  }
}

/** Keys that would reach an object's prototype instead of a config field: never config keys. */
const forbiddenKeys: readonly string[] = ["__proto__", "constructor", "prototype"];

function refuseForbidden(key: string, where: string): void {
  if (forbiddenKeys.includes(key)) throw new ConfigError(`config: key "${key}" is not allowed (${where}); config keys are field names such as lr or arch.hidden_size`);
}

function checkObject(json: unknown, fields: Record<string, Kind>, path: string, nested: Record<string, (v: unknown) => unknown> = {}, defaults: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new ConfigError(`config: "${path || "(root)"}" must be an object`);
  const obj = json as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const valid = [...Object.keys(fields), ...Object.keys(nested)];
  for (const key of Object.keys(obj)) {
    refuseForbidden(key, `in "${path || "(root)"}"`);
    if (!valid.includes(key)) throw new ConfigError(`config: unknown key "${path ? `${path}.` : ""}${key}"; valid keys: ${valid.join(", ")}`);
  }
  for (const key of valid) {
    const present = Object.hasOwn(obj, key);
    if (!present && Object.hasOwn(defaults, key)) {
      out[key] = defaults[key];
      continue;
    }
    if (!present) throw new ConfigError(`config: missing key "${path ? `${path}.` : ""}${key}"`);
    out[key] = key in nested ? nested[key]!(obj[key]) : check(path ? `${path}.${key}` : key, fields[key]!, obj[key]);
  }
  return out;
}

/** Parse a complete training config (e.g. a preset merged with a file and overrides). */
export function parseTrainConfig(json: unknown): TrainConfig {
  const out = checkObject(json, trainFields, "", { arch: (v) => checkObject(v, archFields, "arch", {}, archDefaults) }, trainDefaults);
  const c = out as unknown as TrainConfig;
  if (c.epochs % c.eval_interval !== 0) throw new ConfigError(`config: epochs (${c.epochs}) must be a multiple of eval_interval (${c.eval_interval})`);
  return c;
}

/** Deep-merge `patch` into `base` (objects merge, everything else replaces). */
export function mergeConfig(base: unknown, patch: unknown): unknown {
  if (typeof base !== "object" || base === null || Array.isArray(base) || typeof patch !== "object" || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    refuseForbidden(k, "in a merged config");
    out[k] = Object.hasOwn(out, k) ? mergeConfig(out[k], v) : v;
  }
  return out;
}

/**
 * An override `a.b=value` as a patch object; the value is parsed as JSON when it can be (numbers,
 * booleans), else taken as a string.
 */
export function overrideToPatch(text: string): Record<string, unknown> {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new ConfigError(`override "${text}" must look like key=value (e.g. arch.hidden_size=256)`);
  const path = text.slice(0, eq).split(".");
  for (const key of path) {
    if (key === "") throw new ConfigError(`override "${text}": empty key segment; keys look like arch.hidden_size`);
    refuseForbidden(key, `in override "${text}"`);
  }
  const raw = text.slice(eq + 1);
  let value: unknown;
  try { value = JSON.parse(raw); } catch { value = raw; }
  let patch: Record<string, unknown> = { [path.at(-1)!]: value };
  for (let i = path.length - 2; i >= 0; i--) patch = { [path[i]!]: patch };
  return patch;
}
