import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ConfigError } from "../../src/engine/errors.js";
import { Rng } from "../../src/engine/rng.js";
import { writeBlankIdentifiers } from "../../src/data/dataset-writer.js";
import { IGNORE_LABEL_ID, readMetadata } from "../../src/data/format.js";
import { type Batch, PuzzleLoader, planTrainBatches, trainSchedule } from "../../src/data/loader.js";
import { openDatasetSplit } from "../../src/data/split-reader.js";
import { SplitWriter } from "../../src/data/split-writer.js";
import { tempDir } from "./helpers.js";

const tmp = tempDir("loader");
after(tmp.cleanup);

const SEQ = 4;

/**
 * A dataset whose example e has input [e % 256, e >> 8, 1, 2] and label [e % 256, 0, 3, 4]
 * (label 0 = ignore). Group g has sizes[g] puzzles; puzzle p has 1 + (p % maxEx) examples; puzzle
 * identifier = p + 1.
 */
function makeDataset(name: string, groupSizes: number[], maxEx: number): { root: string; puzzleOf: number[] } {
  const root = join(tmp.dir, name);
  mkdirSync(root);
  const puzzleOf: number[] = [];
  const vocab = { vocabSize: 256, seqLen: SEQ, padId: 0, ignoreLabelId: 0, blankIdentifierId: 0 };
  let e = 0, p = 0;
  const total = groupSizes.reduce((a, b) => a + b, 0);
  for (const split of ["train", "test"] as const) {
    const w = new SplitWriter(root, split, vocab);
    if (split === "train") {
      for (const size of groupSizes) {
        for (let k = 0; k < size; k++) {
          for (let x = 0; x <= p % maxEx; x++) {
            w.addExample(Uint8Array.from([e % 256, e >> 8, 1, 2]), Uint8Array.from([e % 256, 0, 3, 4]));
            puzzleOf.push(p);
            e++;
          }
          w.endPuzzle(p + 1);
          p++;
        }
        w.endGroup();
      }
    } else {
      for (let k = 0; k < 3; k++) { w.addExample(Uint8Array.from([k, 0, 1, 2]), Uint8Array.from([k, 0, 3, 4])); w.addExample(Uint8Array.from([k, 1, 1, 2]), Uint8Array.from([k, 1, 3, 4])); w.endPuzzle(k + 1); w.endGroup(); }
    }
    w.finish(total + 1);
  }
  writeBlankIdentifiers(root);
  return { root, puzzleOf };
}

const exampleOf = (b: Batch, row: number): number => b.inputs[row * SEQ]! + 256 * b.inputs[row * SEQ + 1]!;

