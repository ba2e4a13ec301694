// Held-out learning curves of several runs side by side: cell and exact accuracy against wall-clock
// minutes and against optimizer steps, one colour per run (bench/compare-curves.ts reads the runs).
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
  { title: "cell accuracy over time", xTitle: "wall-clock minutes", yTitle: "held-out cell accuracy (%)", x: (p: EvalPoint) => p.minutes, y: (p: EvalPoint) => p.accuracy },
  { title: "exact accuracy over time", xTitle: "wall-clock minutes", yTitle: "held-out exact accuracy (%)", x: (p: EvalPoint) => p.minutes, y: (p: EvalPoint) => p.exact },
  { title: "cell accuracy per step", xTitle: "optimizer step", yTitle: "held-out cell accuracy (%)", x: (p: EvalPoint) => p.step, y: (p: EvalPoint) => p.accuracy },
  { title: "exact accuracy per step", xTitle: "optimizer step", yTitle: "held-out exact accuracy (%)", x: (p: EvalPoint) => p.step, y: (p: EvalPoint) => p.exact },
] as const;

export function compareCurvesSpec(runs: readonly CompareRun[], title = "held-out accuracy of each run"): ChartSpec {
  const rows: LineRow[] = [];
  for (const panel of PANELS) for (const r of runs) for (const p of r.points) rows.push({ panel: panel.title, series: r.name, x: panel.x(p), y: 100 * panel.y(p) });
  return linePanelsSpec({
    title,
    panels: PANELS.map(({ title: t, xTitle, yTitle }) => ({ title: t, xTitle, yTitle, yZero: false })),
    rows,
    seriesTitle: "run",
    seriesOrder: runs.map((r) => r.name),
    width: 380,
    height: 220,
  });
}
