// Official sapientinc/HRM checkpoints both ways.
//   import: a `torch.save(model.state_dict())` file (keys `_orig_mod.model.inner.*`) plus its config
//     (`all_config.yaml`, the pydantic dump written next to official checkpoints, or a config.json with
//     `model_config_effective` as in shared/reference) -> our checkpoint folder (config.json {train: null,
//     model, official}, model.safetensors), written atomically. The official config leaves out the
//     data-derived fields; they come from tensor shapes: vocab_size from embed_tokens, num_puzzle_identifiers
//     from puzzle_emb.weights, seq_len from embed_pos (learned positions) or else the caller (RoPE has no
//     position table). Every value the config does state is checked against the shapes.
//   export: our checkpoint folder -> a torch.save zip the official evaluate.py loads (state_dict order,
//     H_init/L_init in BF16 for bfloat16 models) and an `all_config.yaml` next to it.
import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { CheckpointError, ConfigError } from "../engine/errors.js";
import { formatShape } from "../engine/tensor.js";
import type { HrmConfig } from "../model/hrm/config.js";
import { deriveDims, parseHrmConfig } from "../model/hrm/config.js";
import { ModelParams, paramSpecs } from "../model/hrm/params.js";
import { buildDirAtomic, writeFileAtomicSync } from "../util/atomic.js";
import { COMPILED_PREFIX, bareKey, loadModelTensors, modelTensors } from "./model-weights.js";
import type { StoredTensor } from "./safetensors.js";
import { readSafetensors, writeSafetensors } from "./safetensors.js";
import { readTorchCheckpoint, writeTorchCheckpoint } from "./torch-checkpoint.js";
import type { YamlValue } from "./yaml.js";
import { dumpYaml, parseYaml } from "./yaml.js";

/** HrmConfig fields (official names). */
const MODEL_KEYS: readonly (keyof HrmConfig)[] = [
  "batch_size", "seq_len", "puzzle_emb_ndim", "num_puzzle_identifiers", "vocab_size", "H_cycles", "L_cycles", "H_layers",
  "L_layers", "hidden_size", "expansion", "num_heads", "pos_encodings", "rms_norm_eps", "rope_theta", "halt_max_steps",
  "halt_exploration_prob", "forward_dtype",
];
/** Fields the official create_model adds from the dataset metadata; never in the `arch` section. */
const DATA_KEYS: ReadonlySet<string> = new Set(["batch_size", "seq_len", "vocab_size", "num_puzzle_identifiers"]);
/** The comment line our exported all_config.yaml carries so that a re-import needs no --seq-len. */
const MODEL_COMMENT = "# hrm-model-config: ";

export const OFFICIAL_ARCH_NAME = "hrm.hrm_act_v1@HierarchicalReasoningModel_ACTV1";
export const OFFICIAL_LOSS_NAME = "losses@ACTLossHead";

export interface OfficialConfigDoc {
  readonly path: string;
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
      throw new ConfigError(`${path}: not valid JSON (${(e as Error).message})`);
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
      throw new ConfigError(`${path}: the "${MODEL_COMMENT.trim()}" comment is not valid JSON (${(e as Error).message})`);
    }
  } else if (isObject(raw["model_config_effective"])) [section, model] = ["model_config_effective", raw["model_config_effective"]];
  else if (isObject(raw["model_config_passed"])) [section, model] = ["model_config_passed", raw["model_config_passed"]];
  else if (isObject(raw["arch"])) [section, model] = ["arch", raw["arch"]];
  else if (isObject(raw["model"])) [section, model] = ["model", raw["model"]];
  else [section, model] = ["(top level)", raw];
  const fields: Record<string, unknown> = {};
  const ignored: string[] = [];
  for (const [k, v] of Object.entries(model)) {
    if ((MODEL_KEYS as readonly string[]).includes(k)) fields[k] = v;
    else if (k !== "causal") ignored.push(k);
  }
  const arch = isObject(raw["arch"]) ? raw["arch"] : {};
  const loss = isObject(arch["loss"]) ? arch["loss"] : {};
  const lossType = [loss["loss_type"], raw["loss_type"], isObject(raw["train"]) && isObject(raw["train"]["arch"]) ? raw["train"]["arch"]["loss_type"] : undefined]
    .find((v): v is string => typeof v === "string") ?? null;
  const gbs = raw["global_batch_size"];
  return { path, fields, section, lossType, globalBatchSize: typeof gbs === "number" ? gbs : null, ignored: section === "(top level)" ? [] : ignored, raw };
}

