// Run checkpoints: everything needed to continue a run exactly, in one folder written atomically
// (built as `<name>.tmp-<pid>` and renamed), the last K kept.
//   config.json        the training config and the model config (official field names)
//   model.safetensors  parameters and buffers under official names (`model.inner.*`), F32
//   optimizer.safetensors  AdamATan2 exp_avg / exp_avg_sq (flat, model.parameters() order)
//   carry.safetensors  the persistent training carry (z_H, z_L, steps, halted, current data)
//   state.json         step, Adam step, RNG states, loader position
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CheckpointError } from "../engine/errors.js";
import type { RngState } from "../engine/rng.js";
import { Tensor } from "../engine/tensor.js";
import { loadModelTensors, modelTensors } from "../io/model-weights.js";
import type { StoredTensor } from "../io/safetensors.js";
import { readSafetensors, toFloat32, toInt32, writeSafetensors } from "../io/safetensors.js";
import type { ActCarry } from "../model/act.js";
import type { HrmConfig } from "../model/hrm/config.js";
import { parseHrmConfig } from "../model/hrm/config.js";
import { HrmModel } from "../model/hrm/model.js";
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
    writeFileSync(join(tmp, "config.json"), JSON.stringify({ train: trainConfig, model: state.model.config }, null, 2));
    writeSafetensors(join(tmp, "model.safetensors"), modelTensors(state.model), { format: "hrm", step: String(state.step) });
    writeSafetensors(join(tmp, "optimizer.safetensors"), new Map<string, StoredTensor>([
      ["adam/exp_avg", { dtype: "F32", shape: [state.adam.expAvg.length], data: state.adam.expAvg }],
      ["adam/exp_avg_sq", { dtype: "F32", shape: [state.adam.expAvgSq.length], data: state.adam.expAvgSq }],
    ]));
    if (state.carry !== null) writeSafetensors(join(tmp, "carry.safetensors"), carryTensors(state.carry));
    const st: CheckpointState = { step: state.step, adamStep: state.adam.step, ...extra };
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

function readJson(path: string): unknown {
  if (!existsSync(path)) throw new CheckpointError(`checkpoint file ${path} is missing`);
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new CheckpointError(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

/** The model config stored in a checkpoint folder. */
export function checkpointModelConfig(dir: string): HrmConfig {
  const cfg = readJson(join(dir, "config.json")) as { model?: unknown };
  if (typeof cfg !== "object" || cfg === null || cfg.model === undefined) throw new CheckpointError(`${dir}/config.json: no "model" config`);
  return parseHrmConfig(cfg.model, `${dir}/config.json model`);
}

/** Load only the model of a checkpoint folder (for eval, solve, analysis). */
export function loadCheckpointModel(dir: string): HrmModel {
  const model = new HrmModel(checkpointModelConfig(dir));
  loadModelTensors(model, readSafetensors(join(dir, "model.safetensors")).tensors, `${dir}/model.safetensors`);
  return model;
}

export interface LoadedCheckpoint {
  readonly dir: string;
  readonly trainConfig: unknown;
  readonly state: CheckpointState;
  readonly carry: ActCarry | null;
  readonly expAvg: Float32Array;
  readonly expAvgSq: Float32Array;
}

/** Everything to resume a run into an already built `model` (weights are loaded into it). */
export function loadCheckpointInto(dir: string, model: HrmModel): LoadedCheckpoint {
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
  return { dir, trainConfig: cfg.train, state, carry, expAvg: toFloat32(expAvg), expAvgSq: toFloat32(expAvgSq) };
}
