// Interop with NumPy: files written here load with np.load with the official dtypes and shapes, and
// arrays NumPy writes (int64 as the official Sudoku builder does) read back here. Needs Debian's
// python3-numpy (/usr/bin/python3); skipped with a reason outside CI, a failure in CI.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { Rng } from "../../src/engine/rng.js";
import { buildArcDataset } from "../../src/data/arc/build.js";
import { DIHEDRAL_IDS, dihedralTransform } from "../../src/data/dihedral.js";
import { gridToRows } from "../../src/data/grid.js";
import { openDatasetSplit } from "../../src/data/split-reader.js";
import { NpyFile } from "../../src/data/npy.js";
import { buildSudokuDataset } from "../../src/data/sudoku/build.js";
import { sharedPath, tempDir } from "./helpers.js";

const PYTHON = "/usr/bin/python3";
const probe = spawnSync(PYTHON, ["-c", "import numpy"], { encoding: "utf8" });
const numpyMissing = probe.status !== 0
  ? `${PYTHON} -c 'import numpy' failed (${probe.error?.message ?? probe.stderr.trim().split("\n").at(-1)}); install Debian's python3-numpy`
  : null;
if (numpyMissing !== null && process.env["CI"]) throw new Error(`interop test needs NumPy in CI: ${numpyMissing}`);

const tmp = tempDir("interop");
after(tmp.cleanup);

function python(script: string, ...args: string[]): unknown {
  const r = spawnSync(PYTHON, ["-c", script, ...args], { encoding: "utf8" });
  assert.equal(r.status, 0, `python failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as unknown;
}

const DESCRIBE = `
import json, sys, numpy as np
root = sys.argv[1]
out = {}
for split in ("train", "test"):
    meta = json.load(open(f"{root}/{split}/dataset.json"))
    for k in ("inputs", "labels", "puzzle_identifiers", "puzzle_indices", "group_indices"):
        a = np.load(f"{root}/{split}/all__{k}.npy")
        out[f"{split}/{k}"] = {"dtype": str(a.dtype), "shape": list(a.shape), "sum": int(a.astype(np.int64).sum()), "c": bool(a.flags.c_contiguous)}
    out[f"{split}/meta"] = meta
out["identifiers"] = len(json.load(open(f"{root}/identifiers.json")))
print(json.dumps(out))
`;

describe("NumPy interop", { skip: numpyMissing ?? false }, () => {
  it("np.load reads a Sudoku dataset with the official dtypes, shapes and values", async () => {
    const out = join(tmp.dir, "sudoku");
    await buildSudokuDataset({ train: sharedPath("data/sudoku/gen-k30/train.csv"), testHoldout: 7, subsampleSize: 12, numAug: 2, outDir: out, seed: 5 });
    const d = python(DESCRIBE, out) as Record<string, { dtype: string; shape: number[]; sum: number; c: boolean }>;
    assert.deepEqual([d["train/inputs"]!.dtype, d["train/inputs"]!.shape], ["uint8", [36, 81]]);
    assert.deepEqual([d["train/labels"]!.dtype, d["train/labels"]!.shape], ["uint8", [36, 81]]);
    assert.deepEqual([d["train/puzzle_identifiers"]!.dtype, d["train/puzzle_identifiers"]!.shape], ["int32", [36]]);
    assert.deepEqual([d["train/puzzle_indices"]!.dtype, d["train/puzzle_indices"]!.shape], ["int32", [37]]);
    assert.deepEqual([d["train/group_indices"]!.dtype, d["train/group_indices"]!.shape], ["int32", [13]]);
    assert.deepEqual(d["test/inputs"]!.shape, [7, 81]);
    assert.ok(d["train/inputs"]!.c);
    // every label row of a solved Sudoku sums to 9 * (45 + 9) in tokens (digit + 1)
    assert.equal(d["train/labels"]!.sum, 36 * 9 * 54);
    assert.deepEqual(d["train/meta"], { pad_id: 0, ignore_label_id: 0, blank_identifier_id: 0, vocab_size: 11, seq_len: 81, num_puzzle_identifiers: 1, total_groups: 12, mean_puzzle_examples: 1, sets: ["all"] });
    // our reader agrees with numpy on the sums
    const s = openDatasetSplit(out, "train");
    let sum = 0;
    const row = new Int32Array(81);
    for (let e = 0; e < 36; e++) { s.sets[0]!.inputs.readRow(e, row, 0); sum += row.reduce((a, b) => a + b, 0); }
    assert.equal(sum, d["train/inputs"]!.sum);
    s.close();
  });

  it("np.load reads an ARC dataset (uint8 [N, 900], int32 indices)", async () => {
    const out = join(tmp.dir, "arc");
    const r = await buildArcDataset({ inputDirs: [sharedPath("data/arc/conceptarc/corpus")], outDir: out, numAug: 2, seed: 1 });
    const d = python(DESCRIBE, out) as Record<string, { dtype: string; shape: number[] }>;
    assert.deepEqual([d["train/inputs"]!.dtype, d["train/inputs"]!.shape], ["uint8", [r.splits.train.examples, 900]]);
    assert.deepEqual([d["train/puzzle_identifiers"]!.dtype, d["train/puzzle_identifiers"]!.shape], ["int32", [r.splits.train.puzzles]]);
    assert.deepEqual(d["train/group_indices"]!.shape, [161]);
    assert.deepEqual(d["test/inputs"]!.shape, [0, 900], "ConceptARC alone has no evaluation folder");
    assert.equal(d["identifiers"], r.numPuzzleIdentifiers);
  });

  it("reads arrays NumPy writes (int64 inputs, as the official augmented Sudoku builder saves)", () => {
    const path = join(tmp.dir, "np.npy");
    python(`import sys, numpy as np; np.save(sys.argv[1], (np.arange(3 * 81, dtype=np.int64).reshape(3, 81) % 11)); print(1)`, path);
    const r = python(`import sys, numpy as np; a = np.load(sys.argv[1]); print(int(a[2].sum()))`, path) as number;
    const f = NpyFile.open(path);
    assert.deepEqual([f.dtype.descr, f.shape], ["<i8", [3, 81]]);
    assert.equal(f.readRows(2, 1).reduce((a, b) => a + b, 0), r);
    f.close();
  });

  it("dihedral transforms equal numpy's on a random grid", () => {
    const rng = new Rng(2);
    const g = { h: 4, w: 7, data: Uint8Array.from({ length: 28 }, () => rng.int(0, 9)) };
    const want = python(`
import json, sys, numpy as np
a = np.array(json.loads(sys.argv[1]))
f = [lambda x: x, lambda x: np.rot90(x, 1), lambda x: np.rot90(x, 2), lambda x: np.rot90(x, 3), np.fliplr, np.flipud, lambda x: x.T, lambda x: np.fliplr(np.rot90(x, 1))]
print(json.dumps([t(a).tolist() for t in f]))`, JSON.stringify(gridToRows(g))) as number[][][];
    for (const t of DIHEDRAL_IDS) assert.deepEqual(gridToRows(dihedralTransform(g, t)), want[t], `t=${t}`);
  });
});
