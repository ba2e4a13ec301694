// The Q-halt chart of one solve: σ(q_halt) and σ(q_continue) per ACT segment, a rule at the segment where
// adaptive halting stops (the first that meets the model's halting rule) and one at the segment shown.
// The web page draws it under each run.
import type { SegmentTrace } from "../../solve/solve.js";
import type { ChartSpec } from "./line-panels.js";
import { SERIES_COLOURS, chartConfig } from "./line-panels.js";

export const Q_HALT = "σ(q_halt)";
export const Q_CONTINUE = "σ(q_continue)";
export const HALT_MARK = "adaptive halt";
export const SHOWN_MARK = "segment shown";

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** `adaptiveStop`: 1-based segment, or null when the halting rule is never met; `shown`: 1-based segment. */
export function qHaltSpec(segments: readonly Pick<SegmentTrace, "segment" | "qHalt" | "qContinue">[], adaptiveStop: number | null, shown: number): ChartSpec {
  const lines = segments.flatMap((s) => [
    { series: Q_HALT, segment: s.segment, p: sigmoid(s.qHalt) },
    { series: Q_CONTINUE, segment: s.segment, p: sigmoid(s.qContinue) },
  ]);
  const marks = [...(adaptiveStop !== null ? [{ series: HALT_MARK, segment: adaptiveStop }] : []), { series: SHOWN_MARK, segment: shown }];
  const n = Math.max(1, segments.length);
  const x = {
    field: "segment", type: "quantitative", title: "ACT segment",
    // half a segment of room each side, so the rules at the first and last segment stay off the frame
    scale: { domain: [0.5, n + 0.5], nice: false, zero: false },
    axis: { values: Array.from({ length: n }, (_, i) => i + 1).filter((s) => n <= 16 || s % Math.ceil(n / 16) === 0 || s === 1), format: "d", grid: false },
  };
  const color = {
    field: "series", type: "nominal", title: null,
    scale: { domain: [Q_HALT, Q_CONTINUE, HALT_MARK, SHOWN_MARK], range: [SERIES_COLOURS[0]!, SERIES_COLOURS[1]!, "#c62828", "#9e9e9e"] },
    legend: { orient: "bottom", direction: "horizontal", columns: 2 },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "halting Q-values per segment",
    width: 320,
    height: 160,
    layer: [
      {
        name: "segment_marks",
        data: { values: marks },
        mark: { type: "rule", strokeWidth: 2, strokeDash: [4, 3] },
        encoding: { x, color },
      },
      {
        name: "q_lines",
        data: { values: lines },
        mark: { type: "line", point: { filled: true, size: 30 }, strokeWidth: 2 },
        encoding: {
          x, color,
          y: { field: "p", type: "quantitative", title: "probability", scale: { domain: [0, 1] } },
        },
      },
    ],
    config: chartConfig(),
  } as ChartSpec;
}
