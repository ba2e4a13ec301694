// What --resume repairs: a torn last line of metrics.jsonl is dropped; an unreadable newest checkpoint
// falls back to the previous one; an evaluation due at a checkpoint step survives a SIGKILL right after
// that checkpoint; resuming a finished run evaluates nothing twice.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, readFileSync, rmSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { checkpointName, listCheckpoints } from "../../src/train/checkpoint.js";
import { CLI, type FinishedRun, finishedTinyRun, hrm, tinyConfig, writeConfig } from "./tiny-run.js";

let fixture: FinishedRun; // a finished 4-step run (checkpoints at 2 and 4, evaluation at 4), copied by the tests
let dir = "";
before(async () => {
  fixture = await finishedTinyRun("hrm-resume-repair-");
  dir = fixture.dir;
});
after(() => rmSync(dir, { recursive: true, force: true }));

const copyRun = (name: string, extra: Record<string, unknown> = {}): { run: string; cfg: string } => fixture.copyRun(name, extra);

/** metrics.jsonl as "step" / "step/eval" keys in file order (every line must parse). */
function metricKeys(run: string): string[] {
  return readFileSync(join(run, "metrics.jsonl"), "utf8").split("\n").filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as { step: number; eval?: unknown }).map((l) => `${l.step}${l.eval !== undefined ? "/eval" : ""}`);
}

test("a torn last line of metrics.jsonl is dropped on resume (with a warning), and later resumes work", () => {
  const { run, cfg } = copyRun("torn");
  rmSync(join(run, "checkpoints", checkpointName(4)), { recursive: true }); // resume from step 2, redo 3..4
  appendFileSync(join(run, "metrics.jsonl"), "{\"step\":5,\"time\":1.5,\"train/lm_lo");
  for (let i = 0; i < 2; i++) {
    const r = hrm(["train", "--config", cfg, "--resume", "--no-progress"]);
    assert.equal(r.status, 0, r.stderr);
    if (i === 0) assert.match(r.stderr, /warning: .*metrics.jsonl: dropped 1 incomplete line\(s\) \(line 6; a write cut short\)/);
    assert.deepEqual(metricKeys(run), ["1", "2", "3", "4", "4/eval"]);
  }
});

test("an unreadable newest checkpoint: resume falls back to the previous complete one with a warning", () => {
  const { run, cfg } = copyRun("corrupt");
  const newest = join(run, "checkpoints", checkpointName(4)), previous = join(run, "checkpoints", checkpointName(2));
  truncateSync(join(newest, "model.safetensors"), 10);
  const r = hrm(["train", "--config", cfg, "--resume", "--no-progress"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`warning: checkpoint ${newest} is unreadable \\(.*model.safetensors.*\\); resuming from the previous complete checkpoint ${previous}\n`));
  assert.match(r.stderr, new RegExp(`resumed from ${previous} \\(step 2\\)`));
  assert.deepEqual(metricKeys(run), ["1", "2", "3", "4", "4/eval"]);

  // every checkpoint unreadable: one line naming them, exit 1
  const { run: run2, cfg: cfg2 } = copyRun("corrupt-all");
  for (const c of listCheckpoints(run2)) rmSync(join(c, "state.json"));
  const all = hrm(["train", "--config", cfg2, "--resume", "--no-progress"]);
  assert.equal(all.status, 1);
  assert.match(all.stderr, new RegExp(`^hrm train: CheckpointError: --resume: no readable checkpoint in ${run2}: checkpoint .*step_0000004 is unreadable .*step_0000002 is unreadable .*\n$`));
});

test("the evaluation due at a checkpoint step is on record when the process is SIGKILLed right after the checkpoint", async () => {
  const run = join(dir, "killed");
  const cfg = writeConfig(dir, "killed", tinyConfig(dir, run, { max_steps: 6, eval_every_steps: 2, checkpoint_every_steps: 2 }));
  const p = spawn(process.execPath, [CLI, "train", "--config", cfg, "--no-progress"], { stdio: "ignore" });
  const exited = new Promise((r) => p.once("exit", r));
  const t0 = Date.now();
  while (!existsSync(join(run, "checkpoints", checkpointName(2)))) {
    if (Date.now() - t0 > 60_000) { p.kill("SIGKILL"); assert.fail("no step-2 checkpoint"); }
    await new Promise((r) => setTimeout(r, 2));
  }
  p.kill("SIGKILL");
  await exited;
  const killed = metricKeys(run);
  assert.ok(killed.includes("2/eval"), `eval at step 2 recorded before its checkpoint: ${killed.join(" ")}`);

  const r = hrm(["train", "--config", cfg, "--resume", "--no-progress"]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(metricKeys(run), ["1", "2", "2/eval", "3", "4", "4/eval", "5", "6", "6/eval"]);

  // resuming the finished run adds no second evaluation
  const again = hrm(["train", "--config", cfg, "--resume", "--no-progress"]);
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual(metricKeys(run), ["1", "2", "2/eval", "3", "4", "4/eval", "5", "6", "6/eval"]);
});
