// `hrm export`: our checkpoint folder (HRM or TRM) -> an official torch.save checkpoint
// (`_orig_mod.model.inner.*`) and the all_config.yaml of the family's official code in the same folder.
// A folder with an EMA copy exports it by default, as the official TRM pretrain saves its EMA copy.
import { UsageError } from "../engine/errors.js";
import { describeModel, exportOfficialCheckpoint } from "../io/official.js";
import { formatHelp, parseArgs } from "./args.js";
import type { Specs } from "./args.js";
import type { Command } from "./command.js";
import { expectOutputFile } from "./paths.js";
import { weightsFromOption } from "./weights-option.js";
import { jsonOptionSpec, printJson } from "./output-options.js";

const specs = {
  checkpoint: { kind: "string", help: "checkpoint folder (config.json + model.safetensors [+ ema.safetensors])" },
  out: { kind: "string", help: "official checkpoint file to write (all_config.yaml goes next to it)" },
  weights: {
    kind: "string",
    help: "auto | ema | live: the EMA copy (EMA parameters + live buffers, as the official TRM pretrain saves it; auto takes it when the folder has ema.safetensors) or the live weights",
    default: "auto",
  },
  json: jsonOptionSpec,
} satisfies Specs;

export const command: Command = {
  async run(argv) {
    const args = parseArgs(argv, specs);
    const o = args.options;
    if (args.help) {
      console.log(formatHelp("hrm export --checkpoint <dir> --out <file> [--weights auto|ema|live]", specs, [
        "hrm export --checkpoint runs/sudoku/checkpoints/step_0002000 --out official/step_2000",
        "python evaluate.py checkpoint=official/step_2000   # in sapientinc/HRM",
        "# TRM: arch.name recursive_reasoning.trm@TinyRecursiveReasoningModel_ACTV1, EMA weights when the run kept them",
        "hrm export --checkpoint runs/trm-sudoku-cpu/checkpoints/step_0001200 --out official-trm/step_1200",
        "hrm export --checkpoint runs/trm-sudoku-cpu/checkpoints/step_0001200 --out official-trm-live/step_1200 --weights live",
        "python pretrain.py arch=trm load_checkpoint=official-trm/step_1200 ...   # in SamsungSAILMontreal/TinyRecursiveModels",
      ]));
      return 0;
    }
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
    if (typeof o["checkpoint"] !== "string" || typeof o["out"] !== "string") throw new UsageError("--checkpoint <dir> and --out <file> are required");
    expectOutputFile(o["out"], "--out", UsageError);
    const r = await exportOfficialCheckpoint(o["checkpoint"], o["out"], { weights: weightsFromOption(o["weights"]) });
    if (o["json"]) {
      printJson({ checkpoint: o["checkpoint"], file: r.file, yaml: r.yamlPath, family: r.family, tensors: r.keys.length, keys: r.keys,
        model: describeModel(r.config), weights: r.weights, weights_note: r.weightsNote });
      return 0;
    }
    console.log(`wrote ${r.file} (${r.keys.length} tensors, keys ${r.keys[0]} ...) and ${r.yamlPath}`);
    console.log(`model: ${describeModel(r.config)}`);
    console.log(`weights: ${r.weightsNote}`);
    return 0;
  },
};
