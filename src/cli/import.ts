// `hrm import`: an official checkpoint (torch.save state dict) of sapientinc/HRM or of
// SamsungSAILMontreal/TinyRecursiveModels (TRM) + its config -> our checkpoint folder (config.json with
// model_family, model.safetensors). The config names the family (arch.name or model_family).
import { CheckpointError, ConfigError, UsageError } from "../engine/errors.js";
import { describeModel, importOfficialCheckpoint, OFFICIAL_TRM_ARCH_NAME } from "../io/official.js";
import { newModel } from "../model/model.js";
import { formatHelp, parseArgs } from "./args.js";
import type { Specs } from "./args.js";
import type { Command } from "./command.js";
import { expectFile } from "./paths.js";
import { jsonOptionSpec, printJson } from "./output-options.js";

const specs = {
  config: { kind: "string", help: `the official all_config.yaml next to the checkpoint (arch.name ${OFFICIAL_TRM_ARCH_NAME} = TRM), or a config.json with model_config_effective ("model_family": "trm" = TRM)` },
  out: { kind: "string", help: "checkpoint folder to write" },
  "seq-len": { kind: "number", help: "tokens per example, for RoPE checkpoints whose config lacks it (81 Sudoku, 900 Maze/ARC); TRM mlp_t and learned-position checkpoints give it by their shapes" },
  "forward-dtype": { kind: "string", help: "keep the config's forward_dtype, or set float32 / bfloat16 (same weights)", default: "keep" },
  force: { kind: "boolean", help: "replace an existing output folder", default: false },
  json: jsonOptionSpec,
} satisfies Specs;

export const command: Command = {
  async run(argv) {
    const args = parseArgs(argv, specs);
    const o = args.options;
    if (args.help) {
      console.log(formatHelp("hrm import <official checkpoint file> --config <all_config.yaml | config.json> --out <dir> [options]", specs, [
        "hrm import HRM-checkpoint-sudoku-extreme/checkpoint --config HRM-checkpoint-sudoku-extreme/all_config.yaml --seq-len 81 --out ckpt/sudoku",
        "hrm import ../shared/reference/hrm-tiny-a/checkpoint_step_0 --config ../shared/reference/hrm-tiny-a/config.json --out ckpt/tiny",
        "# TRM: the official pretrain saves its EMA copy (ema=True), imported as the folder's model weights",
        "hrm import checkpoints/trm-arc1/step_518071 --config checkpoints/trm-arc1/all_config.yaml --seq-len 900 --out ckpt/trm-arc1",
        "hrm import ../shared/reference/trm-tiny-a/checkpoint_step_0 --config ../shared/reference/trm-tiny-a/config.json --out ckpt/trm-tiny",
      ]));
      return 0;
    }
    if (args.positionals.length !== 1) throw new UsageError(`expected one official checkpoint file, got ${args.positionals.length} arguments`);
    if (typeof o["config"] !== "string" || typeof o["out"] !== "string") throw new UsageError("--config <file> and --out <dir> are required");
    const fd = o["forward-dtype"];
    if (fd !== "keep" && fd !== "float32" && fd !== "bfloat16") throw new UsageError(`--forward-dtype must be keep, float32 or bfloat16, got ${JSON.stringify(fd)}`);
    expectFile(args.positionals[0]!, "official checkpoint", CheckpointError);
    expectFile(o["config"], "--config", ConfigError);
    const seqLen = o["seq-len"];
    const r = await importOfficialCheckpoint(args.positionals[0]!, o["config"], o["out"], {
      force: o["force"],
      ...(seqLen !== undefined ? { seqLen } : {}),
      ...(fd !== "keep" ? { forwardDtype: fd } : {}),
    });
    let runnable = true;
    try {
      newModel(r.config);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      runnable = false;
      console.error(`hrm import: note: this build cannot run the imported config yet (${e.message}); re-import with --forward-dtype float32 to run it here (same weights)`);
    }
    if (o["json"]) {
      printJson({ checkpoint: args.positionals[0], config_file: o["config"], out: r.outDir, family: r.family, tensors: r.tensorCount, model: describeModel(r.config),
        config: r.config, weights: r.weights, loss_type: r.lossType, ignored: r.ignored, runnable });
      return 0;
    }
    console.log(`imported ${r.tensorCount} tensors -> ${r.outDir}`);
    console.log(`model: ${describeModel(r.config)}`);
    if (r.weights !== null) console.log(`weights: ${r.weights.kind === "ema" ? "EMA copy" : "live"} (${r.weights.note})`);
    if (r.lossType !== null) console.log(`loss: ${r.lossType}`);
    if (r.ignored.length > 0) console.log(`not model fields (kept in config.json "official"): ${r.ignored.join(", ")}`);
    return 0;
  },
};
