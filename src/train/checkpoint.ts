// Run checkpoints: everything needed to continue a run exactly, in one folder written atomically
// (built as `<name>.tmp-<pid>` and renamed), the last K kept.
//   config.json        the training config, the model config (official field names) and model_family
//   model.safetensors  parameters and buffers under official names (`model.inner.*`), F32: the live weights
//   ema.safetensors    with EMA on: the EMA parameters (official names, no buffers), what eval and solve
//                      load by default, as the official TRM pretrain evaluates and saves its EMA copy
//   optimizer.safetensors  AdamATan2 exp_avg / exp_avg_sq (flat, model.parameters() order)
//   carry.safetensors  the persistent training carry (z_H, z_L, steps, halted, current data)
//   state.json         step, Adam step, RNG states, loader position
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CheckpointError } from "../engine/errors.js";
import type { RngState } from "../engine/rng.js";
import { Tensor } from "../engine/tensor.js";
import { loadModelTensors, modelTensors } from "../io/model-weights.js";
import type { StoredTensor } from "../io/safetensors.js";
import { toFloat32, toInt32 } from "../io/safetensors.js";
import { readSafetensors, writeSafetensors } from "../io/safetensors-node.js";
import type { ActCarry } from "../model/act.js";
import type { ReasoningModel } from "../model/model.js";
import { familyOf } from "../model/model.js";
import { EMA_FILE, checkpointModelConfig, hasEmaWeights, readEmaShadow, readJson } from "../io/checkpoint-model-node.js";
import type { TrainState } from "./step.js";

export interface LoaderPosition {
  /** Train iterations started (the loader seeds iteration i with seed + i). */
  readonly iteration: number;
  /** Batches of the current iteration already consumed. */
  readonly batch: number;
}

export interface CheckpointState {
  readonly step: number;
  readonly adamStep: number;
  readonly rng: RngState;
  readonly loader: LoaderPosition;
  readonly elapsedSeconds: number;
  /** Of elapsedSeconds, the time spent evaluating (the time budget counts training only). */
  readonly evalSeconds?: number;
  /** EMA updates applied (present when the run keeps an EMA). */
  readonly emaUpdates?: number;
}

export const CHECKPOINT_PREFIX = "step_";

export function checkpointName(step: number): string {
  return `${CHECKPOINT_PREFIX}${String(step).padStart(7, "0")}`;
}

/** Checkpoint folders of a run, oldest first. */
export function listCheckpoints(runDir: string): string[] {
  const dir = join(runDir, "checkpoints");
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => /^step_\d+$/.test(n)).sort().map((n) => join(dir, n));
}

function carryTensors(carry: ActCarry): Map<string, StoredTensor> {
  const B = carry.steps.length;
  const S = carry.data.inputs.length / B;
  return new Map<string, StoredTensor>([
    ["z_H", { dtype: "F32", shape: carry.inner.zH.shape, data: carry.inner.zH.data as Float32Array }],
    ["z_L", { dtype: "F32", shape: carry.inner.zL.shape, data: carry.inner.zL.data as Float32Array }],
    ["steps", { dtype: "I32", shape: [B], data: carry.steps }],
    ["halted", { dtype: "BOOL", shape: [B], data: carry.halted }],
    ["current_data/inputs", { dtype: "I32", shape: [B, S], data: carry.data.inputs }],
    ["current_data/labels", { dtype: "I32", shape: [B, S], data: carry.data.labels }],
    ["current_data/puzzle_identifiers", { dtype: "I32", shape: [B], data: carry.data.puzzleIdentifiers }],
  ]);
}

function carryFrom(t: ReadonlyMap<string, StoredTensor>, source: string): ActCarry {
  const get = (k: string): StoredTensor => {
    const v = t.get(k);
    if (v === undefined) throw new CheckpointError(`${source}: carry tensor "${k}" is missing`);
    return v;
  };
  return {
    inner: { zH: new Tensor(toFloat32(get("z_H")), get("z_H").shape), zL: new Tensor(toFloat32(get("z_L")), get("z_L").shape) },
    steps: toInt32(get("steps")),
    halted: Uint8Array.from(toInt32(get("halted"))),
    data: { inputs: toInt32(get("current_data/inputs")), labels: toInt32(get("current_data/labels")), puzzleIdentifiers: toInt32(get("current_data/puzzle_identifiers")) },
  };
}

