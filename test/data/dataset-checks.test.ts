// Opening a dataset refuses what training must not see: a folder missing identifiers.json or a split's
// dataset.json (an interrupted build), a train split without examples, and input tokens or labels
// outside [0, vocab_size) (other than ignore_label_id), named by file, split, row and position.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { writeBlankIdentifiers, writeDataset } from "../../src/data/dataset-writer.js";
import { PuzzleLoader } from "../../src/data/loader.js";
import { openDatasetSplit } from "../../src/data/split-reader.js";
import { SUDOKU_VOCAB, buildSudokuDataset } from "../../src/data/sudoku/build.js";
import { verifyDataset } from "../../src/data/verify.js";
import { DataError } from "../../src/engine/errors.js";
import { writeSudokuCsv } from "./fixtures.js";
import { REPO_ROOT, tempDir } from "./helpers.js";

const tmp = tempDir("ds-checks");
after(tmp.cleanup);
const good = join(tmp.dir, "good");

before(async () => {
  const csv = join(tmp.dir, "s.csv");
  writeSudokuCsv(csv, 12, 3);
  await buildSudokuDataset({ train: csv, testHoldout: 2, outDir: good });
});

function copy(name: string): string {
  const dir = join(tmp.dir, name);
  cpSync(good, dir, { recursive: true });
  return dir;
}

/** Overwrite one uint8 value of inputs/labels: row `row`, position `pos`. */
function poke(dir: string, split: string, what: "inputs" | "labels", row: number, pos: number, value: number): void {
  const file = join(dir, split, `all__${what}.npy`);
  const bytes = readFileSync(file);
  const rows = split === "train" ? 10 : 2;
  bytes[bytes.length - rows * 81 + row * 81 + pos] = value;
  writeFileSync(file, bytes);
}

const isDataError = (re: RegExp) => (e: unknown): boolean => e instanceof DataError && re.test(e.message) && !e.message.includes("\n");

function hrm(...args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, "dist/src/cli/main.js"), ...args], { encoding: "utf8", cwd: tmp.dir });
  return { status: r.status, stderr: r.stderr };
}

describe("dataset folder checks", () => {
  it("refuses a folder without identifiers.json or a split's dataset.json, naming what is missing", () => {
    const a = copy("no-ids");
    rmSync(join(a, "identifiers.json"));
    assert.throws(() => openDatasetSplit(a, "train"), isDataError(/incomplete dataset folder, missing identifiers\.json \(/));
    const b = copy("train-only"); // what a build killed between the splits left behind
    rmSync(join(b, "test"), { recursive: true });
    rmSync(join(b, "identifiers.json"));
    assert.throws(() => openDatasetSplit(b, "train"), isDataError(/missing identifiers\.json, test\/dataset\.json/));
    assert.throws(() => verifyDataset(b), isDataError(/incomplete dataset folder/));
    assert.throws(() => openDatasetSplit(join(tmp.dir, "nowhere"), "train"), isDataError(/no such dataset folder/));
    const v = hrm("data", "verify", b);
    assert.equal(v.status, 1);
    assert.match(v.stderr, /^hrm data: DataError: .*train-only: incomplete dataset folder, missing identifiers\.json, test\/dataset\.json/);
    assert.equal(v.stderr.trim().split("\n").length, 1);
  });

  it("refuses a train split with 0 examples, accepts an empty test split", async () => {
    const dir = join(tmp.dir, "empty-train");
    await writeDataset({ outDir: dir }, SUDOKU_VOCAB, async ({ test, dir: d }) => {
      test.addExample(new Uint8Array(81).fill(1), new Uint8Array(81).fill(2));
      test.endPuzzle(0);
      test.endGroup();
      writeBlankIdentifiers(d);
      return 1;
    });
    assert.throws(() => openDatasetSplit(dir, "train"), isDataError(/empty-train\/train: 0 training examples; nothing to train on/));
    const s = openDatasetSplit(dir, "test");
    assert.equal(s.sets[0]!.inputs.rows, 1);
    s.close();
  });

  it("names file, split, row and position of a label or input token outside [0, vocab)", () => {
    const dir = copy("bad-label");
    poke(dir, "train", "labels", 7, 40, 11);
    assert.throws(() => verifyDataset(dir), isDataError(/train\/all__labels\.npy \(split train\): row 7, position 40 has label 11, outside \[0, vocab_size = 11\) and not ignore_label_id 0/));
    for (const preloadBytes of [0, 1 << 30]) { // read from disk and from memory
      const split = openDatasetSplit(dir, "train", { preloadBytes });
      const loader = new PuzzleLoader(split, { seed: 0, globalBatchSize: 10 });
      assert.throws(() => [...loader.test()], isDataError(/all__labels\.npy \(split train\): row 7, position 40 has label 11/));
      split.close();
    }
    const inp = copy("bad-input");
    poke(inp, "test", "inputs", 1, 80, 200);
    assert.throws(() => verifyDataset(inp), isDataError(/test\/all__inputs\.npy \(split test\): row 1, position 80 has input token 200, outside \[0, vocab_size = 11\)$/));
    const split = openDatasetSplit(inp, "test");
    const out = new Int32Array(81);
    split.sets[0]!.inputs.readRow(0, out, 0);
    assert.throws(() => split.sets[0]!.inputs.readRow(1, out, 0), isDataError(/all__inputs\.npy \(split test\): row 1, position 80 has input token 200/));
    split.close();
    assert.ok(statSync(good).isDirectory());
    verifyDataset(good); // the untouched original passes
  });
});
