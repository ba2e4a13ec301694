// Every command on a TRM checkpoint (a tiny mlp_t model trained for a few steps): train keeps an EMA and
// writes it beside the live weights; eval, solve, analyze and freeze pick EMA or live weights as asked, and
// what they compute equals the library's on the same weights.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { buildSudokuDataset } from "../../src/data/sudoku/build.js";
import { openDatasetSplit } from "../../src/data/split-reader.js";
import { makeCtx } from "../../src/engine/context.js";
import { evaluateSplit } from "../../src/eval/evaluate.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import { checkpointName } from "../../src/train/checkpoint.js";
import { loadCheckpointModel } from "../../src/io/checkpoint-model-node.js";
import { presetConfig } from "../../src/train/presets.js";

const CLI = "dist/src/cli/main.js";
const PUZZLE = "..9716425..29853.6..7.24.98..1.5.2436.41.2..97.38.9..1..8..391.9.5.718621.62985.4";
const dir = mkdtempSync(join(tmpdir(), "hrm-trm-cmd-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const data = join(dir, "data"), run = join(dir, "run");
let ckpt = "";

function hrm(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
}

before(async () => {
  await buildSudokuDataset({ train: "../shared/data/sudoku/gen-k30/train.csv", test: "../shared/data/sudoku/gen-k30/test.csv", subsampleSize: 30, numAug: 2, outDir: data, seed: 2 });
  writeFileSync(join(dir, "cfg.json"), JSON.stringify({ ...presetConfig("trm-tiny"), data_path: data, run_dir: run, kernels: "reference", max_steps: 6, eval_max_examples: 8 }));
  const r = hrm(["train", "--config", join(dir, "cfg.json"), "--no-progress"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /TRM \(mlp_t\)/);
  ckpt = join(run, "checkpoints", checkpointName(6));
});

test("a TRM run writes its family, live weights and an EMA copy; its eval lines say which weights", () => {
  const cfg = JSON.parse(readFileSync(join(ckpt, "config.json"), "utf8")) as Record<string, unknown>;
  assert.equal(cfg["model_family"], "trm");
  assert.ok(existsSync(join(ckpt, "ema.safetensors")));
  const evals = readFileSync(join(run, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => "eval" in l);
  assert.ok(evals.length >= 1);
  for (const e of evals) {
    assert.equal(e["eval_weights"], "ema");
    assert.equal(typeof e["train_time"], "number");
    assert.ok((e["train_time"] as number) <= (e["time"] as number));
  }
});

test("hrm eval --weights ema|live: each equals the library's evaluation of those weights", () => {
  const split = openDatasetSplit(data, "test");
  try {
    for (const weights of ["ema", "live"] as const) {
      const r = hrm(["eval", "--checkpoint", ckpt, "--data", data, "--kernels", "reference", "--weights", weights, "--max-examples", "8", "--batch-size", "8", "--json"]);
      assert.equal(r.status, 0, r.stderr);
      const got = JSON.parse(r.stdout) as { metrics: Record<string, number> };
      const lib = evaluateSplit(makeCtx(referenceKernels), loadCheckpointModel(ckpt, weights), split, { batchSize: 8, lossType: "stablemax_cross_entropy", maxExamples: 8 });
      assert.deepEqual(got.metrics, lib.metrics, `${weights} weights`);
    }
  } finally {
    split.close();
  }
  const live = loadCheckpointModel(ckpt, "live"), ema = loadCheckpointModel(ckpt, "ema");
  assert.notDeepEqual(live.params.flat, ema.params.flat, "the EMA is a different set of weights");
  assert.deepEqual(loadCheckpointModel(ckpt).params.flat, ema.params.flat, "auto picks the EMA");
});

test("hrm freeze bakes the EMA weights into an inference folder that every command loads as is", () => {
  const frozen = join(dir, "frozen");
  const r = hrm(["freeze", "--checkpoint", ckpt, "--out", frozen]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /TRM model, .* ema weights/);
  assert.equal(existsSync(join(frozen, "ema.safetensors")), false);
  assert.deepEqual(loadCheckpointModel(frozen).params.flat, loadCheckpointModel(ckpt, "ema").params.flat);
  assert.throws(() => loadCheckpointModel(frozen, "ema"), /no ema.safetensors/);
});

test("hrm solve on a TRM checkpoint halts by the model's own rule (q_halt > 0) and shows every segment", () => {
  const r = hrm(["solve", "--checkpoint", ckpt, "--sudoku", PUZZLE, "--kernels", "reference", "--halting", "adaptive", "--max-segments", "3", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { halt_rule: string; segments: unknown[] };
  assert.equal(j.halt_rule, "q_halt > 0");
  assert.ok(j.segments.length >= 1 && j.segments.length <= 3);
});

test("hrm eval --tta on a TRM Sudoku checkpoint reports the verified-view accuracy", () => {
  const r = hrm(["eval", "--checkpoint", ckpt, "--data", data, "--kernels", "reference", "--max-examples", "4", "--batch-size", "8", "--tta", "2", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { tta: { views: number; puzzles: number; exact_accuracy: number; verified: number } };
  assert.equal(j.tta.views, 2);
  assert.equal(j.tta.puzzles, 4);
  assert.ok(j.tta.exact_accuracy >= 0 && j.tta.exact_accuracy <= 1 && j.tta.verified <= 1);
});

test("hrm analyze pr on a TRM checkpoint: z_H = y, z_L = z", () => {
  const out = join(dir, "pr");
  const r = hrm(["analyze", "pr", "--checkpoint", ckpt, "--data", data, "--puzzles", "8", "--scaling", "4,8", "--batch-size", "8", "--kernels", "reference", "--out", out, "--no-progress", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(join(out, "pr.png")));
});

test("hrm solve --tta: the verified-view answer beside the plain trace", () => {
  const r = hrm(["solve", "--checkpoint", ckpt, "--sudoku", PUZZLE, "--kernels", "reference", "--tta", "3", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { tta: { views: number; verified: boolean; chosen_view: number; final: number[]; verdict: string } };
  assert.equal(j.tta.views, 3);
  assert.equal(j.tta.final.length, 81);
  assert.equal(j.tta.verified, j.tta.chosen_view >= 0);
  const bad = hrm(["solve", "--checkpoint", ckpt, "--sudoku", PUZZLE, "--tta", "0"]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--tta must be a positive integer/);
});