/** Write a checkpoint of `state` under `<runDir>/checkpoints/step_N` atomically, then keep the last `keep`. */
export function saveCheckpoint(runDir: string, trainConfig: unknown, state: TrainState, extra: Omit<CheckpointState, "step" | "adamStep">, keep: number): string {
  const dir = join(runDir, "checkpoints");
  mkdirSync(dir, { recursive: true });
  const final = join(dir, checkpointName(state.step));
  const tmp = `${final}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  try {
    writeFileSync(join(tmp, "config.json"), JSON.stringify({ train: trainConfig, model_family: state.model.family, model: state.model.config }, null, 2));
    writeSafetensors(join(tmp, "model.safetensors"), modelTensors(state.model), { format: "hrm", step: String(state.step) });
    if (state.ema !== null) writeSafetensors(join(tmp, EMA_FILE), emaTensors(state.model, state.ema.shadow), { format: "hrm", step: String(state.step), ema_updates: String(state.ema.updates) });
    writeSafetensors(join(tmp, "optimizer.safetensors"), new Map<string, StoredTensor>([
      ["adam/exp_avg", { dtype: "F32", shape: [state.adam.expAvg.length], data: state.adam.expAvg }],
      ["adam/exp_avg_sq", { dtype: "F32", shape: [state.adam.expAvgSq.length], data: state.adam.expAvgSq }],
    ]));
    if (state.carry !== null) writeSafetensors(join(tmp, "carry.safetensors"), carryTensors(state.carry));
    const st: CheckpointState = { step: state.step, adamStep: state.adam.step, ...extra, ...(state.ema !== null ? { emaUpdates: state.ema.updates } : {}) };
    writeFileSync(join(tmp, "state.json"), JSON.stringify(st, null, 2));
    rmSync(final, { recursive: true, force: true });
    renameSync(tmp, final);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  const all = listCheckpoints(runDir);
  for (const old of all.slice(0, Math.max(0, all.length - keep))) rmSync(old, { recursive: true, force: true });
  return final;
}

/** The EMA shadow under the official names of the Adam parameters it covers. */
function emaTensors(model: ReasoningModel, shadow: Float32Array): Map<string, StoredTensor> {
  const out = new Map<string, StoredTensor>();
  let off = 0;
  for (const p of model.params.adam) {
    out.set(`model.inner.${p.name!}`, { dtype: "F32", shape: p.shape, data: shadow.subarray(off, off + p.size) });
    off += p.size;
  }
  return out;
}

/**
 * An inference folder of `model` as it is now (config.json + model.safetensors, no optimizer, carry or EMA
 * file), written atomically: what the web page ships and what any command loads without --weights.
 */
export function writeInferenceCheckpoint(outDir: string, model: ReasoningModel, meta: Record<string, unknown>): void {
  const tmp = `${outDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    writeFileSync(join(tmp, "config.json"), `${JSON.stringify({ ...meta, model_family: model.family, model: model.config }, null, 2)}\n`);
    writeSafetensors(join(tmp, "model.safetensors"), modelTensors(model), { format: "hrm" });
    rmSync(outDir, { recursive: true, force: true });
    renameSync(tmp, outDir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

export interface LoadedCheckpoint {
  readonly dir: string;
  readonly trainConfig: unknown;
  readonly state: CheckpointState;
  readonly carry: ActCarry | null;
  readonly expAvg: Float32Array;
  readonly expAvgSq: Float32Array;
  /** The EMA shadow (flat, as model.params.flat), when the checkpoint has one. */
  readonly emaShadow: Float32Array | null;
}

/** Everything to resume a run into an already built `model` (weights are loaded into it). */
export function loadCheckpointInto(dir: string, model: ReasoningModel): LoadedCheckpoint {
  const stored = checkpointModelConfig(dir);
  if (familyOf(stored) !== model.family) throw new CheckpointError(`${dir}: a ${familyOf(stored).toUpperCase()} checkpoint cannot resume a ${model.family.toUpperCase()} run`);
  const cfg = readJson(join(dir, "config.json")) as { train?: unknown };
  loadModelTensors(model, readSafetensors(join(dir, "model.safetensors")).tensors, `${dir}/model.safetensors`);
  const opt = readSafetensors(join(dir, "optimizer.safetensors")).tensors;
  const expAvg = opt.get("adam/exp_avg"), expAvgSq = opt.get("adam/exp_avg_sq");
  if (expAvg === undefined || expAvgSq === undefined || expAvg.data.length !== model.params.flat.length || expAvgSq.data.length !== model.params.flat.length) {
    throw new CheckpointError(`${dir}/optimizer.safetensors: expected adam/exp_avg and adam/exp_avg_sq of ${model.params.flat.length} values`);
  }
  const carryPath = join(dir, "carry.safetensors");
  const carry = existsSync(carryPath) ? carryFrom(readSafetensors(carryPath).tensors, carryPath) : null;
  const state = readJson(join(dir, "state.json")) as CheckpointState;
  const emaShadow = hasEmaWeights(dir) ? readEmaShadow(dir, model) : null;
  return { dir, trainConfig: cfg.train, state, carry, expAvg: toFloat32(expAvg), expAvgSq: toFloat32(expAvgSq), emaShadow };
}
