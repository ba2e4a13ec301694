// The options every command shares: --help on every command and subcommand (exit 0), --json (stdout is
// exactly one JSON object saying what was done), --progress/--no-progress (no bar on stderr with the
// latter; `hrm data --quiet` is its deprecated alias), `hrm --help` listing each command's summary, and
// `hrm train --kernels` setting the config's kernels key. An interrupted `hrm demo --json` still prints its
// object (interrupted: true, the run so far) and exits 130.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { commands } from "../../src/cli/commands.js";
import { demoTrainJson } from "../../src/cli/demo.js";
import { CLI, finishedTinyRun, hrm } from "../train/tiny-run.js";
import type { FinishedRun, Spawned } from "../train/tiny-run.js";

let run: FinishedRun;
before(async () => { run = await finishedTinyRun("hrm-cli-json-"); });
after(() => rmSync(run.dir, { recursive: true, force: true }));

/** stdout must be one JSON object and nothing else. */
function json(r: Spawned): Record<string, unknown> {
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trimEnd().split("\n").length, 1, `one line of JSON expected on stdout, got:\n${r.stdout}`);
  const v: unknown = JSON.parse(r.stdout);
  assert.ok(typeof v === "object" && v !== null && !Array.isArray(v));
  return v as Record<string, unknown>;
}

/** A progress line of ProgressBar on a non-TTY stream: "<label>  done/total (pct%)  rate unit/s  elapsed ...". */
const BAR = /\d+\/\d+ \(\d+\.\d%\) .* elapsed \d/;

test("hrm --help lists every command with its summary; every command and data subcommand takes --help (exit 0)", () => {
  const top = hrm(["--help"]);
  assert.equal(top.status, 0);
  for (const [name, entry] of Object.entries(commands)) {
    assert.match(top.stdout, new RegExp(`\\n  ${name} +${entry.summary.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\n`), name);
    const r = hrm([name, "--help"]);
    assert.equal(r.status, 0, `${name}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^usage: hrm ${name}`), name);
    if (name !== "data") assert.match(r.stdout, /\n {2}--json /, `${name} --help lists --json`);
  }
  for (const sub of ["sudoku", "maze", "arc", "show", "verify"]) {
    const r = hrm(["data", sub, "--help"]);
    assert.equal(r.status, 0, `data ${sub}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^usage: hrm data ${sub}`));
    assert.match(r.stdout, /\n {2}--json /, `data ${sub} --help lists --json`);
  }
  for (const name of ["data sudoku", "data maze", "data arc", "demo", "train", "eval", "analyze"]) {
    assert.match(hrm([...name.split(" "), "--help"]).stdout, /\n {2}--progress {2}show progress bars/, `${name} takes --progress`);
  }
});

test("hrm data: --json prints the build report, show and verify as JSON; --no-progress and --quiet draw no bar", () => {
  const out = join(run.dir, "ds-json");
  const args = ["data", "sudoku", "--train", "../shared/data/sudoku/gen-k30/train.csv", "--holdout", "5", "--subsample", "10", "--num-aug", "1", "--seed", "3"];
  const b = hrm([...args, "--out", out, "--json", "--no-progress"]);
  const report = json(b);
  assert.equal(report["kind"], "sudoku");
  assert.equal(report["outDir"], out);
  assert.deepEqual(report["splits"], { train: { groups: 10, puzzles: 20, examples: 20 }, test: { groups: 5, puzzles: 5, examples: 5 } });
  assert.doesNotMatch(b.stderr, BAR);
  const quiet = hrm([...args, "--out", join(run.dir, "ds-quiet"), "--quiet"]);
  assert.equal(quiet.status, 0, quiet.stderr);
  assert.doesNotMatch(quiet.stderr, BAR);
  assert.match(quiet.stdout, /train: 10 groups, 20 puzzles, 20 examples/);
  const bars = hrm([...args, "--out", join(run.dir, "ds-bars")]);
  assert.match(bars.stderr, /write train {2}10\/10 \(100\.0%\)/, "the bar is on by default");

  const s = json(hrm(["data", "show", out, "3", "--json", "--out", join(run.dir, "ex.svg")]));
  assert.deepEqual([s["kind"], s["split"], s["index"], s["examples"], s["puzzle"], s["group"], s["picture"]], ["sudoku", "train", 3, 20, 3, 1, join(run.dir, "ex.svg")]);
  assert.equal((s["input"] as number[]).length, 81);
  assert.ok((s["label"] as number[]).every((t) => t >= 2 && t <= 10), "a solution's tokens are the digits 1..9 (+1)");
  assert.ok(existsSync(join(run.dir, "ex.svg")));
  const v = json(hrm(["data", "verify", out, "--json"]));
  assert.deepEqual(v, { dataset: out, identifiers: 1, splits: report["splits"] });
  const u = hrm(["data", "verify"]);
  assert.equal(u.status, 2);
  assert.equal(u.stderr.trimEnd(), "hrm data: expected one dataset folder, got 0 arguments");
});

