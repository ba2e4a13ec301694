// Model weights by official state_dict name, both ways. Keys may carry the official prefixes
// (`_orig_mod.model.inner.` from a torch.compile'd loss head, `model.inner.` without compile) or none.
import { CheckpointError } from "../engine/errors.js";
import { f32ToBf16Bits } from "../engine/dtype.js";
import { formatShape } from "../engine/tensor.js";
import type { ModelParams } from "../model/hrm/params.js";
import type { ModelConfig } from "../model/model.js";
import type { StoredTensor } from "./safetensors.js";
import { toFloat32 } from "./safetensors.js";

export const OFFICIAL_PREFIX = "model.inner.";
export const COMPILED_PREFIX = "_orig_mod.model.inner.";

/** What holds the weights: a model, or a config with its parameters alone (checkpoint conversion). */
export interface WeightHolder {
  readonly config: ModelConfig;
  readonly params: ModelParams;
}

/** A key without any official prefix. */
export function bareKey(key: string): string {
  if (key.startsWith(COMPILED_PREFIX)) return key.slice(COMPILED_PREFIX.length);
  if (key.startsWith(OFFICIAL_PREFIX)) return key.slice(OFFICIAL_PREFIX.length);
  return key;
}

/**
 * Every parameter and persistent buffer, in state_dict order, keyed `prefix + name`. With `officialDtypes`,
 * H_init/L_init are stored in the model's forward_dtype (BF16 for bfloat16 models), as official checkpoints.
 */
export function modelTensors(model: WeightHolder, prefix = OFFICIAL_PREFIX, officialDtypes = false): Map<string, StoredTensor> {
  const out = new Map<string, StoredTensor>();
  for (const spec of model.params.specs) {
    const t = model.params.get(spec.name);
    if (officialDtypes && spec.role === "buffer" && model.config.forward_dtype === "bfloat16") {
      const bits = new Uint16Array(t.size);
      for (let i = 0; i < t.size; i++) bits[i] = f32ToBf16Bits(t.data[i]!);
      out.set(prefix + spec.name, { dtype: "BF16", shape: t.shape, data: bits });
    } else {
      out.set(prefix + spec.name, { dtype: "F32", shape: t.shape, data: Float32Array.from(t.data) });
    }
  }
  return out;
}

/**
 * Load every parameter and buffer of `model` from `tensors` (any float dtype, converted to f32).
 * Missing names, wrong shapes and unexpected names are CheckpointErrors (a strict load_state_dict).
 */
export function loadModelTensors(model: WeightHolder, tensors: ReadonlyMap<string, StoredTensor>, source: string): void {
  const byName = new Map<string, StoredTensor>();
  for (const [key, t] of tensors) byName.set(bareKey(key), t);
  const expected = new Set<string>(model.params.specs.map((s) => s.name));
  const unexpected = [...byName.keys()].filter((k) => !expected.has(k));
  if (unexpected.length > 0) {
    throw new CheckpointError(`${source}: unexpected tensors ${unexpected.slice(0, 5).map((k) => `"${k}"`).join(", ")}${unexpected.length > 5 ? ` and ${unexpected.length - 5} more` : ""} for this model config (H_layers=${model.config.H_layers}, L_layers=${model.config.L_layers}, pos_encodings=${model.config.pos_encodings}, puzzle_emb_ndim=${model.config.puzzle_emb_ndim})`);
  }
  model.params.load((name) => {
    const t = byName.get(name);
    if (t === undefined) return null;
    if (t.dtype !== "F32" && t.dtype !== "BF16" && t.dtype !== "F16" && t.dtype !== "F64") {
      throw new CheckpointError(`${source}: "${name}" has dtype ${t.dtype}, expected a float tensor of shape ${formatShape(model.params.get(name).shape)}`);
    }
    return { shape: t.shape, data: toFloat32(t) };
  }, source);
}
