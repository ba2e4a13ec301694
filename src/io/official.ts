// Official checkpoints both ways, for both model families: sapientinc/HRM (`hrm.hrm_act_v1@
// HierarchicalReasoningModel_ACTV1`) and SamsungSAILMontreal/TinyRecursiveModels (`recursive_reasoning.trm@
// TinyRecursiveReasoningModel_ACTV1`, trm-spec §5).
//   import: a `torch.save(model.state_dict())` file (keys `_orig_mod.model.inner.*`) plus its config
//     (`all_config.yaml`, the pydantic dump written next to official checkpoints, or a config.json with
//     `model_config_effective` as in shared/reference) -> our checkpoint folder (config.json {train: null,
//     model_family, model, official}, model.safetensors), written atomically. The family comes from the
//     config: `model_family` (config.json), `arch.name` (all_config.yaml) or `model_class`. The official config
//     leaves out the data-derived fields; they come from tensor shapes: vocab_size from embed_tokens,
//     num_puzzle_identifiers from puzzle_emb.weights, seq_len from embed_pos (learned positions), for TRM also
//     from the mlp_t weights (their T = seq_len + puzzle_emb_len), or else the caller (RoPE has no position
//     table). Every value the config does state is checked against the shapes. A TRM checkpoint is the EMA
//     copy when the official run had ema=True (every README command): EMA parameters + live buffers; it is
//     imported as the folder's model weights, and config.json's `official.weights` says so.
//   export: our checkpoint folder -> a torch.save zip the official code loads (state_dict order, H_init/L_init
//     in BF16 for bfloat16 models; the EMA weights when the folder has them, as the official TRM pretrain
//     saves its EMA copy) and an `all_config.yaml` next to it whose `arch.name` names the family's class.
import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { CheckpointError, ConfigError } from "../engine/errors.js";
import { formatShape } from "../engine/tensor.js";
import type { HrmConfig } from "../model/hrm/config.js";
import { deriveDims, parseHrmConfig } from "../model/hrm/config.js";
import type { ParamSpec } from "../model/hrm/params.js";
import { ModelParams, paramSpecs } from "../model/hrm/params.js";
import type { ModelConfig, ModelFamily } from "../model/model.js";
import { familyOf, parseFamily, parseModelConfig } from "../model/model.js";
import type { TrmConfig } from "../model/trm/config.js";
import { deriveTrmDims, isTrmConfig, parseTrmConfig } from "../model/trm/config.js";
import { trmParamSpecs } from "../model/trm/params.js";
import type { WeightChoice } from "./checkpoint-model-node.js";
import { buildDirAtomic, writeFileAtomicSync } from "../util/atomic.js";
import { COMPILED_PREFIX, bareKey, loadModelTensors, modelTensors } from "./model-weights.js";
import { clipText, describeValue } from "../util/message-text.js";
import type { StoredTensor } from "./safetensors.js";
import { toFloat32 } from "./safetensors.js";
import { readSafetensors, writeSafetensors } from "./safetensors-node.js";
import { readTorchCheckpoint, writeTorchCheckpoint } from "./torch-checkpoint.js";
import type { YamlValue } from "./yaml.js";
import { dumpYaml, parseYaml } from "./yaml.js";

/** HrmConfig fields (official names) as the official HRM config class has them. */
const MODEL_KEYS: readonly (keyof HrmConfig)[] = [
  "batch_size", "seq_len", "puzzle_emb_ndim", "num_puzzle_identifiers", "vocab_size", "H_cycles", "L_cycles", "H_layers",
  "L_layers", "hidden_size", "expansion", "num_heads", "pos_encodings", "rms_norm_eps", "rope_theta", "halt_max_steps",
  "halt_exploration_prob", "forward_dtype",
];
/** TrmConfig fields (official names, TinyRecursiveReasoningModel_ACTV1Config order). */
const TRM_MODEL_KEYS: readonly (keyof TrmConfig)[] = [...MODEL_KEYS, "mlp_t", "puzzle_emb_len", "no_ACT_continue"];
/** Fields only the TRM config has: a config that states them and names no family is TRM's. */
const TRM_ONLY_KEYS: readonly string[] = ["mlp_t", "puzzle_emb_len"];
/** Fields the official create_model adds from the dataset metadata; never in the `arch` section. */
const DATA_KEYS: ReadonlySet<string> = new Set(["batch_size", "seq_len", "vocab_size", "num_puzzle_identifiers"]);
/** The comment line our exported all_config.yaml carries so that a re-import needs no --seq-len. */
const MODEL_COMMENT = "# hrm-model-config: ";

