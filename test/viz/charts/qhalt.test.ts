// The Q-halt chart: σ(q_halt) and σ(q_continue) per segment, a rule at the adaptive stop (none when the rule
// is never met) and one at the segment shown, axis titles and a legend.
import assert from "node:assert/strict";
import { test } from "node:test";
import { chartSvg } from "../../../src/viz/charts/render-node.js";
import { HALT_MARK, Q_CONTINUE, Q_HALT, SHOWN_MARK, qHaltSpec } from "../../../src/viz/charts/qhalt.js";

const segments = [{ segment: 1, qHalt: -2, qContinue: 1 }, { segment: 2, qHalt: 0, qContinue: 0 }, { segment: 3, qHalt: 3, qContinue: -1 }];
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
type Layers = { layer: Array<{ data: { values: Array<{ series: string; segment: number; p?: number }> } }> };

test("qHaltSpec: probabilities per segment and the two markers", () => {
  const spec = qHaltSpec(segments, 2, 3) as unknown as Layers;
  const [marks, lines] = spec.layer.map((l) => l.data.values) as [Layers["layer"][0]["data"]["values"], Layers["layer"][0]["data"]["values"]];
  assert.deepEqual(marks, [{ series: HALT_MARK, segment: 2 }, { series: SHOWN_MARK, segment: 3 }]);
  assert.deepEqual(lines.filter((r) => r.series === Q_HALT).map((r) => r.p), segments.map((s) => sigmoid(s.qHalt)));
  assert.deepEqual(lines.filter((r) => r.series === Q_CONTINUE).map((r) => r.p), segments.map((s) => sigmoid(s.qContinue)));
  const none = qHaltSpec(segments, null, 1) as unknown as Layers;
  assert.deepEqual(none.layer[0]!.data.values, [{ series: SHOWN_MARK, segment: 1 }], "no adaptive stop: only the shown segment");
});

test("the rendered chart has its title, axis titles, segment ticks and legend", async () => {
  const svg = await chartSvg(qHaltSpec(segments, 2, 3));
  for (const t of ["halting Q-values per segment", "ACT segment", "probability", Q_HALT, Q_CONTINUE, HALT_MARK, SHOWN_MARK, "1", "2", "3"]) assert.ok(svg.includes(`>${t}</text>`), t);
  assert.ok(!svg.includes(">0.5</text>") || svg.includes(">0.4</text>"), "the y axis is probability ticks, not half segments");
  assert.ok(!svg.includes(">2.5</text>"), "segment ticks are whole segments");
});
