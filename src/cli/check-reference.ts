// `hrm check-reference <folder>`: replay a golden folder made by the official PyTorch code and compare.
import { performance } from "node:perf_hooks";
import { UsageError } from "../engine/errors.js";
import { defaultTolerances } from "../parity/compare.js";
import { formatReport } from "../parity/report.js";
import { checkReference } from "../parity/replay.js";
import type { Replay } from "../parity/replay.js";
import { formatHelp, parseArgs } from "./args.js";
import type { Specs } from "./args.js";
import type { Command } from "./command.js";
import { kernelsFromOption, kernelOptionSpec } from "./kernels-option.js";
import { jsonOptionSpec, printJson } from "./output-options.js";

const specs = {
  kernels: kernelOptionSpec,
  atol: { kind: "number", help: "absolute tolerance of forward tensors", default: defaultTolerances.atol },
  rtol: { kind: "number", help: "relative tolerance of forward tensors", default: defaultTolerances.rtol },
  "forward-dtype": { kind: "string", help: "run the model in float32 or bfloat16 (default: the folder's)" },
  replay: { kind: "string", help: "chained (each call from our previous carry) or per_call (each call t ≥ 2 from the golden carry of call t-1); default: the folder's recommended_replay" },
  verbose: { kind: "boolean", help: "list every tensor, not only failures", default: false },
  json: jsonOptionSpec,
} satisfies Specs;

function replayOption(v: unknown): { replay?: Replay } {
  if (v === undefined) return {};
  if (v === "chained" || v === "per_call") return { replay: v };
  throw new UsageError(`--replay must be chained or per_call, got ${JSON.stringify(v)}`);
}

function forwardDtypeOption(v: unknown): { forwardDtype?: "float32" | "bfloat16" } {
  if (v === undefined) return {};
  if (v === "float32" || v === "bfloat16") return { forwardDtype: v };
  throw new UsageError(`--forward-dtype must be float32 or bfloat16, got ${JSON.stringify(v)}`);
}

export const command: Command = {
  async run(argv) {
    const args = parseArgs(argv, specs);
    if (args.help) {
      console.log(formatHelp("hrm check-reference <golden-folder> [options]", specs, ["hrm check-reference ../shared/reference/hrm-tiny-a", "hrm check-reference ../shared/reference/hrm-tiny-a --kernels native --verbose", "hrm check-reference ../shared/reference/trm-tiny-a --replay per_call"]));
      return 0;
    }
    if (args.positionals.length !== 1) throw new UsageError(`expected one golden folder, got ${args.positionals.length} arguments`);
    const kernels = kernelsFromOption(args.options["kernels"]);
    const t0 = performance.now();
    const report = checkReference(args.positionals[0]!, {
      kernels,
      tolerances: { ...defaultTolerances, atol: args.options["atol"], rtol: args.options["rtol"] },
      ...forwardDtypeOption(args.options["forward-dtype"]),
      ...replayOption(args.options["replay"]),
    });
    const seconds = (performance.now() - t0) / 1000;
    if (args.options["json"]) {
      printJson({ folder: report.folder, family: report.family, replay: report.replay, kernels: kernels.name, seconds, passed: report.passed, failed: report.failed, results: report.results });
    } else {
      console.log(`golden folder: ${report.folder} (${report.family.toUpperCase()}, ${report.replay} replay, kernels: ${kernels.name}, ${seconds.toFixed(1)} s)\n`);
      console.log(formatReport(report, args.options["verbose"]));
      console.log(`\n${report.passed} passed, ${report.failed} failed`);
    }
    return report.failed === 0 ? 0 : 1;
  },
};
