// The training-curves chart: four panels with axis titles and units, the training series smoothed and
// thinned, evaluations as dotted series, accuracies in percent, steps without halted rows left out of
// accuracy; the rendered SVG names every panel, axis and series.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { MetricsLine } from "../../../src/train/metrics-file.js";
import { chartSvg } from "../../../src/viz/charts/render-node.js";
import { EVAL_SERIES, MAX_TRAIN_POINTS, TRAIN_SERIES, smooth, thin, trainingCurvesSpec } from "../../../src/viz/charts/training-curves.js";

interface Row { panel: string; series: string; x: number; y: number; dot: boolean }

function metrics(n: number): MetricsLine[] {
  const lines: MetricsLine[] = [];
  for (let step = 1; step <= n; step++) {
    // odd steps halted some rows (count 1); even steps none, so their accuracy is not a measurement
    lines.push({ step, "train/count": step % 2, "train/lm_loss": 2, "train/accuracy": step % 2 === 1 ? 0.5 : 0, "train/exact_accuracy": 0.25, "train/steps": 3 });
    if (step % 100 === 0) lines.push({ step, eval: { lm_loss: 1, accuracy: 0.75, exact_accuracy: 0.125, steps: 4 } });
  }
  return lines;
}

test("trainingCurvesSpec: panels, axis titles, rows in percent, evaluations dotted", () => {
  const spec = trainingCurvesSpec(metrics(300), "my run") as unknown as { title: { text: string; subtitle: string }; data: { values: Row[] }; concat: Array<{ title: string; layer: Array<{ encoding: { x: { title: string }; y: { title: string } } }> }> };
  assert.equal(spec.title.text, "my run");
  assert.equal(spec.title.subtitle, "300 steps; training series smoothed over 3 steps");
  assert.deepEqual(spec.concat.map((c) => c.title), ["LM loss", "cell accuracy", "exact accuracy (whole puzzle right)", "mean ACT steps"]);
  assert.deepEqual(spec.concat.map((c) => c.layer[0]!.encoding.y.title), ["LM loss (cross entropy per cell)", "cell accuracy (%)", "exact accuracy (%)", "ACT segments per example"]);
  assert.ok(spec.concat.every((c) => c.layer[0]!.encoding.x.title === "training step"));
  const rows = spec.data.values;
  const of = (panel: string, series: string): Row[] => rows.filter((r) => r.panel === panel && r.series === series);
  // loss counts every step; accuracy only the 150 odd steps (window 3 -> 150 - 2 points), in percent
  assert.equal(of("LM loss", TRAIN_SERIES).length, 300 - 2);
  const acc = of("cell accuracy", TRAIN_SERIES);
  assert.equal(acc.length, 150 - 2);
  assert.ok(acc.every((r) => r.y === 50 && r.x % 2 === 1 && !r.dot), "odd steps only, 0.5 -> 50%");
  const ev = of("exact accuracy (whole puzzle right)", EVAL_SERIES);
  assert.deepEqual(ev.map((r) => [r.x, r.y, r.dot]), [[100, 12.5, true], [200, 12.5, true], [300, 12.5, true]]);
  assert.deepEqual(of("mean ACT steps", EVAL_SERIES).map((r) => r.y), [4, 4, 4], "steps are not percentages");
});

test("trainingCurvesSpec: a long run is thinned to MAX_TRAIN_POINTS per series, first and last kept", () => {
  const rows = (trainingCurvesSpec(metrics(5000)) as unknown as { data: { values: Row[] } }).data.values.filter((r) => r.panel === "LM loss" && r.series === TRAIN_SERIES);
  assert.equal(rows.length, MAX_TRAIN_POINTS);
  assert.equal(rows[0]!.x, 50, "the first full window (50 steps) ends at step 50");
  assert.equal(rows.at(-1)!.x, 5000);
});

test("smooth and thin", () => {
  assert.deepEqual(smooth([[1, 1], [2, 3], [3, 5], [4, 7]], 2), [[2, 2], [3, 4], [4, 6]]);
  assert.deepEqual(thin([[0, 0], [1, 1], [2, 2], [3, 3], [4, 4]], 3), [[0, 0], [2, 2], [4, 4]]);
});

test("the rendered chart names its panels, axes and both series", async () => {
  const svg = await chartSvg(trainingCurvesSpec(metrics(300)));
  for (const t of ["training curves", "LM loss", "cell accuracy (%)", "exact accuracy (%)", "training step", "ACT segments per example", TRAIN_SERIES, EVAL_SERIES]) {
    assert.ok(svg.includes(`>${t}</text>`), `text "${t}"`);
  }
});