test("hrm train --kernels sets the config's kernels key; a bad name is one line, exit 2; --json keeps stdout to the summary", () => {
  const cfg = run.copyRun("kernels-run", { kernels: "wasm" }).cfg; // the config file says wasm: --kernels replaces it
  const printed = hrm(["train", "--config", cfg, "--kernels", "native", "--print-config"]);
  assert.equal(printed.status, 0, printed.stderr);
  assert.equal((JSON.parse(printed.stdout) as { kernels: string }).kernels, "native");
  const bad = hrm(["train", "--config", cfg, "--kernels", "gpu"]);
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trimEnd(), `hrm train: --kernels must be one of: auto, reference, native, wasm; got "gpu"`);

  const fresh = join(run.dir, "train-json");
  const r = hrm(["train", "--config", cfg, `run_dir=${fresh}`, "max_steps=2", "--kernels", "reference", "--json", "--no-progress"]);
  const summary = json(r) as { steps: number; checkpoint: string; runDir: string };
  assert.deepEqual([summary.steps, summary.runDir], [2, fresh]);
  assert.doesNotMatch(r.stdout, /^trained /m, "the people's line stays off stdout");
  assert.doesNotMatch(r.stderr, BAR);
  assert.equal((JSON.parse(readFileSync(join(summary.checkpoint, "config.json"), "utf8")) as { train: { kernels: string } }).train.kernels, "reference");
});

test("freeze, export, import, plot and eval: --json says what was written; eval --no-progress draws no bar", () => {
  const ckpt = join(run.done, "checkpoints", "step_0000004");
  const frozen = join(run.dir, "frozen");
  const f = json(hrm(["freeze", "--checkpoint", ckpt, "--out", frozen, "--json"]));
  assert.deepEqual([f["out"], f["family"], f["weights"]], [frozen, "hrm", "live"]);
  assert.ok(typeof f["parameters"] === "number" && f["parameters"] > 0);
  assert.ok(existsSync(join(frozen, "model.safetensors")));

  const file = join(run.dir, "official", "step_4");
  const e = json(hrm(["export", "--checkpoint", ckpt, "--out", file, "--json"]));
  assert.deepEqual([e["file"], e["yaml"], e["family"], e["weights"]], [file, join(run.dir, "official", "all_config.yaml"), "hrm", "live"]);
  assert.equal(e["tensors"], (e["keys"] as string[]).length);
  assert.ok(existsSync(file));

  const back = join(run.dir, "imported");
  const i = json(hrm(["import", file, "--config", join(run.dir, "official", "all_config.yaml"), "--out", back, "--json"]));
  assert.deepEqual([i["out"], i["family"], i["tensors"], i["runnable"]], [back, "hrm", e["tensors"], true]);
  assert.match(String(i["model"]), /^HRM, vocab_size 11, seq_len 81/);

  const p = json(hrm(["plot", "curves", run.done, "--out", join(run.dir, "c.png"), "--json"]));
  assert.deepEqual(p, { chart: "curves", source: run.done, png: join(run.dir, "c.png"), svg: join(run.dir, "c.svg") });

  const ev = hrm(["eval", "--checkpoint", ckpt, "--data", join(run.dir, "data"), "--max-examples", "4", "--kernels", "reference", "--json", "--no-progress"]);
  const r = json(ev);
  assert.equal(r["count"], 4);
  assert.equal(ev.stderr, "", "no bar, nothing else");
  const withBar = hrm(["eval", "--checkpoint", ckpt, "--data", join(run.dir, "data"), "--max-examples", "4", "--kernels", "reference", "--json"]);
  assert.match(withBar.stderr, /eval {2}4\/4 \(100\.0%\)/);
});

