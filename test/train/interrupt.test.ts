// Ctrl-C in `hrm train`: the step under way finishes, the last completed step is checkpointed, the lock is
// released, one line says how to resume, exit 130 (SIGTERM: 143); --resume then gives exactly the metrics and
// weights of a run that was never stopped. The library path: trainRun with an AbortSignal.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { readSafetensors } from "../../src/io/safetensors-node.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import { checkpointName, listCheckpoints } from "../../src/train/checkpoint.js";
import { parseTrainConfig } from "../../src/train/config.js";
import { LOCK_FILE } from "../../src/train/run-lock.js";
import { trainRun } from "../../src/train/trainer.js";
import { resumeCommand } from "../../src/cli/train.js";
import { CLI, hrm, tinyConfig, tinyWorkspace, writeConfig } from "./tiny-run.js";

let dir = "";
before(async () => { dir = await tinyWorkspace("hrm-interrupt-"); });
after(() => rmSync(dir, { recursive: true, force: true }));

const MAX_STEPS = 24;
/** Evaluations at 8, 16, 24 so that the comparison covers them; checkpoints only at the end (and at a signal). */
const extra = { max_steps: MAX_STEPS, checkpoint_every_steps: 0, eval_every_steps: 8 };

/** metrics.jsonl by step without the wall times (which differ between runs). */
function metricsByStep(runDir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(join(runDir, "metrics.jsonl"), "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const { time: _t, train_time: _tt, ...rest } = JSON.parse(line) as Record<string, unknown>;
    out.set(`${String(rest["step"])}${"eval" in rest ? "/eval" : ""}`, JSON.stringify(rest));
  }
  return out;
}

/** The train steps recorded in metrics.jsonl. */
function trainSteps(runDir: string): number[] {
  const path = join(runDir, "metrics.jsonl");
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8").split("\n").filter((l) => l.endsWith("}") && !l.includes('"eval"')).map((l) => (JSON.parse(l) as { step: number }).step);
}

/** Leftovers of an unclean stop in the run folder: the lock and temp folders/files. */
function leftovers(runDir: string): string[] {
  const names = [...readdirSync(runDir), ...(existsSync(join(runDir, "checkpoints")) ? readdirSync(join(runDir, "checkpoints")) : [])];
  return names.filter((n) => n === LOCK_FILE || n.startsWith(`${LOCK_FILE}.`) || /\.(tmp|old)-\d+$/.test(n));
}

interface Stopped { readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly stderr: string }

