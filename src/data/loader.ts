// The puzzle loader with the official semantics (sapientinc/HRM puzzle_dataset.py).
// Train mode, per iteration (= epochsPerIter epochs) and per set: an Rng seeded with
// seed + iteration counter (incremented before use, so the first iteration uses seed + 1);
// group order = epochsPerIter independent permutations of all groups, concatenated; batches are
// filled greedily: next group -> one puzzle drawn uniformly in it -> its examples in random order,
// truncated at the batch end (the remainder is dropped, not carried); the last incomplete batch is
// dropped, so train batches are always full. Test mode: examples in file order, consecutive chunks
// of globalBatchSize, the last one padded. Each rank takes its contiguous slice of the global batch.
// Collate: int32; labels equal to ignore_label_id -> -100; pad rows: inputs = pad_id,
// labels = -100, puzzle identifier = blank_identifier_id.
// (Official differences, on purpose: one seeded Rng also draws the within-puzzle example order, which
// the official code takes from numpy's unseeded global RNG; the Philox stream itself is not reproduced.)
import { ConfigError } from "../engine/errors.js";
import { Rng } from "../engine/rng.js";
import { type DatasetMetadata, IGNORE_LABEL_ID } from "./format.js";
import type { OpenSet, OpenSplit } from "./split-reader.js";

export interface LoaderOptions {
  readonly seed: number;
  readonly globalBatchSize: number;
  /** Train mode: epochs per iteration (official: eval_interval). Default 1. */
  readonly epochsPerIter?: number;
  readonly rank?: number;
  readonly numReplicas?: number;
}

/** One collated local batch. Shapes: inputs/labels [B, S] row-major, puzzleIdentifiers [B]. */
export interface Batch {
  readonly setName: string;
  readonly batchSize: number;
  readonly seqLen: number;
  readonly inputs: Int32Array;
  readonly labels: Int32Array;
  readonly puzzleIdentifiers: Int32Array;
  /** Rows of the *global* batch that are real examples (official third yield value). */
  readonly effectiveSize: number;
}

/** What the model reads of a batch: token ids, labels (−100 where ignored) and puzzle identifiers. */
export interface ModelInputs {
  readonly inputs: Int32Array;
  readonly labels: Int32Array;
  readonly puzzleIdentifiers: Int32Array;
}

/** The model's part of a loader batch (both row-major). */
export function toModelBatch(b: Batch): ModelInputs {
  return { inputs: b.inputs, labels: b.labels, puzzleIdentifiers: b.puzzleIdentifiers };
}

/** Example rows of one global train batch and the puzzle each row came from. */
export interface PlannedBatch {
  readonly examples: Int32Array;
  readonly puzzles: Int32Array;
}

/**
 * The official `_sample_batch` loop over one iteration of one set: yields full global batches only.
 * Uses `rng` for the group permutations, the puzzle choice and the example order, in that order.
 */
export function* planTrainBatches(
  set: Pick<OpenSet, "puzzleIndices" | "groupIndices">,
  rng: Rng,
  epochsPerIter: number,
  globalBatchSize: number,
): Generator<PlannedBatch> {
  const groups = set.groupIndices.length - 1;
  const order = new Int32Array(groups * epochsPerIter);
  for (let e = 0; e < epochsPerIter; e++) order.set(rng.permutation(groups), e * groups);
  let next = 0;
  while (next < order.length) {
    const examples = new Int32Array(globalBatchSize);
    const puzzles = new Int32Array(globalBatchSize);
    let size = 0;
    while (next < order.length && size < globalBatchSize) {
      const g = order[next++]!;
      const p = rng.int(set.groupIndices[g]!, set.groupIndices[g + 1]! - 1);
      const start = set.puzzleIndices[p]!;
      const count = set.puzzleIndices[p + 1]! - start;
      const take = Math.min(count, globalBatchSize - size);
      // np.random.choice(count, take, replace=False): a random ordered subset
      const pick = rng.permutation(count);
      for (let i = 0; i < take; i++) {
        examples[size + i] = start + pick[i]!;
        puzzles[size + i] = p;
      }
      size += take;
    }
    if (size < globalBatchSize) return; // drop the last incomplete batch
    yield { examples, puzzles };
  }
}

export interface TrainSchedule {
  readonly totalIters: number;
  readonly epochsPerIter: number;
  readonly totalSteps: number;
}

/**
 * Official pretrain.py arithmetic: epochs must be a multiple of evalInterval;
 * total_steps = int(epochs * total_groups * mean_puzzle_examples / global_batch_size).
 */