export interface InferOptions {
  /** seq_len for RoPE checkpoints whose config does not state it. */
  readonly seqLen?: number;
  /** Replace the config's forward_dtype (the weights are the same in both). */
  readonly forwardDtype?: HrmConfig["forward_dtype"];
}

/** The full model config of a checkpoint: the file's fields, the data-derived ones from tensor shapes. */
export function inferModelConfig(doc: OfficialConfigDoc, tensors: ReadonlyMap<string, StoredTensor>, source: string, opts: InferOptions = {}): HrmConfig {
  const bare = new Map<string, StoredTensor>();
  for (const [k, t] of tensors) bare.set(bareKey(k), t);
  const fields: Record<string, unknown> = { ...doc.fields };
  const emb = bare.get("embed_tokens.embedding_weight");
  if (emb === undefined || emb.shape.length !== 2) {
    const keys = [...tensors.keys()];
    throw new CheckpointError(`${source}: no 2-D "embed_tokens.embedding_weight" tensor, so this is not an HRM checkpoint; it has ${keys.length} tensors${keys.length ? `: ${keys.slice(0, 4).map((k) => `"${k}"`).join(", ")}${keys.length > 4 ? ", ..." : ""}` : ""}`);
  }
  const set = (key: keyof HrmConfig, value: number, from: string): void => {
    const stated = fields[key];
    if (stated !== undefined && stated !== value) {
      throw new CheckpointError(`${source}: ${doc.path} (${doc.section}) says ${key}=${JSON.stringify(stated)}, but ${from} gives ${value}`);
    }
    fields[key] = value;
  };
  set("vocab_size", emb.shape[0]!, `embed_tokens.embedding_weight ${formatShape(emb.shape)}`);
  set("hidden_size", emb.shape[1]!, `embed_tokens.embedding_weight ${formatShape(emb.shape)}`);
  const pe = bare.get("puzzle_emb.weights");
  if (pe !== undefined && pe.shape.length === 2) {
    set("num_puzzle_identifiers", pe.shape[0]!, `puzzle_emb.weights ${formatShape(pe.shape)}`);
    set("puzzle_emb_ndim", pe.shape[1]!, `puzzle_emb.weights ${formatShape(pe.shape)}`);
  } else {
    set("puzzle_emb_ndim", 0, "the absence of puzzle_emb.weights");
    if (fields["num_puzzle_identifiers"] === undefined) fields["num_puzzle_identifiers"] = 1;
  }
  const pos = bare.get("embed_pos.embedding_weight");
  if (fields["pos_encodings"] === undefined) fields["pos_encodings"] = pos !== undefined ? "learned" : "rope";
  if (pos !== undefined && pos.shape.length === 2) {
    const P = Math.ceil((fields["puzzle_emb_ndim"] as number) / emb.shape[1]!);
    set("seq_len", pos.shape[0]! - P, `embed_pos.embedding_weight ${formatShape(pos.shape)} minus ${P} puzzle position(s)`);
    if (opts.seqLen !== undefined) set("seq_len", opts.seqLen, "--seq-len");
  } else if (fields["seq_len"] === undefined) {
    if (opts.seqLen === undefined) {
      throw new ConfigError(`${source}: seq_len is not in ${doc.path} and a RoPE checkpoint has no position table to read it from; pass --seq-len (81 for Sudoku, 900 for 30x30 Maze and ARC)`);
    }
    fields["seq_len"] = opts.seqLen;
  } else if (opts.seqLen !== undefined) set("seq_len", opts.seqLen, "--seq-len");
  if (fields["batch_size"] === undefined) fields["batch_size"] = doc.globalBatchSize ?? 1;
  if (opts.forwardDtype !== undefined) fields["forward_dtype"] = opts.forwardDtype;
  return parseHrmConfig(fields, `${doc.path} (${doc.section})`);
}