export const OFFICIAL_ARCH_NAME = "hrm.hrm_act_v1@HierarchicalReasoningModel_ACTV1";
export const OFFICIAL_TRM_ARCH_NAME = "recursive_reasoning.trm@TinyRecursiveReasoningModel_ACTV1";
export const OFFICIAL_LOSS_NAME = "losses@ACTLossHead";
/** The official `arch.name` of each family (a module path under `models.`, then `@` and the class). */
export const OFFICIAL_ARCH_NAMES: Readonly<Record<ModelFamily, string>> = { hrm: OFFICIAL_ARCH_NAME, trm: OFFICIAL_TRM_ARCH_NAME };

/** The family an official `arch.name` (or a `model_class` with the `models.` prefix) names; null for any other model. */
export function familyOfArchName(name: string): ModelFamily | null {
  const bare = name.startsWith("models.") ? name.slice("models.".length) : name;
  if (bare === OFFICIAL_ARCH_NAME) return "hrm";
  if (bare === OFFICIAL_TRM_ARCH_NAME) return "trm";
  return null;
}

export interface OfficialConfigDoc {
  readonly path: string;
  /** The model family the file names (HRM when it names none and has no TRM-only field). */
  readonly family: ModelFamily;
  /** What said so, for messages ("arch.name ...", "model_family", ...). */
  readonly familySource: string;
  /** Model fields the file states (official names; data-derived ones may be missing). */
  readonly fields: Readonly<Record<string, unknown>>;
  /** Where the fields came from, for messages. */
  readonly section: string;
  readonly lossType: string | null;
  readonly globalBatchSize: number | null;
  /** Keys of the model section that are not model fields (e.g. arch.name, arch.loss), not used. */
  readonly ignored: readonly string[];
  /** The whole parsed document, kept in our config.json so that export can write it back. */
  readonly raw: YamlValue;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The family a config names: model_family, arch.name and model_class must agree; else TRM-only fields; else HRM. */
function resolveFamily(raw: Record<string, unknown>, model: Record<string, unknown>, path: string): { family: ModelFamily; from: string } {
  const claims: Array<{ family: ModelFamily; from: string }> = [];
  if (raw["model_family"] !== undefined) {
    const family = parseFamily(raw["model_family"], `${path} model_family`);
    claims.push({ family, from: `"model_family": "${family}"` });
  }
  const named = (where: string, name: unknown): void => {
    if (typeof name !== "string") return;
    const family = familyOfArchName(name);
    if (family === null) {
      throw new ConfigError(`${path}: ${where} "${name}" is neither the official HRM (${OFFICIAL_ARCH_NAME}) nor the official TRM (${OFFICIAL_TRM_ARCH_NAME}); this port imports only those two models`);
    }
    claims.push({ family, from: `${where} "${name}"` });
  };
  if (isObject(raw["arch"])) named("arch.name", raw["arch"]["name"]);
  named("model_class", raw["model_class"]);
  const first = claims[0];
  if (first !== undefined) {
    const other = claims.find((c) => c.family !== first.family);
    if (other !== undefined) throw new ConfigError(`${path}: ${first.from} says ${first.family.toUpperCase()}, but ${other.from} says ${other.family.toUpperCase()}`);
    return first;
  }
  const trmOnly = TRM_ONLY_KEYS.filter((k) => k in model);
  if (trmOnly.length > 0) return { family: "trm", from: `its TRM-only field(s) ${trmOnly.join(", ")}` };
  return { family: "hrm", from: "no model_family or arch.name (HRM by default)" };
}

/** Read an official config: all_config.yaml (pydantic dump), or JSON (model_config_effective / model / flat). */
export function readOfficialConfig(path: string): OfficialConfigDoc {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ConfigError(`${path}: cannot read the config (${(e as Error).message})`);
  }
  let raw: YamlValue;
  const json = /\.json$/i.test(path) || text.trimStart().startsWith("{");
  if (json) {
    try {
      raw = JSON.parse(text) as YamlValue;
    } catch (e) {
      throw new ConfigError(`${path}: not valid JSON (${clipText((e as Error).message, 160)})`);
    }
  } else raw = parseYaml(text, path);
  if (!isObject(raw)) throw new ConfigError(`${path}: expected a mapping of config fields at the top level`);
  const comment = text.split(/\r?\n/).find((l) => l.startsWith(MODEL_COMMENT));
  let section: string, model: Record<string, unknown>;
  if (comment !== undefined) {
    section = "the hrm-model-config comment";
    try {
      model = JSON.parse(comment.slice(MODEL_COMMENT.length)) as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError(`${path}: the "${MODEL_COMMENT.trim()}" comment is not valid JSON (${clipText((e as Error).message, 160)})`);
    }
  } else if (isObject(raw["model_config_effective"])) [section, model] = ["model_config_effective", raw["model_config_effective"]];
  else if (isObject(raw["model_config_passed"])) [section, model] = ["model_config_passed", raw["model_config_passed"]];
  else if (isObject(raw["arch"])) [section, model] = ["arch", raw["arch"]];
  else if (isObject(raw["model"])) [section, model] = ["model", raw["model"]];
  else [section, model] = ["(top level)", raw];
  const { family, from } = resolveFamily(raw, model, path);
  const keys: readonly string[] = family === "trm" ? TRM_MODEL_KEYS : MODEL_KEYS;
  const fields: Record<string, unknown> = {};
  const ignored: string[] = [];
  for (const [k, v] of Object.entries(model)) {
    if (keys.includes(k)) fields[k] = v;
    else if (k !== "causal") ignored.push(k);
  }
  const arch = isObject(raw["arch"]) ? raw["arch"] : {};
  const loss = isObject(arch["loss"]) ? arch["loss"] : {};
  const lossType = [loss["loss_type"], raw["loss_type"], isObject(raw["train"]) && isObject(raw["train"]["arch"]) ? raw["train"]["arch"]["loss_type"] : undefined]
    .find((v): v is string => typeof v === "string") ?? null;
  const gbs = raw["global_batch_size"];
  return { path, family, familySource: from, fields, section, lossType, globalBatchSize: typeof gbs === "number" ? gbs : null, ignored: section === "(top level)" ? [] : ignored, raw };
}

