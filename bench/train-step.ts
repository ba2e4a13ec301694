// Time of one HRM training step (one ACT segment incl. the Q-target forward, backward, both optimizers)
// for a config preset and kernel backend. Usage:
//   node dist/bench/train-step.js [--preset tiny-a|paper] [--kernels reference|native] [--reps N] [--json]
import { performance } from "node:perf_hooks";
import { makeCtx } from "../src/engine/context.js";
import { Rng } from "../src/engine/rng.js";
import type { BackendChoice } from "../src/kernels/select.js";
import { selectKernels } from "../src/kernels/select.js";
import { parseHrmConfig } from "../src/model/hrm/config.js";
import type { HrmConfig } from "../src/model/hrm/config.js";
import { HrmModel } from "../src/model/hrm/model.js";
import { createTrainState, trainStep } from "../src/train/step.js";
import type { OptimConfig } from "../src/train/step.js";
import { randomBatch } from "../src/train/synthetic.js";
import { parseArgs } from "../src/cli/args.js";

const base = { num_puzzle_identifiers: 1, vocab_size: 11, pos_encodings: "rope", halt_exploration_prob: 0.1, forward_dtype: "float32" };
export const presets: Record<string, HrmConfig> = {
  "tiny-a": parseHrmConfig({ ...base, batch_size: 3, seq_len: 16, puzzle_emb_ndim: 64, num_puzzle_identifiers: 5, H_cycles: 2, L_cycles: 2, H_layers: 2, L_layers: 2, hidden_size: 64, expansion: 4, num_heads: 4, halt_max_steps: 4 }),
  "sudoku-cpu": parseHrmConfig({ ...base, batch_size: 64, seq_len: 81, puzzle_emb_ndim: 128, H_cycles: 2, L_cycles: 2, H_layers: 2, L_layers: 2, hidden_size: 128, expansion: 4, num_heads: 4, halt_max_steps: 4 }),
  paper: parseHrmConfig({ ...base, batch_size: 32, seq_len: 81, puzzle_emb_ndim: 512, H_cycles: 2, L_cycles: 2, H_layers: 4, L_layers: 4, hidden_size: 512, expansion: 4, num_heads: 8, halt_max_steps: 16 }),
};

export const benchOptim: OptimConfig = {
  global_batch_size: 32, lr: 1e-4, lr_min_ratio: 1, lr_warmup_steps: 10, weight_decay: 0.1, beta1: 0.9, beta2: 0.95,
  puzzle_emb_lr: 1e-2, puzzle_emb_weight_decay: 0.1, loss_type: "stablemax_cross_entropy",
};

export function timeTrainStep(config: HrmConfig, kernels: BackendChoice, reps: number, warmup = 1): { medianMs: number; peakRssMb: number; times: number[] } {
  const k = selectKernels(kernels);
  const rng = new Rng(0);
  const model = HrmModel.create(config, rng);
  const state = createTrainState(model, { ...benchOptim, global_batch_size: config.batch_size }, 1000);
  const ctx = makeCtx(k);
  const times: number[] = [];
  let peak = 0;
  for (let i = 0; i < warmup + reps; i++) {
    const batch = randomBatch(config, rng);
    const t0 = performance.now();
    trainStep(ctx, state, batch, { ...benchOptim, global_batch_size: config.batch_size }, rng);
    const dt = performance.now() - t0;
    if (i >= warmup) times.push(dt);
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { medianMs: sorted[Math.floor(sorted.length / 2)]!, peakRssMb: peak / 2 ** 20, times };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = parseArgs(process.argv.slice(2), {
    preset: { kind: "string", help: "tiny-a | paper", default: "tiny-a" },
    kernels: { kind: "string", help: "reference | native | auto", default: "reference" },
    reps: { kind: "number", help: "timed repetitions", default: 5 },
    json: { kind: "boolean", help: "JSON output", default: false },
  });
  const preset = presets[args.options["preset"] as string];
  if (preset === undefined) throw new Error(`unknown preset ${String(args.options["preset"])}; valid: ${Object.keys(presets).join(", ")}`);
  const r = timeTrainStep(preset, args.options["kernels"] as BackendChoice, args.options["reps"] as number);
  if (args.options["json"]) console.log(JSON.stringify({ preset: args.options["preset"], kernels: args.options["kernels"], ...r }));
  else console.log(`${String(args.options["preset"])} / ${String(args.options["kernels"])}: median ${r.medianMs.toFixed(1)} ms per training step, peak RSS ${r.peakRssMb.toFixed(0)} MB (${r.times.length} reps)`);
}
