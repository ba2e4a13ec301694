// `hrm eval` end to end: on a Sudoku dataset its metrics equal evaluateSplit's (official metrics and the
// per-segment table); on an ARC dataset built from two real evaluation tasks it votes over the augmented
// copies and writes an ARC Prize submission with one entry per test input; on a maze dataset --tta takes at
// most the 8 dihedral views.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { buildArcDataset } from "../../src/data/arc/build.js";
import { readMetadata } from "../../src/data/format.js";
import { buildMazeDataset } from "../../src/data/maze/build.js";
import { openDatasetSplit } from "../../src/data/split-reader.js";
import { buildSudokuDataset } from "../../src/data/sudoku/build.js";
import { makeCtx } from "../../src/engine/context.js";
import { evaluateSplit } from "../../src/eval/evaluate.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import { saveModel, tinyModel } from "../solve/helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "hrm-eval-cli-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ["dist/src/cli/main.js", "eval", "--kernels", "reference", ...args], { encoding: "utf8" });
}

test("hrm eval on a Sudoku dataset: official metrics and per-segment table equal evaluateSplit's", async () => {
  const data = join(tmp, "sudoku-data");
  await buildSudokuDataset({ train: "../shared/data/sudoku/tdoku_forum_hardest_1106.csv", testHoldout: 7, subsampleSize: 5, outDir: data, seed: 1 });
  const model = tinyModel({});
  const dir = saveModel(join(tmp, "sudoku-ckpt"), model);
  const r = cli(["--checkpoint", dir, "--data", data, "--batch-size", "4", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { count: number; metrics: Record<string, number>; per_segment: Array<Record<string, number>>; loss_type: string; arc?: unknown };
  const split = openDatasetSplit(data, "test");
  const lib = evaluateSplit(makeCtx(referenceKernels), model, split, { batchSize: 4, lossType: "stablemax_cross_entropy" });
  split.close();
  assert.equal(out.count, 7);
  assert.equal(lib.count, 7);
  assert.deepEqual(out.metrics, lib.metrics);
  assert.deepEqual(out.per_segment, JSON.parse(JSON.stringify(lib.perSegment)));
  assert.equal(out.per_segment.length, 3);
  assert.equal(out.metrics["steps"], 3, "every example runs halt_max_steps segments");
  assert.ok(out.metrics["accuracy"]! > 0 && out.metrics["accuracy"]! < 1);
  assert.equal(out.loss_type, "stablemax_cross_entropy");
  assert.equal(out.arc, undefined, "no ARC vote for Sudoku");
  const text = cli(["--checkpoint", dir, "--data", data, "--max-examples", "3", "--batch-size", "2"]);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /official metrics \(final segment, 3 examples/);
  assert.match(text.stdout, /exact_accuracy +\d\.\d{6}/);
  assert.equal(text.stdout.split("\n").filter((l) => /^ +[123] +\d\.\d{4} +\d\.\d{4} +\d\.\d{4}$/.test(l)).length, 3, "one table row per segment");
  const bad = cli(["--checkpoint", saveModel(join(tmp, "maze-ckpt"), tinyModel({ seq_len: 16, vocab_size: 6 })), "--data", data]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /dataset .* has seq_len 81, vocab_size 11; the checkpoint was built for seq_len 16, vocab_size 6/);
});

test("hrm eval on an ARC dataset: votes over augmented copies, pass@K, submission.json per test input", async () => {
  const src = join(tmp, "arc-src", "evaluation");
  mkdirSync(src, { recursive: true });
  for (const t of ["00576224", "009d5c81"]) copyFileSync(`../shared/data/arc/arc-agi-1/evaluation/${t}.json`, join(src, `${t}.json`));
  const data = join(tmp, "arc-data");
  await buildArcDataset({ inputDirs: [join(tmp, "arc-src")], outDir: data, numAug: 1, seed: 42 });
  const meta = readMetadata(data, "test");
  const dir = saveModel(join(tmp, "arc-ckpt"), tinyModel({ seq_len: 900, vocab_size: 12, num_puzzle_identifiers: meta.num_puzzle_identifiers, L_cycles: 1, halt_max_steps: 1 }));
  const submission = join(tmp, "out", "submission.json");
  mkdirSync(join(tmp, "out"));
  const r = cli(["--checkpoint", dir, "--data", data, "--submission", submission, "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { count: number; batch_size: number; arc: { pass_at_k: Record<string, number>; tasks: number; rows: number } };
  assert.equal(out.batch_size, 4, "default batch: no more rows than examples");
  assert.equal(out.count, 4, "2 tasks x (original + 1 augmentation) x 1 test input");
  assert.equal(out.arc.rows, 4);
  assert.equal(out.arc.tasks, 2);
  assert.deepEqual(Object.keys(out.arc.pass_at_k), ["1", "2", "10", "100", "1000"]);
  for (const v of Object.values(out.arc.pass_at_k)) assert.ok(v === 0 || v === 0.5 || v === 1);
  const sub = JSON.parse(readFileSync(submission, "utf8")) as Record<string, Array<{ attempt_1: number[][]; attempt_2: number[][] }>>;
  assert.deepEqual(Object.keys(sub).sort(), ["00576224", "009d5c81"]);
  for (const entries of Object.values(sub)) {
    assert.equal(entries.length, 1);
    for (const g of [entries[0]!.attempt_1, entries[0]!.attempt_2]) {
      assert.ok(g.length >= 1 && g.every((row) => row.length === g[0]!.length && row.every((c) => Number.isInteger(c) && c >= 0 && c <= 9)));
    }
  }
});

test("hrm eval --tta on a maze dataset takes at most the 8 dihedral views: --tta 9 is a usage error before evaluating", async () => {
  const data = join(tmp, "maze-data");
  await buildMazeDataset({ outDir: data, seed: 3, writeSourceCsv: false, generate: { trainCount: 2, testCount: 2, size: 6, minPathLength: 4 } });
  const dir = saveModel(join(tmp, "maze6-ckpt"), tinyModel({ seq_len: 36, vocab_size: 6 }));
  const bad = cli(["--checkpoint", dir, "--data", data, "--tta", "9", "--json"]);
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /--tta for mazes takes at most 8 views \(the dihedral symmetries\), got 9/);
  assert.equal(bad.stdout, "", "refused before any result is printed");
  const zero = cli(["--checkpoint", dir, "--data", data, "--tta", "0"]);
  assert.equal(zero.status, 2);
  assert.match(zero.stderr, /--tta must be a positive integer, got 0/);
  const ok = cli(["--checkpoint", dir, "--data", data, "--tta", "8", "--json"]);
  assert.equal(ok.status, 0, ok.stderr);
  const j = JSON.parse(ok.stdout) as { count: number; tta: { views: number; puzzles: number } };
  assert.deepEqual([j.count, j.tta.views, j.tta.puzzles], [2, 8, 2]);
});