export interface InferOptions {
  /** seq_len for RoPE checkpoints whose config does not state it. */
  readonly seqLen?: number;
  /** Replace the config's forward_dtype (the weights are the same in both). */
  readonly forwardDtype?: HrmConfig["forward_dtype"];
}

/** Fills `fields` from tensor shapes, refusing any value the config states differently. */
type Setter = (key: string, value: number | boolean | string, from: string) => void;

/** `name [shape]`, for messages. */
const described = (name: string, t: StoredTensor): string => `${name} ${formatShape(t.shape)}`;

/** The full model config of a checkpoint: the file's fields, the data-derived ones from tensor shapes. */
export function inferModelConfig(doc: OfficialConfigDoc, tensors: ReadonlyMap<string, StoredTensor>, source: string, opts: InferOptions = {}): ModelConfig {
  const bare = new Map<string, StoredTensor>();
  for (const [k, t] of tensors) bare.set(bareKey(k), t);
  const fields: Record<string, unknown> = { ...doc.fields };
  const emb = bare.get("embed_tokens.embedding_weight");
  const familyName = doc.family.toUpperCase();
  if (emb === undefined || emb.shape.length !== 2) {
    const keys = [...tensors.keys()];
    throw new CheckpointError(`${source}: no 2-D "embed_tokens.embedding_weight" tensor, so this is not an ${familyName} checkpoint; it has ${keys.length} tensors${keys.length ? `: ${keys.slice(0, 4).map((k) => `"${k}"`).join(", ")}${keys.length > 4 ? ", ..." : ""}` : ""}`);
  }
  const set: Setter = (key, value, from) => {
    const stated = fields[key];
    if (stated !== undefined && stated !== value) {
      throw new CheckpointError(`${source}: ${doc.path} (${doc.section}) says ${key}=${describeValue(stated)}, but ${from} gives ${describeValue(value)}`);
    }
    fields[key] = value;
  };
  set("vocab_size", emb.shape[0]!, described("embed_tokens.embedding_weight", emb));
  set("hidden_size", emb.shape[1]!, described("embed_tokens.embedding_weight", emb));
  const pe = bare.get("puzzle_emb.weights");
  if (pe !== undefined && pe.shape.length === 2) {
    set("num_puzzle_identifiers", pe.shape[0]!, described("puzzle_emb.weights", pe));
    set("puzzle_emb_ndim", pe.shape[1]!, described("puzzle_emb.weights", pe));
  } else {
    set("puzzle_emb_ndim", 0, "the absence of puzzle_emb.weights");
    if (fields["num_puzzle_identifiers"] === undefined) fields["num_puzzle_identifiers"] = 1;
  }
  if (doc.family === "trm") inferTrmSeqLen(doc, bare, fields, set, source, opts);
  else inferHrmSeqLen(doc, bare, fields, set, source, opts);
  if (fields["batch_size"] === undefined) fields["batch_size"] = doc.globalBatchSize ?? 1;
  if (opts.forwardDtype !== undefined) fields["forward_dtype"] = opts.forwardDtype;
  const where = `${doc.path} (${doc.section})`;
  return doc.family === "trm" ? parseTrmConfig(fields, where) : parseHrmConfig(fields, where);
}

