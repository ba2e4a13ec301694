// A checkpoint in the browser: the two files of a checkpoint folder (config.json + model.safetensors, the
// layout src/train/checkpoint.ts writes) turned into a model of its family (HRM or TRM), as
// loadCheckpointModel does in Node with its live weights (ship a folder whose model.safetensors holds the
// weights to run: `hrm bake` writes one from a run checkpoint, EMA weights included).
import { CheckpointError } from "../../src/engine/errors.js";
import { decodeSafetensors } from "../../src/io/safetensors.js";
import { loadModelTensors } from "../../src/io/model-weights.js";
import type { ReasoningModel } from "../../src/model/model.js";
import { newModel, parseFamily, parseModelConfig } from "../../src/model/model.js";

/** The model config of a checkpoint's config.json: its "model" object (a bare model config is taken too). */
export function checkpointModelConfigJson(configJson: unknown, source: string): unknown {
  if (typeof configJson !== "object" || configJson === null || Array.isArray(configJson)) {
    throw new CheckpointError(`${source}: config.json must be a JSON object`);
  }
  const o = configJson as Record<string, unknown>;
  return "model" in o ? o.model : o;
}

export function modelFromCheckpointFiles(configJson: unknown, weights: Uint8Array, source: string): ReasoningModel {
  const family = parseFamily((configJson as Record<string, unknown> | null)?.["model_family"], `${source}/config.json model_family`);
  const config = parseModelConfig(checkpointModelConfigJson(configJson, source), family, `${source}/config.json model`);
  const model = newModel(config);
  loadModelTensors(model, decodeSafetensors(weights, `${source}/model.safetensors`).tensors, `${source}/model.safetensors`);
  return model;
}
