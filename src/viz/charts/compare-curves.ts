// Learning curves of several runs side by side: cell and exact accuracy on an evaluation split (held-out by
// default, or a validation split) against wall-clock minutes and against optimizer steps, one colour per
// run (bench/compare-curves.ts reads the runs).
import type { ChartSpec, LineRow } from "./line-panels.js";
import { linePanelsSpec } from "./line-panels.js";

/** One evaluation of a run: accuracies as fractions in [0, 1]. */
export interface EvalPoint {
  readonly step: number;
  readonly minutes: number;
  readonly accuracy: number;
  readonly exact: number;
}

export interface CompareRun {
  readonly name: string;
  readonly points: readonly EvalPoint[];
}

const PANELS = [
  { title: "cell accuracy over time", xTitle: "wall-clock minutes", metric: "cell", x: (p: EvalPoint) => p.minutes, y: (p: EvalPoint) => p.accuracy },
  { title: "exact accuracy over time", xTitle: "wall-clock minutes", metric: "exact", x: (p: EvalPoint) => p.minutes, y: (p: EvalPoint) => p.exact },
  { title: "cell accuracy per step", xTitle: "optimizer step", metric: "cell", x: (p: EvalPoint) => p.step, y: (p: EvalPoint) => p.accuracy },
  { title: "exact accuracy per step", xTitle: "optimizer step", metric: "exact", x: (p: EvalPoint) => p.step, y: (p: EvalPoint) => p.exact },
] as const;

/**
 * The chart of `runs`; `split` names the evaluation split in the y axis titles ("held-out cell accuracy (%)")
 * and in the default title: "held-out" (a test split) or e.g. "validation" (carved from the training data).
 */
export function compareCurvesSpec(runs: readonly CompareRun[], title?: string, split = "held-out"): ChartSpec {
  const rows: LineRow[] = [];
  for (const panel of PANELS) for (const r of runs) for (const p of r.points) rows.push({ panel: panel.title, series: r.name, x: panel.x(p), y: 100 * panel.y(p) });
  return linePanelsSpec({
    title: title ?? `${split} accuracy of each run`,
    panels: PANELS.map(({ title: t, xTitle, metric }) => ({ title: t, xTitle, yTitle: `${split} ${metric} accuracy (%)`, yZero: false })),
    rows,
    seriesTitle: "run",
    seriesOrder: runs.map((r) => r.name),
    width: 380,
    height: 220,
  });
}