export function trainSchedule(meta: DatasetMetadata, cfg: { epochs: number; evalInterval?: number; globalBatchSize: number }): TrainSchedule {
  const epochsPerIter = cfg.evalInterval ?? cfg.epochs;
  if (!(Number.isInteger(cfg.epochs) && cfg.epochs > 0 && Number.isInteger(epochsPerIter) && epochsPerIter > 0)) {
    throw new ConfigError(`epochs (${cfg.epochs}) and eval_interval (${epochsPerIter}) must be positive integers`);
  }
  if (cfg.epochs % epochsPerIter !== 0) throw new ConfigError(`epochs (${cfg.epochs}) must be a multiple of eval_interval (${epochsPerIter})`);
  return {
    totalIters: cfg.epochs / epochsPerIter,
    epochsPerIter,
    totalSteps: Math.floor((cfg.epochs * meta.total_groups * meta.mean_puzzle_examples) / cfg.globalBatchSize),
  };
}

export class PuzzleLoader {
  readonly localBatchSize: number;
  private readonly rank: number;
  private iters = 0;

  constructor(readonly split: OpenSplit, private readonly opts: LoaderOptions) {
    const replicas = opts.numReplicas ?? 1;
    this.rank = opts.rank ?? 0;
    if (!Number.isInteger(opts.globalBatchSize) || opts.globalBatchSize <= 0 || opts.globalBatchSize % replicas !== 0) {
      throw new ConfigError(`global batch size ${opts.globalBatchSize} must be a positive multiple of the replica count ${replicas}`);
    }
    if (!(this.rank >= 0 && this.rank < replicas)) throw new ConfigError(`rank ${this.rank} outside [0, ${replicas})`);
    this.localBatchSize = opts.globalBatchSize / replicas;
  }

  get metadata(): DatasetMetadata {
    return this.split.metadata;
  }

  /** Train iterations done so far (the next one is seeded with seed + iterations + 1). */
  get iterations(): number {
    return this.iters;
  }

  /** Continue from a saved position: the next train() call runs iteration `iterations + 1`. */
  resumeAt(iterations: number): void {
    if (!(Number.isInteger(iterations) && iterations >= 0)) throw new ConfigError(`resumeAt: iterations must be a non-negative integer, got ${iterations}`);
    this.iters = iterations;
  }

  /** One train iteration over every set (official `_iter_train`). */
  *train(): Generator<Batch> {
    for (const set of this.split.sets) {
      this.iters++;
      const rng = new Rng(this.opts.seed + this.iters);
      for (const plan of planTrainBatches(set, rng, this.opts.epochsPerIter ?? 1, this.opts.globalBatchSize)) {
        const lo = this.rank * this.localBatchSize;
        const rows = plan.examples.subarray(lo, lo + this.localBatchSize);
        const puzzles = plan.puzzles.subarray(lo, lo + this.localBatchSize);
        yield this.collate(set, rows, puzzles, this.opts.globalBatchSize);
      }
    }
  }

  /** Sequential pass over every set (official `_iter_test`); the last batch is padded. */
  *test(): Generator<Batch> {
    const gbs = this.opts.globalBatchSize;
    for (const set of this.split.sets) {
      const total = set.inputs.rows;
      for (let start = 0; start < total; start += gbs) {
        const end = Math.min(total, start + gbs);
        const lo = Math.min(start + this.rank * this.localBatchSize, end);
        const hi = Math.min(start + (this.rank + 1) * this.localBatchSize, end);
        const rows = new Int32Array(hi - lo);
        const puzzles = new Int32Array(hi - lo);
        let p = upperBound(set.puzzleIndices, lo) - 1;
        for (let i = lo; i < hi; i++) {
          while (p + 1 < set.puzzleIndices.length && i >= set.puzzleIndices[p + 1]!) p++;
          rows[i - lo] = i;
          puzzles[i - lo] = p;
        }
        yield this.collate(set, rows, puzzles, end - start);
      }
    }
  }

  private collate(set: OpenSet, rows: Int32Array, puzzles: Int32Array, effectiveSize: number): Batch {
    const meta = this.split.metadata;
    const B = this.localBatchSize;
    const S = meta.seq_len;
    const inputs = new Int32Array(B * S).fill(meta.pad_id);
    const labels = new Int32Array(B * S).fill(IGNORE_LABEL_ID);
    const ids = new Int32Array(B).fill(meta.blank_identifier_id);
    for (let b = 0; b < rows.length; b++) {
      set.inputs.readRow(rows[b]!, inputs, b * S);
      set.labels.readRow(rows[b]!, labels, b * S);
      ids[b] = set.puzzleIdentifiers[puzzles[b]!]!;
    }
    const ignore = meta.ignore_label_id;
    if (ignore !== null) {
      const n = rows.length * S;
      for (let i = 0; i < n; i++) if (labels[i] === ignore) labels[i] = IGNORE_LABEL_ID;
    }
    return { setName: set.name, batchSize: B, seqLen: S, inputs, labels, puzzleIdentifiers: ids, effectiveSize };
  }
}

/** First index i with a[i] > x (numpy searchsorted side="right"). */
function upperBound(a: Int32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