/** HRM: seq_len from embed_pos [seq_len + ceil(puzzle_emb_ndim / D), D], or the config, or --seq-len. */
function inferHrmSeqLen(doc: OfficialConfigDoc, bare: ReadonlyMap<string, StoredTensor>, fields: Record<string, unknown>, set: Setter, source: string, opts: InferOptions): void {
  const D = fields["hidden_size"] as number;
  const pos = bare.get("embed_pos.embedding_weight");
  if (fields["pos_encodings"] === undefined) fields["pos_encodings"] = pos !== undefined ? "learned" : "rope";
  if (pos !== undefined && pos.shape.length === 2) {
    const P = Math.ceil((fields["puzzle_emb_ndim"] as number) / D);
    set("seq_len", pos.shape[0]! - P, `embed_pos.embedding_weight ${formatShape(pos.shape)} minus ${P} puzzle position(s)`);
    if (opts.seqLen !== undefined) set("seq_len", opts.seqLen, "--seq-len");
  } else if (fields["seq_len"] === undefined) {
    if (opts.seqLen === undefined) {
      throw new ConfigError(`${source}: seq_len is not in ${doc.path} and a RoPE checkpoint has no position table to read it from; pass --seq-len (81 for Sudoku, 900 for 30x30 Maze and ARC)`);
    }
    fields["seq_len"] = opts.seqLen;
  } else if (opts.seqLen !== undefined) set("seq_len", opts.seqLen, "--seq-len");
}

/**
 * TRM: mlp_t from the presence of token-MLP weights; the T = seq_len + P of the learned positions
 * (embed_pos [T, D]) and of the token MLP (mlp_t.gate_up_proj [2·W, T], mlp_t.down_proj [T, W]) gives seq_len,
 * with P = puzzle_emb_len (0: ceil(puzzle_emb_ndim / D)); else the config, else --seq-len.
 */
function inferTrmSeqLen(doc: OfficialConfigDoc, bare: ReadonlyMap<string, StoredTensor>, fields: Record<string, unknown>, set: Setter, source: string, opts: InferOptions): void {
  const D = fields["hidden_size"] as number;
  const mlpT = [...bare.keys()].filter((k) => /^L_level\.layers\.\d+\.mlp_t\./.test(k));
  const attn = [...bare.keys()].find((k) => /^L_level\.layers\.\d+\.self_attn\./.test(k));
  if (mlpT.length > 0) set("mlp_t", true, `the token-MLP tensor ${described(mlpT[0]!, bare.get(mlpT[0]!)!)}`);
  else if (attn !== undefined) set("mlp_t", false, `the attention tensor ${described(attn, bare.get(attn)!)} (and no mlp_t tensors)`);
  const pos = bare.get("embed_pos.embedding_weight");
  if (fields["pos_encodings"] === undefined) fields["pos_encodings"] = pos !== undefined ? "learned" : mlpT.length > 0 ? "none" : "rope";
  const statedLen = fields["puzzle_emb_len"] ?? 16; // the official config's default
  if (typeof statedLen !== "number" || !Number.isInteger(statedLen) || statedLen < 0) {
    throw new ConfigError(`${doc.path} (${doc.section}): "puzzle_emb_len" must be a non-negative integer, got ${describeValue(statedLen)}`);
  }
  const P = statedLen === 0 ? Math.ceil((fields["puzzle_emb_ndim"] as number) / D) : statedLen;
  // every tensor whose size is T, with the axis that holds it
  const sources: Array<{ name: string; axis: number }> = [{ name: "embed_pos.embedding_weight", axis: 0 }];
  for (const k of mlpT) {
    if (k.endsWith(".mlp_t.gate_up_proj.weight")) sources.push({ name: k, axis: 1 });
    else if (k.endsWith(".mlp_t.down_proj.weight")) sources.push({ name: k, axis: 0 });
  }
  let fromShapes = false;
  for (const { name, axis } of sources) {
    const t = bare.get(name);
    if (t === undefined || t.shape.length !== 2) continue;
    const T = t.shape[axis]!;
    const what = `${described(name, t)} (T = ${T} = seq_len + ${P} puzzle positions)`;
    if (T <= P) throw new CheckpointError(`${source}: ${what} leaves no token positions; puzzle_emb_len ${statedLen} in ${doc.path} does not fit this checkpoint`);
    set("seq_len", T - P, what);
    fromShapes = true;
  }
  if (opts.seqLen !== undefined) {
    if (fromShapes || fields["seq_len"] !== undefined) set("seq_len", opts.seqLen, "--seq-len");
    else fields["seq_len"] = opts.seqLen;
  } else if (fields["seq_len"] === undefined) {
    throw new ConfigError(`${source}: seq_len is not in ${doc.path} and this TRM checkpoint (${fields["pos_encodings"] as string} positions, no mlp_t) has no tensor of length seq_len + puzzle_emb_len to read it from; pass --seq-len (81 for Sudoku, 900 for 30x30 Maze and ARC)`);
  }
}

