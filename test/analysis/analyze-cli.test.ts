// `hrm analyze pr` end to end on a tiny random checkpoint and a tiny Sudoku dataset: pr.json has every
// field, each PR lies in (1, D], the scaling curve has the asked points, the PNG and SVG are written; usage
// errors exit with status 2.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { PrReport } from "../../src/analysis/pr-report.js";
import { PROTOCOLS } from "../../src/analysis/collect.js";
import { saveCheckpointDir, tinyModel, tinySudokuData } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "hrm-pr-cli-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ["dist/src/cli/main.js", "analyze", ...args], { encoding: "utf8" });
}

test("hrm analyze pr: pr.json fields, PR in (1, D], picture files, table text", async () => {
  const data = await tinySudokuData(join(tmp, "data"));
  const ckpt = saveCheckpointDir(join(tmp, "ckpt"), tinyModel());
  const out = join(tmp, "out");
  const common = ["pr", "--checkpoint", ckpt, "--data", data, "--puzzles", "12", "--scaling", "3,6,10", "--batch-size", "8", "--kernels", "reference", "--no-progress"];
  const r = cli([...common, "--out", out, "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as PrReport & { checkpoint: string; kernels: string };
  assert.deepEqual(JSON.parse(readFileSync(join(out, "pr.json"), "utf8")), rep, "pr.json is what --json prints");
  assert.equal(rep.analysis, "participation_ratio");
  assert.equal(rep.checkpoint, ckpt);
  assert.equal(rep.kernels, "reference");
  assert.equal(rep.protocol, "tokens-final");
  assert.deepEqual(Object.keys(rep.protocol_definitions), [...PROTOCOLS]);
  assert.deepEqual([rep.puzzles, rep.segments, rep.positions, rep.prefix_positions, rep.hidden_size, rep.untrained_seed], [12, 2, 81, 1, 16, 0]);
  assert.deepEqual(rep.paper.trained, { z_H: 89.95, z_L: 30.22, ratio: 2.98 });
  const D = rep.hidden_size;
  for (const which of ["trained", "untrained"] as const) {
    const m = rep.models[which];
    for (const p of PROTOCOLS) {
      const res = m.protocols[p];
      for (const v of [res.z_H, res.z_L]) assert.ok(v > 1 && v <= D, `${which} ${p}: PR ${v} outside (1, ${D}]`);
      assert.ok(Math.abs(res.ratio - res.z_H / res.z_L) < 1e-12);
      assert.deepEqual(res.scaling.map((s) => s.puzzles), [3, 6, 10, 12]);
      assert.equal(res.scaling[3]!.z_H, res.z_H);
    }
    assert.equal(m.protocols["tokens-all"].samples, 12 * 2 * 81);
    assert.equal(m.protocols["mean-final"].samples, 12);
    for (const mod of ["z_H", "z_L"] as const) {
      assert.equal(m.spectrum[mod].length, D);
      assert.ok(m.spectrum[mod][0]! >= m.spectrum[mod][D - 1]!, "largest first");
      assert.ok(Math.abs(m.pr_from_eigenvalues[mod] - m.protocols["tokens-final"][mod]) < 1e-6 * D, "eigenvalues agree with the trace formula");
    }
  }
  const png = readFileSync(join(out, "pr.png"));
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "PNG signature");
  const svg = readFileSync(join(out, "pr.svg"), "utf8");
  const [w, h] = [/width="(\d+)"/.exec(svg)![1], /height="(\d+)"/.exec(svg)![1]].map(Number);
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [2 * w!, 2 * h!], "the PNG is the SVG at twice its size");
  // the chart of src/viz/charts/pr-spectrum.ts: axis titles, legend titles and entries, the puzzle counts on the log axis
  for (const t of ["number of puzzles n (log scale)", "participation ratio PR (dimensions)", "cumulative share of variance (%)", "state", "model", "z_H", "z_L", "trained", "untrained", "protocol tokens-final, 12 puzzles; trained model vs its untrained twin"]) {
    assert.ok(svg.includes(`>${t}</text>`), `pr.svg has the text "${t}"`);
  }
  for (const n of [3, 6, 10, 12]) assert.ok(svg.includes(`>${n}</text>`), `log axis label ${n}`);

  const text = cli([...common, "--out", join(tmp, "out2"), "--protocol", "mean-all", "--puzzles", "6"]);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /participation ratio over 6 puzzles \(test\), 2 segments, 81 positions/);
  assert.match(text.stdout, /^\* mean-all +12 /m);
  assert.match(text.stdout, /^ {2}paper +89\.95 +30\.22 +2\.98 +42\.09 +40\.75/m);
  assert.match(text.stdout, /PR vs number of puzzles \(mean-all\)/);
});

test("hrm analyze: usage errors", () => {
  const noAnalysis = cli(["--checkpoint", "x", "--data", "y"]);
  assert.equal(noAnalysis.status, 2);
  assert.match(noAnalysis.stderr, /expected an analysis: pr/);
  const badProtocol = cli(["pr", "--checkpoint", "x", "--data", "y", "--protocol", "flat"]);
  assert.equal(badProtocol.status, 2);
  assert.match(badProtocol.stderr, /unknown protocol "flat"; valid: tokens-all, mean-all, tokens-final, mean-final/);
  const badScaling = cli(["pr", "--checkpoint", "x", "--data", "y", "--scaling", "10,x"]);
  assert.equal(badScaling.status, 2);
  assert.match(badScaling.stderr, /--scaling expects comma-separated positive integers/);
});
