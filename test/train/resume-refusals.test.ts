// What --resume refuses: a run folder without a checkpoint, and a training config that differs from the
// checkpoint's unless --accept-config-change (the changes are listed; run settings may change freely).
import assert from "node:assert/strict";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { checkpointName, listCheckpoints } from "../../src/train/checkpoint.js";
import { type FinishedRun, finishedTinyRun, hrm, tinyConfig, writeConfig } from "./tiny-run.js";

let fixture: FinishedRun; // a finished 4-step run (checkpoints at 2 and 4, evaluation at 4), copied by the tests
let dir = "";
before(async () => {
  fixture = await finishedTinyRun("hrm-resume-refuse-");
  dir = fixture.dir;
});
after(() => rmSync(dir, { recursive: true, force: true }));

const copyRun = (name: string, extra: Record<string, unknown> = {}): { run: string; cfg: string } => fixture.copyRun(name, extra);

test("--resume on a run folder without a checkpoint is refused (exit 2) and creates nothing", () => {
  const run = join(dir, "empty");
  const r = hrm(["train", "--config", writeConfig(dir, "empty", tinyConfig(dir, run)), "--resume", "--no-progress"]);
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stderr, `hrm train: --resume: run folder ${run} has no checkpoint to resume from; run without --resume to start a new run there\n`);
  assert.ok(!existsSync(run));
  const flag = hrm(["train", "--config", writeConfig(dir, "empty", tinyConfig(dir, run)), "--accept-config-change", "--no-progress"]);
  assert.equal(flag.status, 2);
  assert.match(flag.stderr, /--accept-config-change only applies with --resume/);
});

test("resuming with changed hyper-parameters lists them and needs --accept-config-change; run settings may change", () => {
  const { run, cfg } = copyRun("changed", { lr: 2e-3, max_steps: 6, eval_max_examples: 1, arch: { ...(tinyConfig(dir, "") as { arch: object }).arch, halt_max_steps: 3 } });
  const refused = hrm(["train", "--config", cfg, "--resume", "--no-progress"]);
  assert.equal(refused.status, 2, refused.stderr);
  assert.equal(refused.stderr, `hrm train: --resume: the config differs from checkpoint ${join(run, "checkpoints", checkpointName(4))}: ` +
    `arch.halt_max_steps 2 -> 3, lr 0.001 -> 0.002, max_steps 4 -> 6; pass --accept-config-change to continue with the new values, or resume with the old ones\n`);
  assert.deepEqual(listCheckpoints(run).map((c) => c.slice(-12)), [checkpointName(2), checkpointName(4)], "nothing written");

  const accepted = hrm(["train", "--config", cfg, "--resume", "--accept-config-change", "--no-progress"]);
  assert.equal(accepted.status, 0, accepted.stderr);
  assert.match(accepted.stderr, /resuming with a changed config \(accepted\): arch.halt_max_steps 2 -> 3, lr 0.001 -> 0.002, max_steps 4 -> 6\n/);
  assert.ok(existsSync(join(run, "checkpoints", checkpointName(6))));

  // only run settings changed (where, how often, how long): no flag needed
  const { cfg: cfg2 } = copyRun("settings", { kernels: "auto", eval_max_examples: 1, keep_checkpoints: 3, max_minutes: 5 });
  const ok = hrm(["train", "--config", cfg2, "--resume", "--no-progress"]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.doesNotMatch(ok.stderr, /config differs|changed config/);
});
