// `hrm plot`: redraws the training curves of a run folder and the PR chart of a pr.json as .png + .svg;
// wrong input is one line and the right exit status.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";

const tmp = mkdtempSync(join(tmpdir(), "hrm-plot-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

function hrm(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ["dist/src/cli/main.js", "plot", ...args], { encoding: "utf8" });
}

test("hrm plot curves <run dir>: curves.png and curves.svg in the run folder, or at --out", () => {
  const run = join(tmp, "run");
  mkdirSync(run);
  const lines = [1, 2, 3].map((step) => JSON.stringify({ step, "train/count": 1, "train/lm_loss": 2 / step, "train/accuracy": 0.3 * step, "train/exact_accuracy": 0, "train/steps": 2 }));
  writeFileSync(join(run, "metrics.jsonl"), [...lines, JSON.stringify({ step: 3, eval: { lm_loss: 1, accuracy: 0.8, exact_accuracy: 0.1, steps: 4 } }), ""].join("\n"));
  const r = hrm("curves", run);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), `wrote ${join(run, "curves.png")} and ${join(run, "curves.svg")}`);
  const svg = readFileSync(join(run, "curves.svg"), "utf8");
  for (const t of ["training curves of run", "training step", "cell accuracy (%)", "held-out evaluation"]) assert.ok(svg.includes(`>${t}</text>`), t);
  assert.equal(readFileSync(join(run, "curves.png")).toString("latin1", 1, 4), "PNG");
  const out = join(tmp, "elsewhere", "c.png");
  const titled = hrm("curves", run, "--out", out, "--title", "my title");
  assert.equal(titled.status, 0, titled.stderr);
  assert.ok(readFileSync(join(tmp, "elsewhere", "c.svg"), "utf8").includes(">my title</text>") && existsSync(out));
});

test("hrm plot pr <pr.json>: pr.png next to it; a file that is not a pr.json is refused in one line", () => {
  const model = { protocols: { "tokens-final": { scaling: [{ puzzles: 10, z_H: 5, z_L: 4 }, { puzzles: 20, z_H: 6, z_L: 4 }] } }, spectrum: { z_H: [3, 1], z_L: [2, 2] } };
  const dir = join(tmp, "pr");
  mkdirSync(dir);
  writeFileSync(join(dir, "pr.json"), JSON.stringify({ protocol: "tokens-final", puzzles: 20, models: { trained: model, untrained: model } }));
  const r = hrm("pr", join(dir, "pr.json"));
  assert.equal(r.status, 0, r.stderr);
  assert.ok(readFileSync(join(dir, "pr.svg"), "utf8").includes(">number of puzzles n (log scale)</text>"));
  writeFileSync(join(dir, "other.json"), JSON.stringify({ protocol: "tokens-final", puzzles: 20, models: {} }));
  const bad = hrm("pr", join(dir, "other.json"));
  assert.equal(bad.status, 1);
  assert.equal(bad.stderr.trim().split("\n").length, 1, bad.stderr);
  assert.match(bad.stderr, /other\.json: expected the pr\.json of `hrm analyze pr`; models\.trained\.protocols\["tokens-final"\]\.scaling is missing/);
});

test("hrm plot: usage errors exit 2 with one line", () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /expected a chart: curves, pr; got ""/],
    [["bars", "x"], /expected a chart: curves, pr; got "bars"/],
    [["curves"], /expected a run folder \(with metrics.jsonl\) after "curves"/],
    [["curves", tmp, "--out", join(tmp, "x.jpg")], /--out must end in \.png/],
    [["curves", join(tmp, "missing")], /run folder .*missing does not exist; expected a folder/],
    [["pr", join(tmp, "missing.json")], /pr\.json .*missing\.json does not exist; expected a file/],
  ];
  for (const [args, re] of cases) {
    const r = hrm(...args);
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split("\n").length, 1);
  }
});