/** The parameter and buffer specs of a config's family, in state_dict order. */
export function familySpecs(config: ModelConfig): ParamSpec[] {
  return isTrmConfig(config) ? trmParamSpecs(config) : paramSpecs(config);
}

/** One line naming what shapes a config's tensors, for messages about unexpected tensors. */
function shapeFields(c: ModelConfig): string {
  const common = `L_layers=${c.L_layers}, hidden_size=${c.hidden_size}, pos_encodings=${c.pos_encodings}, puzzle_emb_ndim=${c.puzzle_emb_ndim}`;
  return isTrmConfig(c) ? `TRM: mlp_t=${c.mlp_t}, ${common}, puzzle_emb_len=${c.puzzle_emb_len}` : `HRM: H_layers=${c.H_layers}, ${common}`;
}

/** A strict load_state_dict into fresh parameters: every name, every shape, nothing extra. */
function loadStrict(config: ModelConfig, tensors: ReadonlyMap<string, StoredTensor>, source: string): ModelParams {
  const params = new ModelParams(familySpecs(config));
  const unexpected = [...tensors.keys()].filter((k) => !params.has(bareKey(k)));
  if (unexpected.length > 0) {
    throw new CheckpointError(`${source}: unexpected tensors ${unexpected.slice(0, 5).map((k) => `"${k}"`).join(", ")}${unexpected.length > 5 ? ` and ${unexpected.length - 5} more` : ""} for this model config (${shapeFields(config)})`);
  }
  loadModelTensors({ config, params }, tensors, source);
  return params;
}

export interface ImportOptions extends InferOptions {
  /** Replace an existing output folder. */
  readonly force?: boolean;
}

/** What an official TRM checkpoint holds, from its config's `ema` (trm-spec §5). */
export interface ImportedWeights {
  /** "ema": EMA parameters + live buffers (ema=True); "live": the trained parameters (ema=False). */
  readonly kind: "ema" | "live";
  /** Whether the config said so (false: assumed EMA, as every README command runs with ema=True). */
  readonly stated: boolean;
  readonly note: string;
}

export interface ImportResult {
  readonly family: ModelFamily;
  readonly config: ModelConfig;
  readonly outDir: string;
  readonly tensorCount: number;
  readonly lossType: string | null;
  readonly ignored: readonly string[];
  /** TRM: which weights the checkpoint holds (imported as model.safetensors); null for HRM (no EMA). */
  readonly weights: ImportedWeights | null;
}

/** The weights an official TRM checkpoint holds: all_config.yaml `ema: bool`, a golden config.json `ema.enabled`. */
function trmImportedWeights(raw: YamlValue): ImportedWeights {
  const doc = isObject(raw) ? raw : {};
  const ema = isObject(doc["ema"]) ? doc["ema"]["enabled"] : doc["ema"];
  const copy = "imported as this folder's model weights (model.safetensors; there is no ema.safetensors, so every command loads them)";
  if (ema === false) return { kind: "live", stated: true, note: `ema=False in the official config: the checkpoint holds the live parameters and buffers, ${copy}` };
  const what = "the official TRM pretrain saves its EMA copy: the EMA parameters with the live buffers H_init, L_init and puzzle_emb.weights";
  if (ema === true) return { kind: "ema", stated: true, note: `ema=True in the official config: ${what}, ${copy}` };
  return { kind: "ema", stated: false, note: `assumed EMA (the config does not say; every official README command trains with ema=True): ${what}, ${copy}` };
}