describe("loader, train mode", () => {
  const { root, puzzleOf } = makeDataset("multi", [3, 1, 4, 2, 5, 1, 2], 3);

  it("yields only full batches whose rows match their puzzle identifiers, with labels mapped to -100", () => {
    const split = openDatasetSplit(root, "train");
    // one epoch per iteration: each puzzle appears at most once, so its rows must be distinct examples
    const loader = new PuzzleLoader(split, { seed: 0, globalBatchSize: 4, epochsPerIter: 1 });
    let batches = 0;
    for (const b of loader.train()) {
      batches++;
      assert.equal(b.batchSize, 4);
      assert.equal(b.effectiveSize, 4);
      const seenInPuzzle = new Set<number>();
      for (let r = 0; r < 4; r++) {
        const e = exampleOf(b, r);
        assert.equal(b.puzzleIdentifiers[r], puzzleOf[e]! + 1, `row ${r} example ${e}`);
        assert.ok(!seenInPuzzle.has(e), "examples of one puzzle are drawn without replacement");
        seenInPuzzle.add(e);
        assert.deepEqual(Array.from(b.labels.subarray(r * SEQ, r * SEQ + SEQ)), [e % 256 === 0 ? IGNORE_LABEL_ID : e % 256, IGNORE_LABEL_ID, 3, 4]);
      }
    }
    assert.ok(batches >= 2);
    assert.equal(loader.iterations, 1);
    split.close();
  });

  it("is seeded: the same seed repeats, the next iteration differs", () => {
    const split = openDatasetSplit(root, "train");
    const run = (l: PuzzleLoader) => Array.from(l.train(), (b) => Array.from(b.inputs).join(","));
    const a = new PuzzleLoader(split, { seed: 9, globalBatchSize: 4, epochsPerIter: 2 });
    const b = new PuzzleLoader(split, { seed: 9, globalBatchSize: 4, epochsPerIter: 2 });
    const first = run(a);
    assert.deepEqual(run(b), first);
    assert.notDeepEqual(run(a), first);
    // the iteration with counter k uses seed + k: seed 10's first iteration is seed 9's second
    const nine = new PuzzleLoader(split, { seed: 9, globalBatchSize: 4, epochsPerIter: 2 });
    run(nine);
    assert.deepEqual(run(new PuzzleLoader(split, { seed: 10, globalBatchSize: 4, epochsPerIter: 2 })), run(nine));
    split.close();
  });

  it("splits each global batch between ranks", () => {
    const split = openDatasetSplit(root, "train");
    const whole = Array.from(new PuzzleLoader(split, { seed: 1, globalBatchSize: 6, epochsPerIter: 3 }).train());
    const r0 = Array.from(new PuzzleLoader(split, { seed: 1, globalBatchSize: 6, epochsPerIter: 3, rank: 0, numReplicas: 2 }).train());
    const r1 = Array.from(new PuzzleLoader(split, { seed: 1, globalBatchSize: 6, epochsPerIter: 3, rank: 1, numReplicas: 2 }).train());
    assert.equal(r0.length, whole.length);
    whole.forEach((b, k) => {
      assert.equal(r0[k]!.batchSize, 3);
      assert.deepEqual([...r0[k]!.inputs, ...r1[k]!.inputs], Array.from(b.inputs));
      assert.deepEqual([...r0[k]!.puzzleIdentifiers, ...r1[k]!.puzzleIdentifiers], Array.from(b.puzzleIdentifiers));
    });
    assert.throws(() => new PuzzleLoader(split, { seed: 1, globalBatchSize: 5, numReplicas: 2 }), ConfigError);
    split.close();
  });

  it("visits every group epochsPerIter times in group order (single-example puzzles)", () => {
    const groups = 10, epochs = 6, batch = 4;
    const groupIndices = Int32Array.from({ length: groups + 1 }, (_, g) => g * 2); // 2 puzzles per group
    const puzzleIndices = Int32Array.from({ length: 2 * groups + 1 }, (_, p) => p);
    const plans = Array.from(planTrainBatches({ groupIndices, puzzleIndices }, new Rng(3), epochs, batch));
    assert.equal(plans.length, Math.floor((groups * epochs) / batch));
    const visits = new Array<number>(groups).fill(0);
    for (const pl of plans) for (const p of pl.puzzles) visits[Math.floor(p / 2)]!++;
    assert.deepEqual(visits, new Array(groups).fill(epochs));
    for (const pl of plans) assert.deepEqual(Array.from(pl.examples), Array.from(pl.puzzles));
  });

  it("computes the official step arithmetic", () => {
    const meta = { ...readMetadata(root, "train"), total_groups: 1000, mean_puzzle_examples: 1 };
    assert.deepEqual(trainSchedule(meta, { epochs: 20000, evalInterval: 2000, globalBatchSize: 768 }), { totalIters: 10, epochsPerIter: 2000, totalSteps: 26041 });
    assert.equal(Array.from(planTrainBatches({ groupIndices: Int32Array.from({ length: 1001 }, (_, g) => g), puzzleIndices: Int32Array.from({ length: 1001 }, (_, p) => p) }, new Rng(0), 2000, 768)).length, 2604);
    assert.throws(() => trainSchedule(meta, { epochs: 100, evalInterval: 30, globalBatchSize: 8 }), /multiple of eval_interval/);
  });
});

describe("loader, test mode", () => {
  const { root } = makeDataset("seq", [2, 2], 2);

  it("goes through examples in order and pads the last batch", () => {
    const split = openDatasetSplit(root, "test");
    const batches = Array.from(new PuzzleLoader(split, { seed: 0, globalBatchSize: 4 }).test());
    assert.equal(batches.length, 2);
    assert.deepEqual(batches.map((b) => b.effectiveSize), [4, 2]);
    // rows: puzzle k has examples [k, 0, ...] and [k, 1, ...]
    assert.deepEqual(Array.from(batches[0]!.inputs), [0, 0, 1, 2, 0, 1, 1, 2, 1, 0, 1, 2, 1, 1, 1, 2]);
    assert.deepEqual(Array.from(batches[0]!.puzzleIdentifiers), [1, 1, 2, 2]);
    const last = batches[1]!;
    assert.deepEqual(Array.from(last.inputs), [2, 0, 1, 2, 2, 1, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(Array.from(last.labels.subarray(8)), new Array(8).fill(IGNORE_LABEL_ID));
    assert.deepEqual(Array.from(last.labels.subarray(0, 4)), [2, IGNORE_LABEL_ID, 3, 4]);
    assert.deepEqual(Array.from(last.puzzleIdentifiers), [3, 3, 0, 0]);
    split.close();
  });

  it("gives each rank its slice, looking up the puzzle of a slice that starts mid-puzzle", () => {
    const split = openDatasetSplit(root, "test", { preloadBytes: 0 }); // read rows from disk
    const r1 = Array.from(new PuzzleLoader(split, { seed: 0, globalBatchSize: 6, rank: 1, numReplicas: 2 }).test());
    assert.equal(r1.length, 1);
    assert.deepEqual(Array.from(r1[0]!.inputs), [1, 1, 1, 2, 2, 0, 1, 2, 2, 1, 1, 2]);
    assert.deepEqual(Array.from(r1[0]!.puzzleIdentifiers), [2, 3, 3]);
    split.close();
  });
});
