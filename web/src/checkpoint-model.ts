// A checkpoint in the browser: the two files of a checkpoint folder (config.json + model.safetensors, the
// layout src/train/checkpoint.ts writes) turned into an HrmModel, as loadCheckpointModel does in Node.
import { CheckpointError } from "../../src/engine/errors.js";
import { decodeSafetensors } from "../../src/io/safetensors.js";
import { loadModelTensors } from "../../src/io/model-weights.js";
import { parseHrmConfig } from "../../src/model/hrm/config.js";
import { HrmModel } from "../../src/model/hrm/model.js";

/** The HRM config of a checkpoint's config.json: its "model" object (a bare model config is taken too). */
export function checkpointModelConfigJson(configJson: unknown, source: string): unknown {
  if (typeof configJson !== "object" || configJson === null || Array.isArray(configJson)) {
    throw new CheckpointError(`${source}: config.json must be a JSON object`);
  }
  const o = configJson as Record<string, unknown>;
  return "model" in o ? o.model : o;
}

export function modelFromCheckpointFiles(configJson: unknown, weights: Uint8Array, source: string): HrmModel {
  const config = parseHrmConfig(checkpointModelConfigJson(configJson, source), `${source}/config.json model`);
  const model = new HrmModel(config);
  loadModelTensors(model, decodeSafetensors(weights, `${source}/model.safetensors`).tensors, `${source}/model.safetensors`);
  return model;
}