/** Official checkpoint + config -> our checkpoint folder (atomic). */
export async function importOfficialCheckpoint(checkpoint: string, configPath: string, outDir: string, opts: ImportOptions = {}): Promise<ImportResult> {
  const doc = readOfficialConfig(configPath);
  const tensors = readTorchCheckpoint(checkpoint);
  const config = inferModelConfig(doc, tensors, checkpoint, opts);
  const holder = { config, params: loadStrict(config, tensors, checkpoint) };
  const weights = doc.family === "trm" ? trmImportedWeights(doc.raw) : null;
  const meta = {
    train: null,
    model_family: doc.family,
    model: config,
    official: {
      checkpoint: resolve(checkpoint),
      config_file: resolve(configPath),
      family_from: doc.familySource,
      loss_type: doc.lossType,
      ...(weights !== null ? { weights: weights.kind, weights_note: weights.note } : {}),
      config: doc.raw,
    },
  };
  await buildDirAtomic(outDir, async (tmp) => {
    await writeFile(join(tmp, "config.json"), JSON.stringify(meta, null, 2) + "\n");
    writeSafetensors(join(tmp, "model.safetensors"), modelTensors(holder), { format: "hrm", source: "official import" });
  }, { overwrite: opts.force ?? false, cleanupOnSignal: true });
  return { family: doc.family, config, outDir, tensorCount: tensors.size, lossType: doc.lossType, ignored: doc.ignored, weights };
}

/** Our checkpoint folder's config.json as a loose object (train, model_family, model, official). */
function readFolderMeta(dir: string): Record<string, unknown> {
  const path = join(dir, "config.json");
  if (!existsSync(path)) throw new CheckpointError(`${dir}: no config.json; expected a checkpoint folder (config.json, model.safetensors)`);
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new CheckpointError(`${path}: not valid JSON (${clipText((e as Error).message, 160)})`);
  }
  if (!isObject(v) || v["model"] === undefined) throw new CheckpointError(`${path}: no "model" config`);
  return v;
}

/** The EMA copy of a run that kept one (src/train/checkpoint.ts): the Adam parameters only, `model.inner.*`. */
const EMA_FILE = "ema.safetensors";

/** Overwrite the Adam parameters with the folder's EMA copy (ema.safetensors: every Adam parameter, nothing else). */
function loadEmaInto(dir: string, params: ModelParams): void {
  const path = join(dir, EMA_FILE);
  const tensors = readSafetensors(path).tensors;
  const byName = new Map<string, StoredTensor>();
  for (const [k, t] of tensors) byName.set(bareKey(k), t);
  const adam = params.specs.filter((s) => s.role === "adam");
  const extra = [...byName.keys()].filter((k) => !adam.some((s) => s.name === k));
  if (extra.length > 0) throw new CheckpointError(`${path}: tensors that are not parameters of this model: ${extra.slice(0, 5).map((k) => `"${k}"`).join(", ")}`);
  for (const s of adam) {
    const t = byName.get(s.name);
    if (t === undefined) throw new CheckpointError(`${path}: missing the EMA copy of "${s.name}" (expected shape ${formatShape(s.shape)})`);
    if (t.shape.length !== s.shape.length || t.shape.some((d, i) => d !== s.shape[i])) {
      throw new CheckpointError(`${path}: "${s.name}" has shape ${formatShape(t.shape)}, the config needs ${formatShape(s.shape)}`);
    }
    params.get(s.name).data.set(toFloat32(t));
  }
}

export interface FolderWeights {
  readonly family: ModelFamily;
  readonly config: ModelConfig;
  readonly params: ModelParams;
  readonly meta: Record<string, unknown>;
  /** Which weights `params` holds: the EMA copy (EMA parameters + live buffers) or the live ones. */
  readonly weights: "ema" | "live";
}

/**
 * The config and weights of a checkpoint folder, without building a model (any forward_dtype). `weights`:
 * "auto" takes the EMA copy when the folder has ema.safetensors (as loadCheckpointModel does), "ema" requires it,
 * "live" ignores it.
 */
export function loadCheckpointWeights(dir: string, weights: WeightChoice = "auto"): FolderWeights {
  const meta = readFolderMeta(dir);
  const family = parseFamily(meta["model_family"], `${dir}/config.json model_family`);
  const config = parseModelConfig(meta["model"], family, `${dir}/config.json model`);
  const params = new ModelParams(familySpecs(config));
  loadModelTensors({ config, params }, readSafetensors(join(dir, "model.safetensors")).tensors, `${dir}/model.safetensors`);
  const ema = existsSync(join(dir, EMA_FILE));
  if (weights === "ema" && !ema) throw new CheckpointError(`${dir}: no ${EMA_FILE} (the run kept no EMA); export the live weights (--weights live or auto)`);
  const useEma = ema && weights !== "live";
  if (useEma) loadEmaInto(dir, params);
  return { family, config, params, meta, weights: useEma ? "ema" : "live" };
}

/** The loss type a checkpoint folder was trained with, when it says (train.arch.loss_type or the official config). */
export function checkpointLossType(dir: string): string | null {
  const meta = readFolderMeta(dir);
  const train = meta["train"], official = meta["official"];
  if (isObject(train) && isObject(train["arch"]) && typeof train["arch"]["loss_type"] === "string") return train["arch"]["loss_type"];
  if (isObject(official) && typeof official["loss_type"] === "string") return official["loss_type"];
  return null;
}