/** Start `hrm train --config cfg`, send `signals` (one by one) once step 1 is on record, and wait for the exit. */
async function trainAndSignal(cfg: string, runDir: string, signals: readonly NodeJS.Signals[]): Promise<Stopped> {
  const child = spawn(process.execPath, [CLI, "train", "--config", cfg, "--no-progress"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((res) => child.once("exit", (c, s) => res([c, s])));
  const t0 = Date.now();
  while (trainSteps(runDir).length < 1) {
    assert.ok(Date.now() - t0 < 60_000, `the trainer never completed a step: ${stderr}`);
    await new Promise((r) => setTimeout(r, 2));
  }
  for (const s of signals) child.kill(s);
  const [code, signal] = await exited;
  return { code, signal, stderr };
}

test("SIGINT after the first step: exit 130, checkpoint of the last completed step, no lock or temp left; --resume matches an uninterrupted run exactly", async () => {
  const runA = join(dir, "a"), runB = join(dir, "b");
  const cfgA = writeConfig(dir, "a", tinyConfig(dir, runA, extra)), cfgB = writeConfig(dir, "b", tinyConfig(dir, runB, extra));
  const a = hrm(["train", "--config", cfgA, "--no-progress"]);
  assert.equal(a.status, 0, a.stderr);

  const b = await trainAndSignal(cfgB, runB, ["SIGINT"]);
  assert.equal(b.code, 130, b.stderr);
  const done = trainSteps(runB);
  const k = done.at(-1)!;
  assert.ok(k >= 1 && k < MAX_STEPS, `stopped at step ${k}`);
  assert.deepEqual(done, Array.from({ length: k }, (_, i) => i + 1), "each completed step recorded once");
  const ck = join(runB, "checkpoints", checkpointName(k));
  assert.deepEqual(listCheckpoints(runB), [ck], "one checkpoint: the last completed step");
  assert.equal((JSON.parse(readFileSync(join(ck, "state.json"), "utf8")) as { step: number }).step, k);
  assert.deepEqual(leftovers(runB), []);
  const lines = b.stderr.trimEnd().split("\n");
  assert.equal(lines.at(-1), `hrm train: interrupted (SIGINT) after step ${k}; checkpoint ${ck}; continue with: hrm train --config ${cfgB} --no-progress --resume`);

  const resumed = hrm(["train", "--config", cfgB, "--no-progress", "--resume"]);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, new RegExp(`resumed from .*${checkpointName(k)} \\(step ${k}\\)`));
  const ma = metricsByStep(runA), mb = metricsByStep(runB);
  assert.equal(mb.size, ma.size, "same metric lines");
  for (const [key, v] of ma) assert.equal(mb.get(key), v, `metrics at ${key}`);
  const wa = readSafetensors(join(runA, "checkpoints", checkpointName(MAX_STEPS), "model.safetensors")).tensors;
  const wb = readSafetensors(join(runB, "checkpoints", checkpointName(MAX_STEPS), "model.safetensors")).tensors;
  for (const [name, t] of wa) assert.deepEqual(wb.get(name)!.data, t.data, `weights ${name}`);
});

test("SIGTERM: exit 143 with a checkpoint, and the lock is released", async () => {
  const run = join(dir, "term");
  const b = await trainAndSignal(writeConfig(dir, "term", tinyConfig(dir, run, extra)), run, ["SIGTERM"]);
  assert.equal(b.code, 143, b.stderr);
  const k = trainSteps(run).at(-1)!;
  assert.deepEqual(listCheckpoints(run), [join(run, "checkpoints", checkpointName(k))]);
  assert.match(b.stderr, /interrupted \(SIGTERM\) after step \d+; .* --resume\n$/);
  assert.deepEqual(leftovers(run), []);
});

test("a second signal while the first is handled ends the process at once (default action)", async () => {
  // a stand-in for a long checkpoint write: 5 s of synchronous work after the first signal
  const script = join(dir, "second-signal.mjs");
  writeFileSync(script, `import { onStopSignal } from ${JSON.stringify(resolve("dist/src/cli/stop-signal.js"))};
const stop = onStopSignal();
stop.signal.addEventListener("abort", () => { setImmediate(() => { console.log("saving"); const t = Date.now(); while (Date.now() - t < 5000); console.log("saved"); }); });
console.log("ready");
setTimeout(() => {}, 20000);
`);
  const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  const t0 = Date.now();
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
    if (out === "ready\n") child.kill("SIGINT");
    if (out === "ready\nsaving\n") child.kill("SIGINT");
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((res) => child.once("exit", (c, s) => res([c, s])));
  assert.equal(out, "ready\nsaving\n", "stopped during the 'save'");
  assert.ok(signal === "SIGINT" || code === 130, `code ${code}, signal ${signal}`);
  assert.ok(Date.now() - t0 < 4000, "at once, not after the save");
});

test("library: trainRun with an AbortSignal stops after the step under way, checkpoints it and releases the lock", async () => {
  const run = join(dir, "lib");
  const config = parseTrainConfig(tinyConfig(dir, run, extra));
  const controller = new AbortController();
  // the trainer yields to the event loop between steps, so this poll runs while it trains
  const poll = setInterval(() => { if (trainSteps(run).length >= 2) controller.abort(); }, 1);
  let summary;
  try {
    summary = await trainRun(config, referenceKernels, { signal: controller.signal, log: () => {} });
  } finally {
    clearInterval(poll);
  }
  assert.equal(summary.interrupted, true);
  const k = summary.steps;
  assert.ok(k >= 2 && k < MAX_STEPS, `stopped at step ${k}`);
  assert.deepEqual(trainSteps(run).at(-1), k);
  assert.equal(summary.checkpoint, join(run, "checkpoints", checkpointName(k)));
  assert.deepEqual(listCheckpoints(run), [summary.checkpoint]);
  assert.deepEqual(leftovers(run), []);

  // aborted before any step: a resumed run writes nothing new and names the checkpoint it came from
  const again = await trainRun(config, referenceKernels, { resume: true, signal: AbortSignal.abort(), log: () => {} });
  assert.deepEqual([again.interrupted, again.steps, again.checkpoint], [true, k, summary.checkpoint]);
  assert.deepEqual(listCheckpoints(run), [summary.checkpoint]);
  assert.deepEqual(trainSteps(run).at(-1), k);
  // a fresh run aborted before its first step has nothing to resume from
  const fresh = await trainRun({ ...config, run_dir: join(dir, "lib-fresh") }, referenceKernels, { signal: AbortSignal.abort(), log: () => {} });
  assert.deepEqual([fresh.interrupted, fresh.steps, fresh.checkpoint], [true, 0, null]);
  assert.deepEqual(leftovers(join(dir, "lib-fresh")), []);
  // and without a signal it runs to the end
  const rest = await trainRun(config, referenceKernels, { resume: true, log: () => {} });
  assert.deepEqual([rest.interrupted, rest.steps], [false, MAX_STEPS]);
});

test("the resume command line: --resume once at the end, shell-quoted", () => {
  assert.equal(resumeCommand(["--config", "a b.json", "lr=1e-3"]), "hrm train --config 'a b.json' lr=1e-3 --resume");
  assert.equal(resumeCommand(["--resume", "--preset", "tiny", "--no-resume", "x='y'"]), `hrm train --preset tiny 'x='\\''y'\\''' --resume`);
});
