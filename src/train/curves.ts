// Training curves from a run's metrics.jsonl: loss, accuracy, exact accuracy and mean ACT steps (train),
// with the evaluation points, as curves.svg and curves.png in the run folder.
import { join } from "node:path";
import { writeFileAtomicSync } from "../util/atomic.js";
import { renderCurvesPng, renderCurvesSvg } from "../viz/curves.js";
import type { MetricsLine } from "./metrics-file.js";
import { readMetrics } from "./metrics-file.js";

type Point = [number, number];

/** Moving average over a window of w points (the raw per-step metrics are noisy). */
function smooth(points: Point[], w: number): Point[] {
  if (w <= 1) return points;
  const out: Point[] = [];
  let sum = 0;
  for (let i = 0; i < points.length; i++) {
    sum += points[i]![1];
    if (i >= w) sum -= points[i - w]![1];
    if (i >= w - 1 || i === points.length - 1) out.push([points[i]![0], sum / Math.min(w, i + 1)]);
  }
  return out;
}

export function curvePanels(lines: readonly MetricsLine[]) {
  // Accuracy and steps count only rows that halted in that step (official metrics): skip steps without any.
  const counted = (k: string, l: MetricsLine): boolean => k.endsWith("loss") || l["train/count"] !== 0;
  const train = (k: string): Point[] => lines.filter((l) => typeof l[k] === "number" && counted(k, l)).map((l) => [l.step, l[k] as number]);
  const evals = (k: string): Point[] => lines.filter((l) => l.eval !== undefined && typeof l.eval[k] === "number").map((l) => [l.step, l.eval![k]!]);
  const n = lines.length;
  const w = Math.max(1, Math.floor(n / 100));
  return [
    { title: "lm loss", series: [{ name: "train", points: smooth(train("train/lm_loss"), w) }, { name: "eval", points: evals("lm_loss") }] },
    { title: "accuracy", series: [{ name: "train", points: smooth(train("train/accuracy"), w) }, { name: "eval", points: evals("accuracy") }] },
    { title: "exact accuracy", series: [{ name: "train", points: smooth(train("train/exact_accuracy"), w) }, { name: "eval", points: evals("exact_accuracy") }] },
    { title: "mean ACT steps", series: [{ name: "train", points: smooth(train("train/steps"), w) }, { name: "eval", points: evals("steps") }] },
  ];
}

/** Render <runDir>/curves.svg and curves.png from <runDir>/metrics.jsonl (no-op without metrics). */
export function writeCurves(runDir: string): void {
  const lines = readMetrics(join(runDir, "metrics.jsonl")).lines.map((l) => l.value); // a torn line is skipped
  if (lines.length === 0) return;
  const panels = curvePanels(lines);
  writeFileAtomicSync(join(runDir, "curves.svg"), renderCurvesSvg(panels));
  writeFileAtomicSync(join(runDir, "curves.png"), renderCurvesPng(panels));
}
