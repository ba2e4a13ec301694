import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { DataError } from "../../src/engine/errors.js";
import { Rng } from "../../src/engine/rng.js";
import { augmentGrid, augmentedName, invertAugmentedGrid, parseAugmentedName, randomArcAugmentation } from "../../src/data/arc/augment.js";
import { buildArcDataset } from "../../src/data/arc/build.js";
import { arcGridToTokens, cropArcTokens, findArcGrid } from "../../src/data/arc/serialize.js";
import { readArcTask } from "../../src/data/arc/task-node.js";
import { DIHEDRAL_IDS, DIHEDRAL_INVERSE, dihedralTransform } from "../../src/data/dihedral.js";
import { readIdentifiers } from "../../src/data/format.js";
import { type Grid, gridToRows, gridsEqual } from "../../src/data/grid.js";
import { openDatasetSplit } from "../../src/data/split-reader.js";
import { verifyDataset } from "../../src/data/verify.js";
import { sharedPath, tempDir } from "./helpers.js";

const tmp = tempDir("arc");
after(tmp.cleanup);

function randomGrid(rng: Rng): Grid {
  const h = rng.int(1, 30), w = rng.int(1, 30);
  return { h, w, data: Uint8Array.from({ length: h * w }, () => rng.int(0, 9)) };
}

describe("dihedral transforms", () => {
  it("match numpy on a 2x3 grid", () => {
    const g: Grid = { h: 2, w: 3, data: Uint8Array.from([1, 2, 3, 4, 5, 6]) };
    const want = [
      [[1, 2, 3], [4, 5, 6]], // identity
      [[3, 6], [2, 5], [1, 4]], // np.rot90
      [[6, 5, 4], [3, 2, 1]], // rot180
      [[4, 1], [5, 2], [6, 3]], // rot270
      [[3, 2, 1], [6, 5, 4]], // fliplr
      [[4, 5, 6], [1, 2, 3]], // flipud
      [[1, 4], [2, 5], [3, 6]], // transpose
      [[6, 3], [5, 2], [4, 1]], // fliplr(rot90)
    ];
    for (const t of DIHEDRAL_IDS) assert.deepEqual(gridToRows(dihedralTransform(g, t)), want[t], `t=${t}`);
  });

  it("every id composed with its inverse is the identity", () => {
    const rng = new Rng(11);
    for (const t of DIHEDRAL_IDS) {
      const g = randomGrid(rng);
      assert.ok(gridsEqual(dihedralTransform(dihedralTransform(g, t), DIHEDRAL_INVERSE[t]!), g), `t=${t}`);
    }
  });
});

describe("ARC augmentation", () => {
  it("inverse(forward(grid)) == grid for random grids, transforms and colour maps, also through the name", () => {
    const rng = new Rng(12);
    for (let n = 0; n < 400; n++) {
      const g = randomGrid(rng);
      const a = randomArcAugmentation(rng);
      assert.equal(a.colourMap[0], 0, "black stays black");
      const fwd = augmentGrid(g, a);
      assert.ok(gridsEqual(invertAugmentedGrid(fwd, a), g));
      const parsed = parseAugmentedName(augmentedName("task_x", a));
      assert.equal(parsed.task, "task_x");
      assert.ok(gridsEqual(invertAugmentedGrid(fwd, parsed.augmentation), g));
    }
    assert.deepEqual(parseAugmentedName("007bbfb7").augmented, false);
    assert.throws(() => parseAugmentedName("a_t1_1023456789"), /not a permutation of 0-9 that keeps 0/);
  });

  it("serialises with EOS row and column, and crop undoes it at (0, 0)", () => {
    const g: Grid = { h: 2, w: 3, data: Uint8Array.from([0, 1, 2, 3, 4, 9]) };
    const t = arcGridToTokens(g);
    assert.deepEqual(Array.from(t.subarray(0, 5)), [2, 3, 4, 1, 0]);
    assert.deepEqual(Array.from(t.subarray(30, 35)), [5, 6, 11, 1, 0]);
    assert.deepEqual(Array.from(t.subarray(60, 65)), [1, 1, 1, 0, 0]);
    assert.equal(t.reduce((s, x) => s + (x === 1 ? 1 : 0), 0), 5);
    assert.ok(gridsEqual(cropArcTokens(t), g));
    const moved = arcGridToTokens(g, 27, 26);
    assert.equal(moved[28 * 30 + 29], 1, "EOS column right of the grid");
    assert.equal(moved[29 * 30 + 26], 1, "EOS row below the grid");
    assert.equal(moved[29 * 30 + 29], 0, "the corner stays PAD");
    assert.ok(gridsEqual(findArcGrid(moved), g));
    const full: Grid = { h: 30, w: 30, data: new Uint8Array(900).fill(7) };
    assert.ok(gridsEqual(cropArcTokens(arcGridToTokens(full)), full), "no EOS when the grid fills the canvas");
    const rng = new Rng(3);
    for (let n = 0; n < 50; n++) { const r = randomGrid(rng); assert.ok(gridsEqual(cropArcTokens(arcGridToTokens(r)), r)); }
  });
});

