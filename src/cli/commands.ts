// The subcommands of `hrm`, each with its one-line summary (shown by `hrm --help`) and its module, loaded
// only when the command runs so that `hrm --help` stays fast (loading every module takes ~0.5 s).
import type { Command } from "./command.js";

export interface CommandEntry {
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

export const commands: Readonly<Record<string, CommandEntry>> = {
  analyze: { summary: "analyses of a checkpoint: pr (participation ratio of z_H and z_L, trained vs untrained)", load: async () => (await import("./analyze.js")).command },
  "check-reference": { summary: "replay a golden folder of the official code and compare every tensor", load: async () => (await import("./check-reference.js")).command },
  data: { summary: "build, show and verify datasets in the official HRM on-disk format", load: async () => (await import("./data.js")).command },
  demo: { summary: "the main job: generate Sudoku data, train a CPU-scale TRM (or HRM), evaluate, draw curves, solve one puzzle", load: async () => (await import("./demo.js")).command },
  eval: { summary: "evaluate a checkpoint on a dataset (official metrics, per-segment accuracy, ARC voting)", load: async () => (await import("./eval.js")).command },
  export: { summary: "write a checkpoint folder (HRM or TRM) as an official PyTorch checkpoint + all_config.yaml", load: async () => (await import("./export.js")).command },
  freeze: { summary: "write an inference folder (config.json + model.safetensors) from a run checkpoint, EMA weights baked in", load: async () => (await import("./freeze.js")).command },
  import: { summary: "convert an official PyTorch checkpoint (HRM or TRM) into a checkpoint folder", load: async () => (await import("./import.js")).command },
  plot: { summary: "redraw a chart from saved results: curves (a run folder's metrics.jsonl) or pr (a pr.json)", load: async () => (await import("./plot.js")).command },
  solve: { summary: "solve one Sudoku, maze or ARC test input with a checkpoint, showing every ACT segment", load: async () => (await import("./solve.js")).command },
  train: { summary: "train an HRM or TRM (official training loop) with checkpoints and resume", load: async () => (await import("./train.js")).command },
};
