// A tiny randomly initialised model saved as a checkpoint folder, for CLI tests of any task shape.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Rng } from "../../src/engine/rng.js";
import { modelTensors } from "../../src/io/model-weights.js";
import { writeSafetensors } from "../../src/io/safetensors-node.js";
import type { HrmConfig } from "../../src/model/hrm/config.js";
import { parseHrmConfig } from "../../src/model/hrm/config.js";
import { HrmModel } from "../../src/model/hrm/model.js";

export function tinyConfig(over: Partial<HrmConfig>): HrmConfig {
  return parseHrmConfig({
    batch_size: 4, seq_len: 81, puzzle_emb_ndim: 16, num_puzzle_identifiers: 1, vocab_size: 11, H_cycles: 1, L_cycles: 2, H_layers: 1, L_layers: 1,
    hidden_size: 16, expansion: 2, num_heads: 2, pos_encodings: "rope", halt_max_steps: 3, halt_exploration_prob: 0, forward_dtype: "float32", ...over,
  });
}

/** Random weights (seeded), a random q_head so that Q values vary between segments. */
export function tinyModel(over: Partial<HrmConfig>, seed = 7): HrmModel {
  const m = HrmModel.create(tinyConfig(over), new Rng(seed));
  const rng = new Rng(seed + 1);
  const q = m.p("q_head.weight").data;
  for (let i = 0; i < q.length; i++) q[i] = (rng.uniform() - 0.5) * 0.5;
  const pe = m.params.get("puzzle_emb.weights").data;
  for (let i = 0; i < pe.length; i++) pe[i] = (rng.uniform() - 0.5) * 0.2;
  return m;
}

export function saveModel(dir: string, m: HrmModel): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "config.json"), JSON.stringify({ train: null, model: m.config }));
  writeSafetensors(join(dir, "model.safetensors"), modelTensors(m));
  return dir;
}
