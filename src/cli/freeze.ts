// `hrm freeze`: a run checkpoint -> an inference folder (config.json + model.safetensors) holding the
// weights to run (the EMA copy when the run kept one, else the live weights): what the web page ships.
import { UsageError } from "../engine/errors.js";
import { writeInferenceCheckpoint } from "../train/checkpoint.js";
import { loadCheckpointModel, loadedWeights } from "../io/checkpoint-model-node.js";
import { formatHelp, parseArgs } from "./args.js";
import type { Specs } from "./args.js";
import type { Command } from "./command.js";
import { expectReplaceableFolder } from "./paths.js";
import { weightsFromOption, weightsOptionSpec } from "./weights-option.js";
import { jsonOptionSpec, printJson } from "./output-options.js";

const specs = {
  checkpoint: { kind: "string", help: "run checkpoint folder (from `hrm train`)" },
  out: { kind: "string", help: "output folder (replaced atomically when it is a checkpoint folder; any other existing folder or file is refused)" },
  weights: weightsOptionSpec,
  note: { kind: "string", help: "a line kept in config.json (e.g. the measured accuracy and the command that trained it)" },
  json: jsonOptionSpec,
} satisfies Specs;

export const command: Command = {
  async run(argv) {
    const args = parseArgs(argv, specs);
    if (args.help) {
      console.log(formatHelp("hrm freeze --checkpoint <run checkpoint> --out <dir> [--weights auto|ema|live]", specs, [
        "hrm freeze --checkpoint runs/trm-sudoku-cpu/checkpoints/step_0001200 --out web/public/checkpoint",
      ]));
      return 0;
    }
    const o = args.options;
    if (typeof o["checkpoint"] !== "string" || typeof o["out"] !== "string") throw new UsageError("--checkpoint <dir> and --out <dir> are required");
    const weights = weightsFromOption(o["weights"]);
    expectReplaceableFolder(o["out"], "--out", UsageError);
    const model = loadCheckpointModel(o["checkpoint"], weights);
    const which = loadedWeights(o["checkpoint"], weights);
    writeInferenceCheckpoint(o["out"], model, { frozen_from: o["checkpoint"], weights: which, ...(typeof o["note"] === "string" ? { note: o["note"] } : {}) });
    if (o["json"]) {
      printJson({ checkpoint: o["checkpoint"], out: o["out"], family: model.family, parameters: model.params.numParameters, weights: which });
      return 0;
    }
    console.log(`${o["out"]}: ${model.family.toUpperCase()} model, ${model.params.numParameters.toLocaleString("en")} parameters, ${which} weights of ${o["checkpoint"]}`);
    return 0;
  },
};