export interface ImportOptions extends InferOptions {
  /** Replace an existing output folder. */
  readonly force?: boolean;
}

export interface ImportResult {
  readonly config: HrmConfig;
  readonly outDir: string;
  readonly tensorCount: number;
  readonly lossType: string | null;
  readonly ignored: readonly string[];
}

/** Official checkpoint + config -> our checkpoint folder (atomic). */
export async function importOfficialCheckpoint(checkpoint: string, configPath: string, outDir: string, opts: ImportOptions = {}): Promise<ImportResult> {
  const doc = readOfficialConfig(configPath);
  const tensors = readTorchCheckpoint(checkpoint);
  const config = inferModelConfig(doc, tensors, checkpoint, opts);
  const holder = { config, params: new ModelParams(paramSpecs(config)) };
  loadModelTensors(holder, tensors, checkpoint); // strict: every name, every shape
  const meta = {
    train: null,
    model: config,
    official: { checkpoint: resolve(checkpoint), config_file: resolve(configPath), loss_type: doc.lossType, config: doc.raw },
  };
  await buildDirAtomic(outDir, async (tmp) => {
    await writeFile(join(tmp, "config.json"), JSON.stringify(meta, null, 2) + "\n");
    writeSafetensors(join(tmp, "model.safetensors"), modelTensors(holder), { format: "hrm", source: "official import" });
  }, { overwrite: opts.force ?? false, cleanupOnSignal: true });
  return { config, outDir, tensorCount: tensors.size, lossType: doc.lossType, ignored: doc.ignored };
}

/** Our checkpoint folder's config.json as a loose object (train, model, official). */
function readFolderMeta(dir: string): Record<string, unknown> {
  const path = join(dir, "config.json");
  if (!existsSync(path)) throw new CheckpointError(`${dir}: no config.json; expected a checkpoint folder (config.json, model.safetensors)`);
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new CheckpointError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(v) || v["model"] === undefined) throw new CheckpointError(`${path}: no "model" config`);
  return v;
}

/** The config and weights of a checkpoint folder, without building a model (any forward_dtype). */
export function loadCheckpointWeights(dir: string): { config: HrmConfig; params: ModelParams; meta: Record<string, unknown> } {
  const meta = readFolderMeta(dir);
  const config = parseHrmConfig(meta["model"], `${dir}/config.json model`);
  const params = new ModelParams(paramSpecs(config));
  loadModelTensors({ config, params }, readSafetensors(join(dir, "model.safetensors")).tensors, `${dir}/model.safetensors`);
  return { config, params, meta };
}

/** The loss type a checkpoint folder was trained with, when it says (train.arch.loss_type or the official config). */
export function checkpointLossType(dir: string): string | null {
  const meta = readFolderMeta(dir);
  const train = meta["train"], official = meta["official"];
  if (isObject(train) && isObject(train["arch"]) && typeof train["arch"]["loss_type"] === "string") return train["arch"]["loss_type"];
  if (isObject(official) && typeof official["loss_type"] === "string") return official["loss_type"];
  return null;
}

/** Defaults of the official config/cfg_pretrain.yaml for fields our folder does not know. */
const PRETRAIN_DEFAULTS: Record<string, YamlValue> = {
  data_path: "data/REPLACE-with-your-dataset", global_batch_size: 768, epochs: 100000, eval_interval: 10000, checkpoint_every_eval: true,
  lr: 1e-4, lr_min_ratio: 1.0, lr_warmup_steps: 2000, beta1: 0.9, beta2: 0.95, weight_decay: 0.1, puzzle_emb_weight_decay: 0.1,
  puzzle_emb_lr: 1e-2, seed: 0, project_name: null, run_name: null, checkpoint_path: null, eval_save_outputs: [],
};
const TRAIN_KEYS = Object.keys(PRETRAIN_DEFAULTS);
const FLOAT_KEYS: ReadonlySet<string> = new Set(["lr", "lr_min_ratio", "beta1", "beta2", "weight_decay", "puzzle_emb_weight_decay", "puzzle_emb_lr", "expansion", "halt_exploration_prob", "rms_norm_eps", "rope_theta"]);

