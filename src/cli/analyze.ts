// `hrm analyze pr`: participation ratio of z_H and z_L of a checkpoint and of its untrained twin (same
// config, fresh initialisation) over the first N test puzzles, PR vs number of puzzles, as JSON
// (pr.json) and a picture (pr.png, pr.svg). The protocol is defined in src/analysis/README.md.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../engine/errors.js";
import { makeCtx } from "../engine/context.js";
import { Rng } from "../engine/rng.js";
import type { SplitName } from "../data/format.js";
import { openDatasetSplit } from "../data/split-reader.js";
import { kernelOptionSpec, kernelsFromOption } from "./kernels-option.js";
import { createModel } from "../model/model.js";
import { DEFAULT_PROTOCOL, PROTOCOLS, parseProtocol } from "../analysis/collect.js";
import { DEFAULT_SCALING_AT, formatPrTable, participationReport } from "../analysis/pr-report.js";
import { loadCheckpointModel } from "../io/checkpoint-model-node.js";
import { writeFileAtomicSync } from "../util/atomic.js";
import { prSpectrumSpec } from "../viz/charts/pr-spectrum.js";
import { writeChart } from "../viz/charts/render-node.js";
import { formatHelp, parseArgs } from "./args.js";
import type { Specs } from "./args.js";
import type { Command } from "./command.js";
import { cliProgressBar, jsonOptionSpec, progressOptionSpec } from "./output-options.js";
import { expectOutputFolder } from "./paths.js";
import { weightsFromOption, weightsOptionSpec } from "./weights-option.js";

const ANALYSES = ["pr"] as const;

const specs = {
  checkpoint: { kind: "string", help: "checkpoint folder (config.json + model.safetensors)" },
  data: { kind: "string", help: "dataset folder (identifiers.json, test/, train/)" },
  split: { kind: "string", help: "split to take puzzles from: test or train", default: "test" },
  puzzles: { kind: "number", help: "use the first N examples of the split", default: 1000 },
  protocol: { kind: "string", help: `headline protocol for the table and picture: ${PROTOCOLS.join(", ")} (all are in pr.json)`, default: DEFAULT_PROTOCOL },
  scaling: { kind: "string", help: "comma-separated puzzle counts for PR vs number of puzzles", default: DEFAULT_SCALING_AT.join(",") },
  "batch-size": { kind: "number", help: "examples per forward batch", default: 64 },
  seed: { kind: "number", help: "initialisation seed of the untrained twin", default: 0 },
  out: { kind: "string", help: "output folder for pr.json, pr.png, pr.svg", default: "pr-analysis" },
  kernels: kernelOptionSpec,
  weights: weightsOptionSpec,
  progress: progressOptionSpec,
  json: { ...jsonOptionSpec, help: "print pr.json to stdout instead of the table" },
} satisfies Specs;

function positiveInt(v: unknown, name: string): number {
  if (typeof v !== "number" || !(Number.isInteger(v) && v >= 1)) throw new UsageError(`--${name} must be a positive integer, got ${String(v)}`);
  return v;
}

function parseScaling(v: string): number[] {
  const ns = v.split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
  if (ns.some((n) => !(Number.isInteger(n) && n >= 1))) throw new UsageError(`--scaling expects comma-separated positive integers, got "${v}"`);
  return ns;
}

export const command: Command = {
  async run(argv) {
    const args = parseArgs(argv, specs);
    const o = args.options;
    if (args.help) {
      console.log(formatHelp("hrm analyze pr --checkpoint <dir> --data <dataset dir> [options]", specs, [
        "hrm analyze pr --checkpoint runs/sudoku-cpu/checkpoints/step_0005000 --data data/sudoku-gen-k30-aug-1000 --puzzles 1000 --out runs/sudoku-cpu/pr",
        "hrm analyze pr --checkpoint ckpt --data data/sudoku --protocol mean-all --json",
      ]));
      return 0;
    }
    const [analysis, ...extra] = args.positionals;
    if (analysis === undefined || !(ANALYSES as readonly string[]).includes(analysis)) {
      throw new UsageError(`expected an analysis: ${ANALYSES.join(", ")}; got ${JSON.stringify(analysis ?? "")}`);
    }
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    if (typeof o["checkpoint"] !== "string" || typeof o["data"] !== "string") throw new UsageError("--checkpoint <dir> and --data <dataset dir> are required");
    const split = o["split"];
    if (split !== "test" && split !== "train") throw new UsageError(`--split must be "test" or "train", got ${JSON.stringify(split)}`);
    let protocol;
    try {
      protocol = parseProtocol(o["protocol"]);
    } catch (e) {
      throw new UsageError(`--protocol: ${(e as Error).message}`);
    }
    const puzzles = positiveInt(o["puzzles"], "puzzles"), batchSize = positiveInt(o["batch-size"], "batch-size");
    const seed = o["seed"];
    if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, got ${seed}`);
    const scalingAt = parseScaling(o["scaling"]);
    const kernels = kernelsFromOption(o["kernels"]);
    const out = o["out"], dir = o["checkpoint"], data = o["data"];
    expectOutputFolder(out, "--out", UsageError); // before the work, not after it

    const trained = loadCheckpointModel(dir, weightsFromOption(o["weights"]));
    const untrained = createModel(trained.config, new Rng(seed));
    const opened = openDatasetSplit(data, split as SplitName);
    try {
      const meta = opened.metadata;
      if (meta.seq_len !== trained.config.seq_len || meta.vocab_size !== trained.config.vocab_size) {
        throw new UsageError(`dataset ${data} has seq_len ${meta.seq_len}, vocab_size ${meta.vocab_size}; the checkpoint was built for seq_len ${trained.config.seq_len}, vocab_size ${trained.config.vocab_size}`);
      }
      if (meta.num_puzzle_identifiers > trained.config.num_puzzle_identifiers) {
        throw new UsageError(`dataset ${data} has ${meta.num_puzzle_identifiers} puzzle identifiers; the checkpoint's puzzle embedding has ${trained.config.num_puzzle_identifiers} rows (was it trained on this dataset?)`);
      }
      const available = opened.sets.reduce((n, s) => n + s.inputs.rows, 0);
      const total = Math.min(puzzles, available);
      const bars = {
        trained: cliProgressBar(o["progress"], { total, label: "trained", unit: "puzzles" }),
        untrained: cliProgressBar(o["progress"], { total, label: "untrained", unit: "puzzles" }),
      };
      const report = participationReport(makeCtx(kernels), { trained, untrained }, opened, {
        puzzles, batchSize, protocol, untrainedSeed: seed, scalingAt,
        onProgress: (which: "trained" | "untrained", done: number) => { bars[which].update(done); if (done >= total) bars[which].finish(); },
      });
      const full = { checkpoint: dir, data, kernels: kernels.name, ...report };
      mkdirSync(out, { recursive: true });
      writeFileAtomicSync(join(out, "pr.json"), JSON.stringify(full, null, 2) + "\n");
      await writeChart(join(out, "pr"), prSpectrumSpec(report));
      if (o["json"]) console.log(JSON.stringify(full));
      else {
        console.log(`checkpoint ${dir} on ${data}, untrained twin seed ${seed}, kernels ${kernels.name}, ${report.seconds.toFixed(1)} s\n`);
        console.log(formatPrTable(report));
        console.log(`\nwrote ${join(out, "pr.json")}, ${join(out, "pr.png")}, ${join(out, "pr.svg")}`);
      }
      return 0;
    } finally {
      opened.close();
    }
  },
};