/** Defaults of the official HRM config/cfg_pretrain.yaml for fields our folder does not know. */
const PRETRAIN_DEFAULTS: Record<string, YamlValue> = {
  data_path: "data/REPLACE-with-your-dataset", global_batch_size: 768, epochs: 100000, eval_interval: 10000, checkpoint_every_eval: true,
  lr: 1e-4, lr_min_ratio: 1.0, lr_warmup_steps: 2000, beta1: 0.9, beta2: 0.95, weight_decay: 0.1, puzzle_emb_weight_decay: 0.1,
  puzzle_emb_lr: 1e-2, seed: 0, project_name: null, run_name: null, checkpoint_path: null, eval_save_outputs: [],
};
/**
 * Defaults of the official TRM PretrainConfig (config/cfg_pretrain.yaml, trm-spec §6): a list `data_paths`,
 * EMA and fine-tuning fields; `evaluators` empty (the pydantic default; cfg_pretrain's arc@ARC suits ARC data only).
 */
const TRM_PRETRAIN_DEFAULTS: Record<string, YamlValue> = {
  data_paths: ["data/REPLACE-with-your-dataset"], data_paths_test: [], evaluators: [], global_batch_size: 768, epochs: 100000,
  eval_interval: 10000, checkpoint_every_eval: true, lr: 1e-4, lr_min_ratio: 1.0, lr_warmup_steps: 2000, beta1: 0.9, beta2: 0.95,
  weight_decay: 0.1, puzzle_emb_weight_decay: 0.1, puzzle_emb_lr: 1e-2, seed: 0, min_eval_interval: 0, ema: false, ema_rate: 0.999,
  freeze_weights: false, project_name: null, run_name: null, load_checkpoint: null, checkpoint_path: null, eval_save_outputs: [],
};
const FLOAT_KEYS: ReadonlySet<string> = new Set(["lr", "lr_min_ratio", "beta1", "beta2", "weight_decay", "puzzle_emb_weight_decay", "puzzle_emb_lr", "expansion", "halt_exploration_prob", "rms_norm_eps", "rope_theta", "ema_rate"]);

/** The training fields of an all_config.yaml from our training config (official names), else the family's defaults. */
function pretrainFields(family: ModelFamily, train: unknown): { [key: string]: YamlValue } {
  const t = isObject(train) ? train : {};
  const doc: { [key: string]: YamlValue } = {};
  const defaults = family === "trm" ? TRM_PRETRAIN_DEFAULTS : PRETRAIN_DEFAULTS;
  for (const [k, v] of Object.entries(defaults)) doc[k] = t[k] !== undefined ? (t[k] as YamlValue) : v;
  if (family === "trm" && typeof t["data_path"] === "string") doc["data_paths"] = [t["data_path"]]; // TRM takes a list
  return doc;
}

/**
 * The all_config.yaml document for a checkpoint folder: the imported official config when there is one,
 * else our training config in the official layout, else the official defaults; `arch` always carries the
 * folder's model fields (never the data-derived ones, which official create_model adds itself) and, as
 * `name`, the official class of the folder's family.
 */
export function officialAllConfig(config: ModelConfig, meta: Record<string, unknown>): { [key: string]: YamlValue } {
  const family = familyOf(config);
  const official = meta["official"], train = meta["train"];
  const importedDoc = isObject(official) && isObject(official["config"]) && isObject(official["config"]["arch"]) ? official["config"] : null;
  const doc: { [key: string]: YamlValue } = importedDoc !== null ? JSON.parse(JSON.stringify(importedDoc)) as { [key: string]: YamlValue } : pretrainFields(family, train);
  const arch: { [key: string]: YamlValue } = isObject(doc["arch"]) ? (doc["arch"] as { [key: string]: YamlValue }) : {};
  const keys: readonly string[] = family === "trm" ? TRM_MODEL_KEYS : MODEL_KEYS;
  const values = config as unknown as Record<string, YamlValue>;
  for (const k of keys) if (!DATA_KEYS.has(k)) arch[k] = values[k]!;
  const lossType = (isObject(train) && isObject(train["arch"]) ? train["arch"]["loss_type"] : undefined) ?? (isObject(official) ? official["loss_type"] : undefined);
  if (!isObject(arch["loss"])) arch["loss"] = { name: OFFICIAL_LOSS_NAME, loss_type: typeof lossType === "string" ? lossType : "stablemax_cross_entropy" };
  if (typeof arch["name"] !== "string" || familyOfArchName(arch["name"]) !== family) arch["name"] = OFFICIAL_ARCH_NAMES[family];
  doc["arch"] = arch;
  return doc;
}