test("hrm demo --json: one object with the data, the run, the held-out accuracy and the solved puzzle; --no-progress draws no bar", () => {
  const out = join(run.dir, "demo");
  const r = hrm(["demo", "--out", out, "--minutes", "0.001", "--puzzles", "4", "--test-puzzles", "2", "--aug", "1", "--preset", "tiny", "--kernels", "reference", "--no-progress", "--json"]);
  const d = json(r) as { out: string; preset: string; kernels: string; data: Record<string, number>; train: { steps: number; checkpoint: string }; held_out: { count: number; exact_accuracy: number; accuracy: number }; solve: { puzzle: string; solved: boolean } };
  assert.deepEqual([d.out, d.preset, d.kernels], [out, "tiny", "reference"]);
  assert.deepEqual([d.data["train_puzzles"], d.data["test_puzzles"], d.data["train_examples"], d.data["test_examples"]], [4, 2, 8, 2]);
  assert.ok(d.train.steps >= 1 && existsSync(join(d.train.checkpoint, "model.safetensors")));
  assert.equal(d.held_out.count, 2);
  assert.ok(d.held_out.accuracy > 0 && d.held_out.accuracy <= 1 && d.held_out.exact_accuracy >= 0 && d.held_out.exact_accuracy <= 1);
  assert.match(d.solve.puzzle, /^[.1-9]{81}$/);
  assert.equal(typeof d.solve.solved, "boolean");
  assert.doesNotMatch(r.stderr, BAR);
  assert.match(r.stderr, /\[4\/4\] solving held-out puzzle/, "people's text goes to stderr");
});

test("hrm demo --json stopped by SIGINT during training: exit 130 and its one JSON object, interrupted, with the run so far", async () => {
  const out = join(run.dir, "demo-int");
  const child = spawn(process.execPath, [CLI, "demo", "--out", out, "--minutes", "10", "--puzzles", "4", "--test-puzzles", "2", "--aug", "1", "--preset", "tiny", "--kernels", "reference", "--no-progress", "--json"], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "", stderr = "";
  child.stdout.on("data", (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((res) => child.once("exit", (c) => res(c)));
  const metrics = join(out, "run", "metrics.jsonl"), t0 = Date.now();
  while (!(existsSync(metrics) && readFileSync(metrics, "utf8").includes("\n"))) { // a first step on record
    assert.ok(Date.now() - t0 < 60_000, `the demo never completed a step: ${stderr}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill("SIGINT");
  assert.equal(await exited, 130, stderr);
  const d = json({ status: 0, signal: null, stdout, stderr }) as { interrupted: boolean; preset: string; data: { train_examples: number }; train: { steps: number; checkpoint: string; last_eval: unknown }; held_out?: unknown; solve?: unknown };
  assert.equal(d.interrupted, true);
  assert.deepEqual([d.preset, d.data.train_examples], ["tiny", 8]);
  assert.ok(d.train.steps >= 1 && existsSync(join(d.train.checkpoint, "model.safetensors")), `steps ${d.train.steps}, checkpoint ${d.train.checkpoint}`);
  assert.equal(d.train.last_eval, null, "no evaluation before step 100");
  assert.deepEqual([d.held_out, d.solve], [undefined, undefined], "no held-out evaluation or solve after the signal");
  assert.match(stderr.trimEnd().split("\n").at(-1)!, new RegExp(`^hrm demo: interrupted \\(SIGINT\\) after step ${d.train.steps}; checkpoint `));
});

test("the demo's run object carries the accuracy of its latest evaluation (null before the first)", () => {
  const base = { runDir: "r", steps: 250, seconds: 12.5, checkpoint: "r/checkpoints/step_0000250" };
  const j = demoTrainJson({ ...base, lastEval: { count: 100, metrics: { exact_accuracy: 0.25, accuracy: 0.875, steps: 3 } } }, "r/curves.png");
  assert.deepEqual(j, { run_dir: "r", steps: 250, seconds: 12.5, checkpoint: "r/checkpoints/step_0000250", curves: "r/curves.png", last_eval: { count: 100, exact_accuracy: 0.25, accuracy: 0.875 } });
  assert.equal(demoTrainJson({ ...base, lastEval: null }, "r/curves.png")["last_eval"], null);
});
