// The training-curves chart of a run (its metrics.jsonl lines): LM loss, cell accuracy, exact accuracy and
// mean ACT steps against the training step, the training batches (moving average) beside the held-out
// evaluations. `hrm train` writes it as curves.png/svg in the run folder; `hrm plot curves` redraws it.
import type { ChartSpec, LinePanel, LineRow } from "./line-panels.js";
import { linePanelsSpec } from "./line-panels.js";

type Point = [number, number];

/** One metrics.jsonl line as the chart reads it (train/metrics-file.ts writes them; the chart sits below train). */
export interface MetricsLine {
  step: number;
  eval?: Record<string, number>;
  [k: string]: unknown;
}

/** Most points drawn per training series, about one per pixel of a panel (longer ones are thinned evenly; the ends are kept). */
export const MAX_TRAIN_POINTS = 320;

export const TRAIN_SERIES = "training batches (moving average)";
export const EVAL_SERIES = "held-out evaluation";

/** Moving average over a window of w points (the raw per-step metrics are noisy). */
export function smooth(points: readonly Point[], w: number): Point[] {
  if (w <= 1) return [...points];
  const out: Point[] = [];
  let sum = 0;
  for (let i = 0; i < points.length; i++) {
    sum += points[i]![1];
    if (i >= w) sum -= points[i - w]![1];
    if (i >= w - 1 || i === points.length - 1) out.push([points[i]![0], sum / Math.min(w, i + 1)]);
  }
  return out;
}

/** At most `max` points, evenly spaced by index, first and last kept. */
export function thin(points: readonly Point[], max: number): Point[] {
  if (points.length <= max) return [...points];
  const out: Point[] = [];
  for (let k = 0; k < max; k++) out.push(points[Math.round((k * (points.length - 1)) / (max - 1))]!);
  return out;
}

const PANELS = [
  { metric: "lm_loss", percent: false, panel: { title: "LM loss", xTitle: "training step", yTitle: "LM loss (cross entropy per cell)", yZero: false } },
  { metric: "accuracy", percent: true, panel: { title: "cell accuracy", xTitle: "training step", yTitle: "cell accuracy (%)", yDomain: [0, 100] } },
  { metric: "exact_accuracy", percent: true, panel: { title: "exact accuracy (whole puzzle right)", xTitle: "training step", yTitle: "exact accuracy (%)", yDomain: [0, 100] } },
  { metric: "steps", percent: false, panel: { title: "mean ACT steps", xTitle: "training step", yTitle: "ACT segments per example" } },
] as const satisfies ReadonlyArray<{ metric: string; percent: boolean; panel: LinePanel }>;

export function trainingCurvesSpec(lines: readonly MetricsLine[], title = "training curves"): ChartSpec {
  // Accuracy and steps count only rows that halted in that step (official metrics): skip steps without any.
  const counted = (k: string, l: MetricsLine): boolean => k.endsWith("loss") || l["train/count"] !== 0;
  const train = (k: string): Point[] => lines.filter((l) => typeof l[k] === "number" && counted(k, l)).map((l) => [l.step, l[k] as number]);
  const evals = (k: string): Point[] => lines.filter((l) => l.eval !== undefined && typeof l.eval[k] === "number").map((l) => [l.step, l.eval![k]!]);
  const w = Math.max(1, Math.floor(lines.length / 100));
  const rows: LineRow[] = [];
  for (const { metric, percent, panel } of PANELS) {
    const scale = percent ? 100 : 1;
    for (const [x, y] of thin(smooth(train(`train/${metric}`), w), MAX_TRAIN_POINTS)) rows.push({ panel: panel.title, series: TRAIN_SERIES, x, y: y * scale });
    for (const [x, y] of evals(metric)) rows.push({ panel: panel.title, series: EVAL_SERIES, x, y: y * scale });
  }
  const last = lines.at(-1)?.step;
  return linePanelsSpec({
    title,
    ...(last !== undefined ? { subtitle: `${last} steps; training series smoothed over ${w} step${w === 1 ? "" : "s"}` } : {}),
    panels: PANELS.map((p) => p.panel),
    rows,
    seriesTitle: "",
    seriesOrder: [TRAIN_SERIES, EVAL_SERIES],
  });
}