export interface ExportResult {
  readonly family: ModelFamily;
  readonly file: string;
  readonly yamlPath: string;
  readonly keys: readonly string[];
  readonly config: ModelConfig;
  /** The weights written: the folder's EMA copy (EMA parameters + live buffers) or its live weights. */
  readonly weights: "ema" | "live";
  /** The same in words, saying when a folder's model weights are an imported official EMA copy. */
  readonly weightsNote: string;
}

export interface ExportOptions {
  /** auto (default): the EMA copy when the folder has ema.safetensors, as the official TRM pretrain saves; ema; live. */
  readonly weights?: WeightChoice;
}

/** Our checkpoint folder -> official torch.save file (`_orig_mod.model.inner.*`) + all_config.yaml beside it. */
export async function exportOfficialCheckpoint(dir: string, outFile: string, opts: ExportOptions = {}): Promise<ExportResult> {
  const { family, config, params, meta, weights } = loadCheckpointWeights(dir, opts.weights ?? "auto");
  const official = meta["official"];
  const importedEma = isObject(official) && official["weights"] === "ema";
  const weightsNote = weights === "ema"
    ? "the EMA copy (ema.safetensors: EMA parameters, with the live buffers), as the official TRM pretrain saves it"
    : importedEma ? "model.safetensors, the official EMA copy this folder was imported from" : "the live weights (model.safetensors)";
  const tensors = modelTensors({ config, params }, COMPILED_PREFIX, true);
  await mkdir(dirname(resolve(outFile)), { recursive: true });
  writeTorchCheckpoint(outFile, tensors);
  const yamlPath = join(dirname(outFile), "all_config.yaml");
  const header = family === "trm"
    ? [
      "# Written by `hrm export` for the official SamsungSAILMontreal/TinyRecursiveModels code (pydantic PretrainConfig;",
      "# pretrain.py load_checkpoint=<checkpoint> loads the weights).",
      `# Weights: ${weightsNote}.`,
      "# The dataset fixes vocab_size, seq_len and num_puzzle_identifiers; this model was built with:",
    ]
    : [
      "# Written by `hrm export` for the official sapientinc/HRM evaluate.py (pydantic PretrainConfig).",
      "# The dataset fixes vocab_size, seq_len and num_puzzle_identifiers; this model was built with:",
    ];
  header.push(`${MODEL_COMMENT}${JSON.stringify(config)}`);
  const doc = officialAllConfig(config, meta);
  // a TRM folder without a training config: say whether these weights are an EMA copy, as the official run would
  const fromOfficialYaml = isObject(official) && isObject(official["config"]) && isObject(official["config"]["arch"]);
  if (family === "trm" && !isObject(meta["train"]) && !fromOfficialYaml) doc["ema"] = weights === "ema" || importedEma;
  writeFileAtomicSync(yamlPath, `${header.join("\n")}\n${dumpYaml(doc, { floatKeys: FLOAT_KEYS })}`);
  return { family, file: outFile, yamlPath, keys: [...tensors.keys()], config, weights, weightsNote };
}

/** Data-derived sizes of a config, for messages ("V=11 S=81 ids=1"). */
export function describeModel(c: ModelConfig): string {
  if (isTrmConfig(c)) {
    const d = deriveTrmDims(c);
    return `TRM, vocab_size ${c.vocab_size}, seq_len ${c.seq_len} (+${d.puzzleEmbLen} puzzle positions), num_puzzle_identifiers ${c.num_puzzle_identifiers}, hidden ${c.hidden_size}, L_layers ${c.L_layers} (${c.mlp_t ? `mlp_t over T ${d.totalSeqLen}` : "attention"}), cycles ${c.H_cycles}/${c.L_cycles}, ${c.pos_encodings}, halt_max_steps ${c.halt_max_steps}, forward_dtype ${c.forward_dtype}`;
  }
  const d = deriveDims(c);
  return `HRM, vocab_size ${c.vocab_size}, seq_len ${c.seq_len} (+${d.puzzleEmbLen} puzzle position), num_puzzle_identifiers ${c.num_puzzle_identifiers}, hidden ${c.hidden_size}, H/L layers ${c.H_layers}/${c.L_layers}, cycles ${c.H_cycles}/${c.L_cycles}, ${c.pos_encodings}, halt_max_steps ${c.halt_max_steps}, forward_dtype ${c.forward_dtype}`;
}
