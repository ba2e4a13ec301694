// Random batches of a given shape, a fixture for tests and benchmarks (not a dataset).
import type { Rng } from "../../src/engine/rng.js";
import type { Batch } from "../../src/model/act.js";
import type { HrmConfig } from "../../src/model/hrm/config.js";

export function randomBatch(c: HrmConfig, rng: Rng): Batch {
  const B = c.batch_size, S = c.seq_len;
  const inputs = new Int32Array(B * S), labels = new Int32Array(B * S), ids = new Int32Array(B);
  for (let i = 0; i < B * S; i++) {
    inputs[i] = rng.int(1, c.vocab_size - 1);
    labels[i] = rng.int(1, c.vocab_size - 1);
  }
  for (let b = 0; b < B; b++) ids[b] = rng.int(0, c.num_puzzle_identifiers - 1);
  return { inputs, labels, puzzleIdentifiers: ids };
}