/**
 * The all_config.yaml document for a checkpoint folder: the imported official config when there is one,
 * else our training config in the official layout, else the official defaults; `arch` always carries the
 * folder's model fields (never the data-derived ones, which official create_model adds itself).
 */
export function officialAllConfig(config: HrmConfig, meta: Record<string, unknown>): { [key: string]: YamlValue } {
  const official = meta["official"], train = meta["train"];
  const importedDoc = isObject(official) && isObject(official["config"]) && isObject(official["config"]["arch"]) ? official["config"] : null;
  const doc: { [key: string]: YamlValue } = importedDoc !== null ? JSON.parse(JSON.stringify(importedDoc)) as { [key: string]: YamlValue } : {};
  if (importedDoc === null) {
    for (const k of TRAIN_KEYS) doc[k] = isObject(train) && train[k] !== undefined ? (train[k] as YamlValue) : PRETRAIN_DEFAULTS[k]!;
  }
  const arch: { [key: string]: YamlValue } = isObject(doc["arch"]) ? (doc["arch"] as { [key: string]: YamlValue }) : {};
  for (const k of MODEL_KEYS) if (!DATA_KEYS.has(k)) arch[k] = config[k];
  const lossType = (isObject(train) && isObject(train["arch"]) ? train["arch"]["loss_type"] : undefined) ?? (isObject(official) ? official["loss_type"] : undefined);
  if (!isObject(arch["loss"])) arch["loss"] = { name: OFFICIAL_LOSS_NAME, loss_type: typeof lossType === "string" ? lossType : "stablemax_cross_entropy" };
  if (typeof arch["name"] !== "string") arch["name"] = OFFICIAL_ARCH_NAME;
  doc["arch"] = arch;
  return doc;
}

export interface ExportResult {
  readonly file: string;
  readonly yamlPath: string;
  readonly keys: readonly string[];
  readonly config: HrmConfig;
}

/** Our checkpoint folder -> official torch.save file (`_orig_mod.model.inner.*`) + all_config.yaml beside it. */
export async function exportOfficialCheckpoint(dir: string, outFile: string): Promise<ExportResult> {
  const { config, params, meta } = loadCheckpointWeights(dir);
  const tensors = modelTensors({ config, params }, COMPILED_PREFIX, true);
  await mkdir(dirname(resolve(outFile)), { recursive: true });
  writeTorchCheckpoint(outFile, tensors);
  const yamlPath = join(dirname(outFile), "all_config.yaml");
  const header = [
    "# Written by `hrm export` for the official sapientinc/HRM evaluate.py (pydantic PretrainConfig).",
    "# The dataset fixes vocab_size, seq_len and num_puzzle_identifiers; this model was built with:",
    `${MODEL_COMMENT}${JSON.stringify(config)}`,
  ].join("\n");
  writeFileAtomicSync(yamlPath, `${header}\n${dumpYaml(officialAllConfig(config, meta), { floatKeys: FLOAT_KEYS })}`);
  return { file: outFile, yamlPath, keys: [...tensors.keys()], config };
}

/** Data-derived sizes of a config, for messages ("V=11 S=81 ids=1"). */
export function describeModel(c: HrmConfig): string {
  const d = deriveDims(c);
  return `vocab_size ${c.vocab_size}, seq_len ${c.seq_len} (+${d.puzzleEmbLen} puzzle position), num_puzzle_identifiers ${c.num_puzzle_identifiers}, hidden ${c.hidden_size}, H/L layers ${c.H_layers}/${c.L_layers}, cycles ${c.H_cycles}/${c.L_cycles}, ${c.pos_encodings}, halt_max_steps ${c.halt_max_steps}, forward_dtype ${c.forward_dtype}`;
}
