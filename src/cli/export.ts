// `hrm export`: our checkpoint folder -> an official torch.save checkpoint (`_orig_mod.model.inner.*`)
// and the all_config.yaml the official evaluate.py reads from the same folder.
import { UsageError } from "../engine/errors.js";
import { describeModel, exportOfficialCheckpoint } from "../io/official.js";
import { formatHelp, parseArgs } from "./args.js";
import type { OptionSpec } from "./args.js";
import type { Command } from "./main.js";

const specs: Record<string, OptionSpec> = {
  checkpoint: { kind: "string", help: "checkpoint folder (config.json + model.safetensors)" },
  out: { kind: "string", help: "official checkpoint file to write (all_config.yaml goes next to it)" },
};

export const command: Command = {
  summary: "write a checkpoint folder as an official PyTorch checkpoint + all_config.yaml",
  async run(argv) {
    const args = parseArgs(argv, specs);
    const o = args.options;
    if (args.help) {
      console.log(formatHelp("hrm export --checkpoint <dir> --out <file>", specs, [
        "hrm export --checkpoint runs/sudoku/checkpoints/step_0002000 --out official/step_2000",
        "python evaluate.py checkpoint=official/step_2000   # in sapientinc/HRM",
      ]));
      return 0;
    }
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
    if (typeof o["checkpoint"] !== "string" || typeof o["out"] !== "string") throw new UsageError("--checkpoint <dir> and --out <file> are required");
    const r = await exportOfficialCheckpoint(o["checkpoint"], o["out"]);
    console.log(`wrote ${r.file} (${r.keys.length} tensors, keys ${r.keys[0]} ...) and ${r.yamlPath}`);
    console.log(`model: ${describeModel(r.config)}`);
    return 0;
  },
};
