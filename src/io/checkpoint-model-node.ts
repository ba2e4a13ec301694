// Loading the model of a checkpoint folder for inference (eval, solve, analysis, freeze, the demo): its
// config.json (model family and config) and model.safetensors, with the EMA copy (ema.safetensors) when the run
// kept one. The folder layout is written by src/train/checkpoint.ts; the rules for the two files are the pure
// checkpoint-model.ts, which the web page uses too.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CheckpointError } from "../engine/errors.js";
import type { ModelConfig, ReasoningModel } from "../model/model.js";
import { newModel } from "../model/model.js";
import { checkpointModelConfigOf } from "./checkpoint-model.js";
import { loadModelTensors } from "./model-weights.js";
import { toFloat32 } from "./safetensors.js";
import { readSafetensors } from "./safetensors-node.js";

/** The EMA weights' file in a checkpoint folder. */
export const EMA_FILE = "ema.safetensors";

/** A checkpoint folder's JSON file, parsed; missing or malformed is a CheckpointError naming it. */
export function readJson(path: string): unknown {
  if (!existsSync(path)) throw new CheckpointError(`checkpoint file ${path} is missing`);
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new CheckpointError(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

/** Read ema.safetensors into a flat shadow laid out as model.params.flat. */
export function readEmaShadow(dir: string, model: ReasoningModel): Float32Array {
  const path = join(dir, EMA_FILE);
  const tensors = readSafetensors(path).tensors;
  const shadow = new Float32Array(model.params.flat.length);
  let off = 0;
  for (const p of model.params.adam) {
    const t = tensors.get(`model.inner.${p.name!}`);
    if (t === undefined || t.data.length !== p.size) throw new CheckpointError(`${path}: expected "model.inner.${p.name!}" with ${p.size} values`);
    shadow.set(toFloat32(t), off);
    off += p.size;
  }
  return shadow;
}

/** Whether a checkpoint folder holds EMA weights. */
export function hasEmaWeights(dir: string): boolean {
  return existsSync(join(dir, EMA_FILE));
}

/** The model family and config stored in a checkpoint folder (HRM when it names no family: older folders). */
export function checkpointModelConfig(dir: string): ModelConfig {
  return checkpointModelConfigOf(readJson(join(dir, "config.json")), dir);
}

/**
 * Which weights to load: "ema" (the EMA copy, an error if the folder has none), "live" (the trained
 * parameters themselves), or "auto" (EMA when the folder has it, as the official TRM evaluates).
 */
export type WeightChoice = "auto" | "ema" | "live";

/** Load only the model of a checkpoint folder (for eval, solve, analysis). */
export function loadCheckpointModel(dir: string, weights: WeightChoice = "auto"): ReasoningModel {
  const model = newModel(checkpointModelConfig(dir));
  loadModelTensors(model, readSafetensors(join(dir, "model.safetensors")).tensors, `${dir}/model.safetensors`);
  const ema = hasEmaWeights(dir);
  if (weights === "ema" && !ema) throw new CheckpointError(`${dir}: no ${EMA_FILE} (the run kept no EMA); use the live weights`);
  if (ema && weights !== "live") model.params.flat.set(readEmaShadow(dir, model));
  return model;
}

/** Which weights loadCheckpointModel(dir, weights) gives. */
export function loadedWeights(dir: string, weights: WeightChoice = "auto"): "ema" | "live" {
  return weights === "live" || !hasEmaWeights(dir) ? "live" : "ema";
}
