// A tiny Sudoku dataset and a tiny randomly initialised checkpoint, shared by the analysis tests.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildSudokuDataset } from "../../src/data/sudoku/build.js";
import { Rng } from "../../src/engine/rng.js";
import { modelTensors } from "../../src/io/model-weights.js";
import { writeSafetensors } from "../../src/io/safetensors-node.js";
import type { HrmConfig } from "../../src/model/hrm/config.js";
import { parseHrmConfig } from "../../src/model/hrm/config.js";
import { HrmModel } from "../../src/model/hrm/model.js";

/** 10 training puzzles (no augmentation) and 30 held-out test puzzles from the generated k30 set. */
export async function tinySudokuData(outDir: string): Promise<string> {
  await buildSudokuDataset({ train: "../shared/data/sudoku/gen-k30/train.csv", testHoldout: 30, subsampleSize: 10, numAug: 0, outDir, seed: 1 });
  return outDir;
}

/** D = 16, one layer per module, 2 L steps and 1 H step per segment, 2 segments: cheap on the reference kernels. */
export function tinyModel(seed = 11): HrmModel {
  const config: HrmConfig = parseHrmConfig({
    batch_size: 8, seq_len: 81, puzzle_emb_ndim: 16, num_puzzle_identifiers: 1, vocab_size: 11, H_cycles: 1, L_cycles: 2, H_layers: 1, L_layers: 1,
    hidden_size: 16, expansion: 2, num_heads: 2, pos_encodings: "rope", halt_max_steps: 2, halt_exploration_prob: 0, forward_dtype: "float32",
  });
  return HrmModel.create(config, new Rng(seed));
}

/** Save a model as a checkpoint folder (config.json + model.safetensors), as loadCheckpointModel reads it. */
export function saveCheckpointDir(dir: string, m: HrmModel): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "config.json"), JSON.stringify({ train: null, model: m.config }));
  writeSafetensors(join(dir, "model.safetensors"), modelTensors(m));
  return dir;
}
