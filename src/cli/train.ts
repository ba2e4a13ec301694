// `hrm train`: train from a preset and/or a JSON config file, with key=value overrides; --resume continues.
import { backendChoices } from "../kernels/select.js";
import { backendFromOption, cliKernels } from "./kernels-option.js";
import { readFileSync } from "node:fs";
import { ConfigError, UsageError } from "../engine/errors.js";
import { mergeConfig, overrideToPatch, parseTrainConfig } from "../train/config.js";
import { presetConfig, presetNames } from "../train/presets.js";
import { trainRun } from "../train/trainer.js";
import { formatHelp, parseArgs } from "./args.js";
import type { Specs } from "./args.js";
import type { Command } from "./command.js";
import { expectFile } from "./paths.js";
import { clipText } from "../util/message-text.js";
import { onStopSignal } from "./stop-signal.js";
import { jsonOptionSpec, printJson, progressOptionSpec } from "./output-options.js";

const specs = {
  preset: { kind: "string", help: `start from a preset: ${presetNames.join(", ")}` },
  config: { kind: "string", help: "JSON file with config keys (merged over the preset)" },
  data: { kind: "string", help: "dataset folder (same as data_path=...)" },
  "run-dir": { kind: "string", help: "run folder for checkpoints, metrics and curves (same as run_dir=...)" },
  resume: { kind: "boolean", help: "continue from the run folder's latest readable checkpoint (an error when there is none)", default: false },
  "accept-config-change": { kind: "boolean", help: "with --resume: continue although the config differs from the checkpoint's (the changes are listed)", default: false },
  kernels: { kind: "string", help: `kernel backend: ${backendChoices.join(" | ")} (same as kernels=...; default: the config's, else auto)` },
  "print-config": { kind: "boolean", help: "print the resolved config and exit", default: false },
  progress: progressOptionSpec,
  json: { ...jsonOptionSpec, help: "print the run's summary (steps, seconds, checkpoint, run folder, last eval) as JSON on stdout" },
} satisfies Specs;

export function resolveTrainConfig(options: Record<string, unknown>, overrides: string[]): unknown {
  let cfg: unknown = {};
  const preset = options["preset"] as string | undefined;
  if (preset !== undefined) {
    const p = presetConfig(preset);
    if (p === null) throw new UsageError(`unknown preset "${preset}"; valid presets: ${presetNames.join(", ")}`);
    cfg = p;
  }
  const file = options["config"] as string | undefined;
  if (file !== undefined) {
    expectFile(file, "config file", ConfigError);
    let json: unknown;
    try { json = JSON.parse(readFileSync(file, "utf8")); } catch (e) { throw new ConfigError(`${file}: not valid JSON (${clipText((e as Error).message, 160)})`); }
    cfg = mergeConfig(cfg, json);
  }
  if (options["data"] !== undefined) cfg = mergeConfig(cfg, { data_path: options["data"] });
  if (options["run-dir"] !== undefined) cfg = mergeConfig(cfg, { run_dir: options["run-dir"] });
  if (options["kernels"] !== undefined) cfg = mergeConfig(cfg, { kernels: backendFromOption(options["kernels"]) });
  for (const o of overrides) cfg = mergeConfig(cfg, overrideToPatch(o));
  return cfg;
}

/** The `hrm train` command line of `argv` ending in `--resume` (any other --resume/--no-resume dropped), shell-quoted where needed. */
export function resumeCommand(argv: readonly string[]): string {
  const quote = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);
  const args = [...argv.filter((a) => !/^--(no-)?resume(=.*)?$/.test(a)), "--resume"];
  return ["hrm", "train", ...args.map(quote)].join(" ");
}

export const command: Command = {
  async run(argv) {
    const args = parseArgs(argv, specs);
    if (args.help) {
      console.log(formatHelp("hrm train [--preset NAME] [--config FILE] [key=value ...] [options]", specs, [
        "hrm train --preset sudoku-cpu --data data/sudoku-gen-k30-aug-1000",
        "hrm train --preset sudoku-cpu lr=3e-4 arch.hidden_size=256 max_minutes=60",
        "hrm train --preset sudoku-cpu --resume",
        "hrm train --preset sudoku-cpu --print-config",
        "hrm train --preset trm-sudoku-cpu --kernels reference --no-progress --json",
      ]));
      return 0;
    }
    if (args.options["preset"] === undefined && args.options["config"] === undefined) throw new UsageError("give --preset NAME and/or --config FILE");
    const config = parseTrainConfig(resolveTrainConfig(args.options, args.positionals));
    if (args.options["print-config"]) { console.log(JSON.stringify(config, null, 2)); return 0; }
    const resume = args.options["resume"], acceptConfigChange = args.options["accept-config-change"];
    if (acceptConfigChange && !resume) throw new UsageError("--accept-config-change only applies with --resume");
    const kernels = cliKernels(config.kernels);
    // SIGINT/SIGTERM: the step under way finishes, the last completed step is checkpointed, the lock released
    const stop = onStopSignal();
    let summary;
    try {
      summary = await trainRun(config, kernels, { resume, acceptConfigChange, progress: args.options["progress"], signal: stop.signal });
    } finally {
      stop.uninstall();
    }
    const json = args.options["json"];
    if (json) printJson(summary);
    if (summary.interrupted) {
      console.error(summary.checkpoint === null
        ? `hrm train: interrupted (${stop.received ?? "aborted"}) before the first step; nothing to resume: run the same command again`
        : `hrm train: interrupted (${stop.received ?? "aborted"}) after step ${summary.steps}; checkpoint ${summary.checkpoint}; continue with: ${resumeCommand(argv)}`);
      return stop.exitCode;
    }
    else if (!json) console.log(`trained ${summary.steps} steps in ${summary.seconds.toFixed(0)} s; checkpoint ${summary.checkpoint}; curves in ${summary.runDir}/curves.png`);
    return 0;
  },
};
