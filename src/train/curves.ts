// Training curves from a run's metrics.jsonl (the chart of src/viz/charts/training-curves.ts), as
// curves.svg and curves.png in the run folder.
import { basename, join, resolve } from "node:path";
import { trainingCurvesSpec } from "../viz/charts/training-curves.js";
import { writeChart } from "../viz/charts/render-node.js";
import { readMetrics } from "./metrics-file.js";

/** Render <runDir>/curves.svg and curves.png from <runDir>/metrics.jsonl (no-op without metrics); returns the PNG path or null. */
export async function writeCurves(runDir: string, title = `training curves of ${basename(resolve(runDir))}`): Promise<string | null> {
  const lines = readMetrics(join(runDir, "metrics.jsonl")).lines.map((l) => l.value); // a torn line is skipped
  if (lines.length === 0) return null;
  return (await writeChart(join(runDir, "curves"), trainingCurvesSpec(lines, title))).png;
}
