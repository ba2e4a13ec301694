// The compare-curves chart: one colour per run in the given order, cell and exact accuracy in percent
// against minutes and steps, the evaluation split named in the axis titles (held-out by default).
import assert from "node:assert/strict";
import { test } from "node:test";
import { compareCurvesSpec } from "../../../src/viz/charts/compare-curves.js";
import { chartSvg } from "../../../src/viz/charts/render-node.js";

const runs = [
  { name: "hrm", points: [{ step: 100, minutes: 1.5, accuracy: 0.75, exact: 0 }, { step: 200, minutes: 3, accuracy: 0.8, exact: 0.05 }] },
  { name: "PyTorch", points: [{ step: 100, minutes: 2, accuracy: 0.7, exact: 0 }] },
];

test("compareCurvesSpec: rows per panel and run, percentages, legend order = run order", () => {
  const spec = compareCurvesSpec(runs) as unknown as { data: { values: Array<{ panel: string; series: string; x: number; y: number }> }; concat: Array<{ title: string; layer: Array<{ encoding: { color: { scale: { domain: string[] } } } }> }> };
  assert.deepEqual(spec.concat.map((c) => c.title), ["cell accuracy over time", "exact accuracy over time", "cell accuracy per step", "exact accuracy per step"]);
  assert.deepEqual(spec.concat[0]!.layer[0]!.encoding.color.scale.domain, ["hrm", "PyTorch"]);
  const rows = spec.data.values;
  assert.deepEqual(rows.filter((r) => r.panel === "exact accuracy over time" && r.series === "hrm").map((r) => [r.x, r.y]), [[1.5, 0], [3, 5]]);
  assert.deepEqual(rows.filter((r) => r.panel === "cell accuracy per step" && r.series === "PyTorch").map((r) => [r.x, r.y]), [[100, 70]]);
});

test("the rendered chart has the axis titles and run names", async () => {
  const svg = await chartSvg(compareCurvesSpec(runs));
  for (const t of ["wall-clock minutes", "optimizer step", "held-out cell accuracy (%)", "held-out exact accuracy (%)", "run", "hrm", "PyTorch"]) assert.ok(svg.includes(`>${t}</text>`), t);
});

test("a validation split is named as such in the axis titles and the default title; no \"held-out\" is left", async () => {
  const svg = await chartSvg(compareCurvesSpec(runs, undefined, "validation"));
  for (const t of ["validation cell accuracy (%)", "validation exact accuracy (%)", "validation accuracy of each run"]) assert.ok(svg.includes(`>${t}</text>`), t);
  assert.ok(!svg.includes("held-out"));
  const titled = JSON.stringify(compareCurvesSpec(runs, "mazes", "validation"));
  assert.ok(titled.includes("\"mazes\"") && !titled.includes("accuracy of each run"));
  assert.ok(JSON.stringify(compareCurvesSpec(runs)).includes("held-out accuracy of each run"), "held-out by default");
});
