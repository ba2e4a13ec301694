// A model from the two files of a checkpoint folder (config.json + model.safetensors, the layout the trainer
// writes), given as bytes and parsed JSON: pure, so the Node loader (checkpoint-model-node.ts) and the web page
// read checkpoints by the same rules.
import { CheckpointError } from "../engine/errors.js";
import type { ModelConfig, ReasoningModel } from "../model/model.js";
import { newModel, parseFamily, parseModelConfig } from "../model/model.js";
import { loadModelTensors } from "./model-weights.js";
import { decodeSafetensors } from "./safetensors.js";

/** The model config of a checkpoint's config.json (its "model" object, of the family "model_family" names). */
export function checkpointModelConfigOf(configJson: unknown, source: string): ModelConfig {
  if (typeof configJson !== "object" || configJson === null || Array.isArray(configJson)) {
    throw new CheckpointError(`${source}/config.json: expected a JSON object with "model" (and "model_family"), got ${Array.isArray(configJson) ? "an array" : configJson === null ? "null" : typeof configJson}`);
  }
  const cfg = configJson as { model?: unknown; model_family?: unknown };
  if (cfg.model === undefined) throw new CheckpointError(`${source}/config.json: no "model" config`);
  const family = parseFamily(cfg.model_family, `${source}/config.json model_family`);
  return parseModelConfig(cfg.model, family, `${source}/config.json model`);
}

/** The model of a checkpoint folder whose files are given: config.json parsed, model.safetensors as bytes. */
export function modelFromCheckpointBytes(configJson: unknown, weights: Uint8Array, source: string): ReasoningModel {
  const model = newModel(checkpointModelConfigOf(configJson, source));
  loadModelTensors(model, decodeSafetensors(weights, `${source}/model.safetensors`).tensors, `${source}/model.safetensors`);
  return model;
}
