// The keys of a golden folder's config.json: which ones the checker applies (run-level settings, optimizer and
// unit-test hyper-parameters, call counts) and which ones only document how the folder was made. A key that is
// neither is reported, so that a setting the checker does not know can never be silently ignored.
//
// Run-level settings (a run may differ from the model config, trm-spec §9):
//   variant.halt_exploration_prob        the variant run's exploration probability (default: the model config's)
//   variant.q_bias                       the variant q_head.bias, checked against variant/params
//   variant.exploration_draws_recorded   (HRM folders) draws stored for every variant/train call
//   exploration_draws_recorded.{train,poststep,variant_train}   the same per run (TRM folders)
//   train_calls, eval_calls, variant_train_calls                 how many calls each run recorded
import { ConfigError } from "../engine/errors.js";
import { describeValue } from "../util/message-text.js";

/** `true`: a leaf (or a free-form object) the checker reads or that documents the folder; an object: its keys. */
type Schema = { readonly [key: string]: true | Schema };

const optimUnitSchema: Schema = {
  adam: { lr: true, betas: true, weight_decay: true, steps: true },
  signsgd: { lr: true, weight_decay: true },
  ema: { mu: true, steps: true },
};

export const configSchema: Schema = {
  // Applied.
  model_family: true, loss_type: true, model_config_passed: true, model_config_effective: true, global_batch_size: true,
  recommended_replay: true, ignore_label_id: true, train_calls: true, eval_calls: true, variant_train_calls: true,
  exploration_draws_recorded: { train: true, poststep: true, variant_train: true },
  variant: { description: true, q_bias: true, halt_exploration_prob: true, exploration_draws_recorded: true },
  optimizer: {
    lr: true, betas: true, weight_decay: true, puzzle_emb_lr: true, puzzle_emb_weight_decay: true,
    params: true, puzzle_emb: true, hparams_source: true, lr_schedule_note: true, grad_scale: true,
  },
  ema: { enabled: true, ema_rate: true, helper: true, covers: true, arithmetic: true },
  optim_unit: optimUnitSchema,
  seeds: { loop: true, model: true, data: true, variant: true, unit: true },
  // Documentation of how the folder was made (free-form where an object).
  set: true, official_repo: true, official_commit: true, official_files_sha256: true, torch_version: true, device: true,
  torch_num_threads: true, model_class: true, loss_head: true, derived: true, official_arch_yaml: true,
  shims_applied: true, shim_docs: true, float64_tensors: true, f64_deviation: true, notes: true, files: true,
};

/** Dotted paths of the keys of `json` that `schema` does not know, in document order. */
export function unknownKeys(json: Record<string, unknown>, schema: Schema = configSchema, prefix = ""): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(json)) {
    const s = schema[key];
    if (s === undefined) out.push(`${prefix}${key}`);
    else if (s !== true && typeof value === "object" && value !== null && !Array.isArray(value)) {
      out.push(...unknownKeys(value as Record<string, unknown>, s, `${prefix}${key}.`));
    }
  }
  return out;
}

/** The train-mode runs a golden folder may hold, with the key of each in `exploration_draws_recorded`. */
export const trainRuns = { train: "train", poststep: "poststep", "variant/train": "variant_train" } as const;
export type TrainRun = keyof typeof trainRuns;

export interface RunSettings {
  /** Exploration probability of each train-mode run. */
  readonly explorationProb: Readonly<Record<TrainRun, number>>;
  /** Whether config.json says the run stores its exploration draws (undefined: it does not say). */
  readonly drawsRecorded: Readonly<Record<TrainRun, boolean | undefined>>;
  /** variant.q_bias, when given. */
  readonly variantQBias: readonly number[] | undefined;
  /** Declared call counts per run (train_calls, eval_calls, variant_train_calls). */
  readonly calls: Readonly<Partial<Record<"train" | "eval" | "variant/train", number>>>;
}

function objectAt(cfg: Record<string, unknown>, key: string, where: string): Record<string, unknown> | undefined {
  const v = cfg[key];
  if (v === undefined) return undefined;
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new ConfigError(`${where}: "${key}" must be an object, got ${describeValue(v)}`);
  return v as Record<string, unknown>;
}

function boolAt(o: Record<string, unknown> | undefined, key: string, where: string): boolean | undefined {
  const v = o?.[key];
  if (v === undefined || typeof v === "boolean") return v;
  throw new ConfigError(`${where}: "${key}" must be true or false, got ${describeValue(v)}`);
}

function countAt(cfg: Record<string, unknown>, key: string, where: string): number | undefined {
  const v = cfg[key];
  if (v === undefined) return undefined;
  if (typeof v === "number" && Number.isInteger(v) && v >= 0) return v;
  throw new ConfigError(`${where}: "${key}" must be a non-negative integer, got ${describeValue(v)}`);
}

/** Read the run-level settings of config.json (`where` names the file in errors); `modelProb` is the model config's. */
export function parseRunSettings(cfg: Record<string, unknown>, modelProb: number, where: string): RunSettings {
  const variant = objectAt(cfg, "variant", where);
  const recorded = objectAt(cfg, "exploration_draws_recorded", where);
  let variantProb = modelProb;
  const p = variant?.["halt_exploration_prob"];
  if (p !== undefined) {
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) throw new ConfigError(`${where}: "variant.halt_exploration_prob" must be a number in [0, 1], got ${describeValue(p)}`);
    variantProb = p;
  }
  const q = variant?.["q_bias"];
  if (q !== undefined && !(Array.isArray(q) && q.length === 2 && q.every((x) => typeof x === "number"))) {
    throw new ConfigError(`${where}: "variant.q_bias" must be two numbers, got ${describeValue(q)}`);
  }
  const variantRecorded = boolAt(recorded, "variant_train", `${where} exploration_draws_recorded`);
  const variantRecordedOwn = boolAt(variant, "exploration_draws_recorded", `${where} variant`);
  if (variantRecorded !== undefined && variantRecordedOwn !== undefined && variantRecorded !== variantRecordedOwn) {
    throw new ConfigError(`${where}: "exploration_draws_recorded.variant_train" (${variantRecorded}) contradicts "variant.exploration_draws_recorded" (${variantRecordedOwn})`);
  }
  const calls: Partial<Record<"train" | "eval" | "variant/train", number>> = {};
  for (const [run, key] of [["train", "train_calls"], ["eval", "eval_calls"], ["variant/train", "variant_train_calls"]] as const) {
    const n = countAt(cfg, key, where);
    if (n !== undefined) calls[run] = n;
  }
  return {
    explorationProb: { train: modelProb, poststep: modelProb, "variant/train": variantProb },
    drawsRecorded: {
      train: boolAt(recorded, "train", `${where} exploration_draws_recorded`),
      poststep: boolAt(recorded, "poststep", `${where} exploration_draws_recorded`),
      "variant/train": variantRecorded ?? variantRecordedOwn,
    },
    variantQBias: q as number[] | undefined,
    calls,
  };
}
