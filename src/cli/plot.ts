// `hrm plot`: redraw a chart from the files a run or an analysis left, without rerunning it: the training
// curves of a run folder (metrics.jsonl) or the participation-ratio chart of a pr.json. The charts are the
// Vega-Lite specs of src/viz/charts/ (the same `hrm train` and `hrm analyze` write), as .png and .svg.
import { readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { DataError, UsageError } from "../engine/errors.js";
import { readMetrics } from "../train/metrics-file.js";
import { parsePrChartInput, prSpectrumSpec } from "../viz/charts/pr-spectrum.js";
import { writeChart } from "../viz/charts/render-node.js";
import { trainingCurvesSpec } from "../viz/charts/training-curves.js";
import { formatHelp, parseArgs } from "./args.js";
import type { Specs } from "./args.js";
import type { Command } from "./command.js";
import { expectFile, expectFolder, expectOutputFile } from "./paths.js";
import { jsonOptionSpec, printJson } from "./output-options.js";

const CHARTS = ["curves", "pr"] as const;

const specs = {
  out: { kind: "string", help: "picture path, ending in .png (an .svg is written next to it); default: curves.png in the run folder, pr.png next to pr.json" },
  title: { kind: "string", help: "chart title (default: \"training curves of <run folder name>\" or \"participation ratio of z_H and z_L\")" },
  json: jsonOptionSpec,
} satisfies Specs;

export const command: Command = {
  async run(argv) {
    const args = parseArgs(argv, specs);
    if (args.help) {
      console.log(formatHelp("hrm plot curves <run dir> | hrm plot pr <pr.json> [--out <picture.png>] [--title <text>]", specs, [
        "hrm plot curves runs/long --out docs/trm-sudoku-cpu-curves.png --title \"trm-sudoku-cpu, 80 training minutes on 2 CPU cores\"",
        "hrm plot pr runs/pr-trm/pr.json --out docs/pr-trm-sudoku-cpu.png",
      ]));
      return 0;
    }
    const [chart, source, ...extra] = args.positionals;
    if (chart === undefined || !(CHARTS as readonly string[]).includes(chart)) throw new UsageError(`expected a chart: ${CHARTS.join(", ")}; got ${JSON.stringify(chart ?? "")}`);
    if (source === undefined) throw new UsageError(chart === "curves" ? "expected a run folder (with metrics.jsonl) after \"curves\"" : "expected a pr.json path after \"pr\"");
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const o = args.options;
    const out = o["out"] ?? (chart === "curves" ? join(source, "curves.png") : join(dirname(source), "pr.png"));
    if (!out.endsWith(".png")) throw new UsageError(`--out must end in .png (an .svg is written next to it), got "${out}"`);
    expectOutputFile(out, "--out", UsageError);
    let spec;
    if (chart === "curves") {
      expectFolder(source, "run folder", UsageError);
      const metrics = join(source, "metrics.jsonl");
      expectFile(metrics, "metrics file", UsageError);
      const lines = readMetrics(metrics).lines.map((l) => l.value);
      if (lines.length === 0) throw new DataError(`${metrics}: no metrics lines; expected the JSON lines \`hrm train\` writes`);
      spec = trainingCurvesSpec(lines, o["title"] ?? `training curves of ${basename(resolve(source))}`);
    } else {
      expectFile(source, "pr.json", UsageError);
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(source, "utf8"));
      } catch (e) {
        throw new DataError(`${source}: expected JSON (the pr.json of \`hrm analyze pr\`); ${(e as Error).message}`);
      }
      const input = parsePrChartInput(json, source);
      spec = o["title"] !== undefined ? prSpectrumSpec(input, o["title"]) : prSpectrumSpec(input);
    }
    const written = await writeChart(out.slice(0, -".png".length), spec);
    if (o["json"]) printJson({ chart, source, png: written.png, svg: written.svg });
    else console.log(`wrote ${written.png} and ${written.svg}`);
    return 0;
  },
};