describe("ARC builder", () => {
  it("builds ConceptARC minimal tasks with the official routing, identifiers and group layout", async () => {
    // a folder with an 'evaluation' sub-folder (test pairs -> test split) and a concept folder (all -> train)
    const root = join(tmp.dir, "mini");
    mkdirSync(join(root, "evaluation"), { recursive: true });
    mkdirSync(join(root, "Concept"), { recursive: true });
    const files = readdirSync(sharedPath("data/arc/conceptarc/MinimalTasks")).sort();
    for (const f of files.slice(0, 2)) writeFileSync(join(root, "evaluation", f), readFileSync(sharedPath("data/arc/conceptarc/MinimalTasks", f)));
    for (const f of files.slice(2, 5)) writeFileSync(join(root, "Concept", f), readFileSync(sharedPath("data/arc/conceptarc/MinimalTasks", f)));
    const out = join(tmp.dir, "mini-ds");
    const r = await buildArcDataset({ inputDirs: [root], outDir: out, numAug: 4, seed: 42 });
    const ids = readIdentifiers(out);
    assert.equal(ids[0], "<blank>");
    assert.equal(r.numPuzzleIdentifiers, ids.length);
    assert.equal(r.splits.train.groups, 5);
    assert.equal(r.splits.test.groups, 2);
    assert.deepEqual(verifyDataset(out).splits, r.splits);
    const train = openDatasetSplit(out, "train"), test = openDatasetSplit(out, "test");
    const tr = train.sets[0]!, te = test.sets[0]!;
    assert.equal(train.metadata.num_puzzle_identifiers, ids.length);
    assert.equal(test.metadata.num_puzzle_identifiers, ids.length);
    // every puzzle identifier is used once in train, with the name of its group's task
    assert.deepEqual(Array.from(tr.puzzleIdentifiers).sort((a, b) => a - b), Array.from({ length: ids.length - 1 }, (_, i) => i + 1));
    const tasks = new Map<string, { evaluation: boolean; demo: number; test: number }>();
    for (const f of files.slice(0, 5)) {
      const t = await readArcTask(sharedPath("data/arc/conceptarc/MinimalTasks", f), f.replace(".json", ""));
      tasks.set(t.name, { evaluation: files.indexOf(f) < 2, demo: t.train.length, test: t.test.length });
    }
    const inp = new Int32Array(900), lab = new Int32Array(900);
    for (let g = 0; g < 5; g++) {
      const p0 = tr.groupIndices[g]!, p1 = tr.groupIndices[g + 1]!;
      const task = parseAugmentedName(ids[tr.puzzleIdentifiers[p0]!]!).task;
      const info = tasks.get(task)!;
      assert.equal(p1 - p0, 5, "original + 4 augmentations");
      assert.equal(ids[tr.puzzleIdentifiers[p0]!], task, "the original comes first");
      for (let p = p0; p < p1; p++) {
        const name = ids[tr.puzzleIdentifiers[p]!]!;
        assert.equal(parseAugmentedName(name).task, task);
        const n = tr.puzzleIndices[p + 1]! - tr.puzzleIndices[p]!;
        assert.equal(n, info.evaluation ? info.demo : info.demo + info.test, `${name}: demos (+ tests unless evaluation)`);
        let atOrigin = 0;
        for (let e = tr.puzzleIndices[p]!; e < tr.puzzleIndices[p + 1]!; e++) {
          tr.inputs.readRow(e, inp, 0);
          tr.labels.readRow(e, lab, 0);
          if (inp[0]! >= 2 && lab[0]! >= 2) atOrigin++;
        }
        assert.ok(atOrigin >= 1, "one example per puzzle stays at (0, 0)");
      }
    }
    // test split: only evaluation tasks, same identifiers as their train puzzles, untranslated, invertible
    const trainIds = new Set(tr.puzzleIdentifiers);
    for (let p = 0; p < te.puzzleIdentifiers.length; p++) {
      const name = ids[te.puzzleIdentifiers[p]!]!;
      assert.ok(trainIds.has(te.puzzleIdentifiers[p]!));
      const { task, augmentation } = parseAugmentedName(name);
      const info = tasks.get(task)!;
      assert.ok(info.evaluation);
      assert.equal(te.puzzleIndices[p + 1]! - te.puzzleIndices[p]!, info.test);
      const original = await readArcTask(join(root, "evaluation", `${task}.json`), task);
      for (let k = 0; k < info.test; k++) {
        te.inputs.readRow(te.puzzleIndices[p]! + k, inp, 0);
        te.labels.readRow(te.puzzleIndices[p]! + k, lab, 0);
        assert.ok(gridsEqual(invertAugmentedGrid(cropArcTokens(inp), augmentation), original.test[k]!.input), name);
        assert.ok(gridsEqual(invertAugmentedGrid(cropArcTokens(lab), augmentation), original.test[k]!.output), name);
      }
    }
    train.close(); test.close();
    // same seed -> byte-identical
    const again = join(tmp.dir, "mini-ds2");
    await buildArcDataset({ inputDirs: [root], outDir: again, numAug: 4, seed: 42 });
    for (const f of ["identifiers.json", "train/all__inputs.npy", "train/all__labels.npy", "test/all__inputs.npy", "train/all__puzzle_identifiers.npy"]) {
      assert.ok(readFileSync(join(out, f)).equals(readFileSync(join(again, f))), f);
    }
  });

  it("runs on the real ARC-AGI-1 and ConceptARC corpus folders", async () => {
    const out = join(tmp.dir, "arc1");
    const r = await buildArcDataset({ inputDirs: [sharedPath("data/arc/arc-agi-1"), sharedPath("data/arc/conceptarc/corpus")], outDir: out, numAug: 1 });
    assert.equal(r.counts["tasks"], 960);
    assert.equal(r.counts["tasks.arc-agi-1/evaluation"], 400);
    assert.equal(r.counts["tasks.arc-agi-1/training"], 400);
    assert.equal(r.splits.train.groups, 960);
    assert.equal(r.splits.test.groups, 400);
    assert.equal(r.numPuzzleIdentifiers, 1 + 960 * 2);
    assert.equal(r.counts["tasksTestFirst"], 39, "the ARC-AGI-1 training tasks whose JSON lists \"test\" first (ConceptARC has none)");
    assert.equal(readIdentifiers(out).length, r.numPuzzleIdentifiers);
  });

  it("keeps a task file's key order: \"test\" listed first puts the test pairs first in train, as the official builder", async () => {
    const root = join(tmp.dir, "order");
    for (const sub of ["training", "evaluation"]) mkdirSync(join(root, sub), { recursive: true });
    const pair = (a: number, b: number): { input: number[][]; output: number[][] } => ({ input: [[a, a]], output: [[b], [b]] });
    // key order is the file's: "test" first in one task, "train" first in the other
    writeFileSync(join(root, "training", "tf.json"), `{"test": ${JSON.stringify([pair(7, 8)])}, "train": ${JSON.stringify([pair(1, 2), pair(3, 4)])}}`);
    writeFileSync(join(root, "training", "rf.json"), JSON.stringify({ train: [pair(1, 2), pair(3, 4)], test: [pair(7, 8)] }));
    writeFileSync(join(root, "evaluation", "ev.json"), `{"test": ${JSON.stringify([pair(7, 8)])}, "train": ${JSON.stringify([pair(1, 2), pair(3, 4)])}}`);
    assert.equal((await readArcTask(join(root, "training", "tf.json"), "tf")).testFirst, true);
    assert.equal((await readArcTask(join(root, "training", "rf.json"), "rf")).testFirst, false);
    const out = join(tmp.dir, "order-ds");
    const r = await buildArcDataset({ inputDirs: [root], outDir: out, numAug: 3, seed: 5 });
    assert.equal(r.counts["tasksTestFirst"], 1, "evaluation tasks send their tests to the test split: order does not apply");
    const ids = readIdentifiers(out);
    const split = openDatasetSplit(out, "train"), tr = split.sets[0]!;
    const inp = new Int32Array(900), lab = new Int32Array(900);
    const seen = new Set<string>();
    for (let p = 0; p < tr.puzzleIdentifiers.length; p++) {
      const { task, augmentation } = parseAugmentedName(ids[tr.puzzleIdentifiers[p]!]!);
      const colours: number[] = [];
      for (let e = tr.puzzleIndices[p]!; e < tr.puzzleIndices[p + 1]!; e++) {
        tr.inputs.readRow(e, inp, 0);
        tr.labels.readRow(e, lab, 0);
        const x = invertAugmentedGrid(findArcGrid(inp), augmentation), y = invertAugmentedGrid(findArcGrid(lab), augmentation);
        assert.deepEqual([x.h, x.w, y.h, y.w], [1, 2, 2, 1]);
        colours.push(x.data[0]!, y.data[0]!);
      }
      // every puzzle of a group (the original and its augmentations) in the same order
      const want = task === "tf" ? [7, 8, 1, 2, 3, 4] : task === "rf" ? [1, 2, 3, 4, 7, 8] : [1, 2, 3, 4];
      assert.deepEqual(colours, want, ids[tr.puzzleIdentifiers[p]!]);
      seen.add(task);
    }
    split.close();
    assert.deepEqual([...seen].sort(), ["ev", "rf", "tf"]);
  });

  it("rejects ragged grids and colours out of range, naming the task, and writes nothing", async () => {
    const root = join(tmp.dir, "bad");
    mkdirSync(join(root, "training"), { recursive: true });
    const out = join(tmp.dir, "bad-out");
    const cases: [unknown, RegExp][] = [
      [{ train: [{ input: [[1, 2], [3]], output: [[1]] }], test: [{ input: [[1]], output: [[1]] }] }, /t1\.json \(task t1\): train pair 1 input: ragged grid: row 2 has 1 cells, row 1 has 2/],
      [{ train: [{ input: [[1]], output: [[1]] }], test: [{ input: [[1, 10]], output: [[1]] }] }, /\(task t1\): test pair 1 input: colour 10 at row 1, column 2 is out of range/],
      [{ train: [{ input: [[1]], output: [[1]] }], test: [{ input: [[1]] }] }, /\(task t1\): test pair 1: missing "output"/],
      [{ train: [{ input: [[1]], output: Array(31).fill([1]) }], test: [{ input: [[1]], output: [[1]] }] }, /train pair 1 output: grid is 31x1, larger than 30x30/],
    ];
    writeFileSync(join(root, "training", "t0.json"), JSON.stringify({ train: [{ input: [[1]], output: [[2]] }], test: [{ input: [[1]], output: [[2]] }] }));
    for (const [json, re] of cases) {
      writeFileSync(join(root, "training", "t1.json"), JSON.stringify(json));
      await assert.rejects(buildArcDataset({ inputDirs: [root], outDir: out, numAug: 2 }), (e: unknown) => e instanceof DataError && re.test(e.message), String(re));
      assert.equal(existsSync(out), false);
    }
    writeFileSync(join(root, "training", "t1.json"), "{not json");
    await assert.rejects(buildArcDataset({ inputDirs: [root], outDir: out }), /t1\.json \(task t1\): invalid JSON/);
    assert.deepEqual(readdirSync(tmp.dir).filter((f) => f.startsWith("bad-out")), []);
  });
});
