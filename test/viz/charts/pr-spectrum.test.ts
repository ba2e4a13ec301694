// The participation-ratio chart: PR vs puzzles on a log axis labelled at the puzzle counts, the cumulative
// variance share (ending at 100%), colour = state, dash = trained/untrained; pr.json is checked before use.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DataError } from "../../../src/engine/errors.js";
import { chartSvg } from "../../../src/viz/charts/render-node.js";
import type { PrChartInput } from "../../../src/viz/charts/pr-spectrum.js";
import { parsePrChartInput, prSpectrumSpec } from "../../../src/viz/charts/pr-spectrum.js";

interface Row { panel: string; series: string; dash: string; x: number; y: number }

function model(scale: number) {
  const protocol = { samples: 0, z_H: 0, z_L: 0, ratio: 0, scaling: [{ puzzles: 10, samples: 10, z_H: 2 * scale, z_L: scale }, { puzzles: 100, samples: 100, z_H: 3 * scale, z_L: scale }] };
  return { protocols: { "tokens-final": protocol }, spectrum: { z_H: [4, 3, 2, 1], z_L: [10, 0, 0, 0] }, pr_from_eigenvalues: { z_H: 0, z_L: 0 }, seconds: 0 };
}
const report = { protocol: "tokens-final", puzzles: 100, models: { trained: model(1), untrained: model(5) } } as unknown as PrChartInput;

test("prSpectrumSpec: scaling and cumulative-variance rows, log axis at the puzzle counts, two legends", () => {
  const spec = prSpectrumSpec(report) as unknown as { title: { text: string; subtitle: string }; data: { values: Row[] }; concat: Array<{ layer: Array<{ encoding: Record<string, { title?: string; scale?: { type?: string }; axis?: { values?: number[] } }> }> }> };
  assert.equal(spec.title.subtitle, "protocol tokens-final, 100 puzzles; trained model vs its untrained twin");
  const rows = spec.data.values;
  const scaling = rows.filter((r) => r.panel === "PR vs number of puzzles" && r.dash === "untrained" && r.series === "z_H");
  assert.deepEqual(scaling.map((r) => [r.x, r.y]), [[10, 10], [100, 15]]);
  const cum = rows.filter((r) => r.panel === "cumulative variance along the eigenvectors" && r.dash === "trained");
  assert.deepEqual(cum.filter((r) => r.series === "z_H").map((r) => r.y), [40, 70, 90, 100]);
  assert.deepEqual(cum.filter((r) => r.series === "z_L").map((r) => r.y), [100, 100, 100, 100]);
  const left = spec.concat[0]!.layer[0]!.encoding;
  assert.equal(left["x"]!.scale!.type, "log");
  assert.deepEqual(left["x"]!.axis!.values, [10, 100]);
  assert.deepEqual([left["x"]!.title, left["y"]!.title, left["color"]!.title, left["strokeDash"]!.title], ["number of puzzles n (log scale)", "participation ratio PR (dimensions)", "state", "model"]);
});

test("the rendered chart has the axis titles and both legends' entries", async () => {
  const svg = await chartSvg(prSpectrumSpec(report, "PR of a test model"));
  for (const t of ["PR of a test model", "eigenvector index (largest eigenvalue first)", "cumulative share of variance (%)", "z_H", "z_L", "trained", "untrained"]) assert.ok(svg.includes(`>${t}</text>`), t);
});

test("parsePrChartInput: a pr.json passes; anything else is a one-line DataError naming the field", () => {
  assert.equal(parsePrChartInput(report, "x.json"), report);
  const bad = (json: unknown, re: RegExp): void => assert.throws(() => parsePrChartInput(json, "x.json"), (e: unknown) => e instanceof DataError && re.test(e.message) && !e.message.includes("\n"));
  bad([], /^x\.json: expected the pr\.json of `hrm analyze pr`; got an array, not a JSON object$/);
  bad({ ...report, protocol: 3 }, /"protocol" is 3, not a protocol name/);
  bad({ ...report, models: { trained: model(1) } }, /models\.untrained\.protocols\["tokens-final"\]\.scaling is missing/);
  bad({ ...report, models: { trained: model(1), untrained: { ...model(1), spectrum: { z_H: [1] } } } }, /models\.untrained\.spectrum is missing z_H or z_L eigenvalues/);
});
