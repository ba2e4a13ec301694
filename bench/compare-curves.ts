// Learning curves of several runs side by side (against wall-clock minutes and optimizer steps; the chart
// of src/viz/charts/compare-curves.ts), from this port's metrics.jsonl (its "eval" lines) or
// bench/torch_train.py's JSON lines. --split names the split the runs evaluated on (held-out or validation).
//   node dist/bench/compare-curves.js --out curves.png "hrm=runs/a/metrics.jsonl" "PyTorch=torch.jsonl"
import { readFileSync } from "node:fs";
import { parseArgs } from "../src/cli/args.js";
import type { EvalPoint } from "../src/viz/charts/compare-curves.js";
import { compareCurvesSpec } from "../src/viz/charts/compare-curves.js";
import { writeChart } from "../src/viz/charts/render-node.js";

/** The evaluation points of one run file, either format. */
export function readEvalPoints(path: string): EvalPoint[] {
  const out: EvalPoint[] = [];
  const lines = readFileSync(path, "utf8").split("\n");
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let j: Record<string, unknown>;
    try {
      j = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`${path}:${i + 1}: expected a JSON line, got ${JSON.stringify(line.slice(0, 60))}`);
    }
    // ours: {"step", "time", "eval": {...}}; torch_train.py: {"step", "time", "accuracy", ...}; else a train line
    const ev = typeof j["eval"] === "object" && j["eval"] !== null ? j["eval"] as Record<string, unknown> : "accuracy" in j ? j : null;
    if (ev === null) return;
    const acc = ev["accuracy"], exact = ev["exact_accuracy"], step = j["step"], time = j["time"];
    if (typeof acc !== "number" || typeof exact !== "number" || typeof step !== "number" || typeof time !== "number") {
      throw new Error(`${path}:${i + 1}: an evaluation line needs numbers step, time, accuracy and exact_accuracy`);
    }
    out.push({ step, minutes: time / 60, accuracy: acc, exact });
  });
  if (out.length === 0) throw new Error(`${path}: no evaluation lines`);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = parseArgs(process.argv.slice(2), {
    out: { kind: "string", help: "picture path (.png; an .svg is written next to it)", default: "curves-compare.png" },
    title: { kind: "string", help: "chart title (default: \"<split> accuracy of each run\")" },
    split: { kind: "string", help: "the evaluation split, in the axis titles: held-out (a test split) or e.g. validation", default: "held-out" },
  });
  const runs = args.positionals.map((spec) => {
    const eq = spec.indexOf("=");
    if (eq <= 0) throw new Error(`expected NAME=PATH, got ${JSON.stringify(spec)}`);
    return { name: spec.slice(0, eq), points: readEvalPoints(spec.slice(eq + 1)) };
  });
  if (runs.length === 0) throw new Error("give at least one NAME=PATH");
  const out = args.options["out"] as string;
  await writeChart(out.replace(/\.png$/, ""), compareCurvesSpec(runs, args.options["title"] as string | undefined, args.options["split"] as string));
  for (const r of runs) {
    const last = r.points.at(-1)!;
    console.log(`${r.name}: ${r.points.length} evaluations; last at step ${last.step}, ${last.minutes.toFixed(1)} min: accuracy ${last.accuracy.toFixed(4)}, exact ${last.exact.toFixed(4)}`);
  }
  console.log(`wrote ${out}`);
}
