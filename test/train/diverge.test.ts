// A non-finite loss stops training: one line naming the step (exit 1), no checkpoint of the poisoned
// weights, no NaN (null) in metrics.jsonl, and the run folder's lock released.
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { checkpointName, listCheckpoints } from "../../src/train/checkpoint.js";
import { LOCK_FILE } from "../../src/train/run-lock.js";
import { hrm, tinyConfig, tinyWorkspace, writeConfig } from "./tiny-run.js";

let dir = "";
before(async () => { dir = await tinyWorkspace("hrm-diverge-"); });
after(() => rmSync(dir, { recursive: true, force: true }));

test("a NaN loss stops training with exit 1 at the step it appears, without checkpointing the poisoned weights", () => {
  const run = join(dir, "run");
  // an absurd learning rate: step 1 makes the weights huge, the loss of step 2 is NaN (measured)
  const cfg = writeConfig(dir, "nan", tinyConfig(dir, run, { lr: 1e30, puzzle_emb_lr: 1e30, lr_warmup_steps: 0, max_steps: 6, checkpoint_every_steps: 1 }));
  const r = hrm(["train", "--config", cfg, "--no-progress"]);
  assert.equal(r.status, 1, r.stderr);
  const last = r.stderr.trim().split("\n").at(-1)!;
  assert.match(last, new RegExp(`^hrm train: TrainingDivergedError: training diverged at step 2: train/\\S*loss NaN; no checkpoint written for these weights ` +
    `\\(last checkpoint: ${join(run, "checkpoints", checkpointName(1))}\\)\\. Check that the labels are within the vocabulary \\(vocab_size 11\\) or lower lr \\(1e\\+30\\)$`));
  assert.deepEqual(listCheckpoints(run), [join(run, "checkpoints", checkpointName(1))], "only the checkpoint before the NaN");
  const metrics = readFileSync(join(run, "metrics.jsonl"), "utf8");
  assert.doesNotMatch(metrics, /null/);
  assert.deepEqual(metrics.trim().split("\n").map((l) => (JSON.parse(l) as { step: number }).step), [1]);
  assert.ok(!existsSync(join(run, LOCK_FILE)), "lock released on the error");
});
