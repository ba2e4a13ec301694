// One training step (HRM: one ACT segment incl. the Q-target forward, backward, both optimizers; TRM: one ACT
// step, backward through its last cycle, both optimizers, the EMA update) or one inference (a batch through
// halt_max_steps eval segments), for a preset, kernel backend and precision. Also the matrix products'
// achieved rate inside the model, next to the same products run in isolation.
//   node dist/bench/train-step.js [--preset tiny-a|paper|trm-sudoku|trm-arc|trm-sudoku-small|trm-arc-small|<training
//        preset>] [--kernels reference|native|auto] [--forward-dtype float32|bfloat16] [--batch N] [--mode train|infer] [--reps N] [--json]
import { performance } from "node:perf_hooks";
import { inferenceOnly, makeCtx, stepScope } from "../src/engine/context.js";
import { Rng } from "../src/engine/rng.js";
import type { KernelName, Kernels, MatmulDims } from "../src/engine/kernels.js";
import { kernelNames } from "../src/engine/kernels.js";
import type { BackendChoice } from "../src/kernels/select.js";
import { cliKernels } from "../src/cli/kernels-option.js";
import { actForward, initialCarry } from "../src/model/act.js";
import { parseHrmConfig } from "../src/model/hrm/config.js";
import { parseTrmConfig } from "../src/model/trm/config.js";
import { nativeInfo } from "../src/kernels/native/index.js";
import type { ModelConfig } from "../src/model/model.js";
import { createModel, familyOf, parseModelConfig } from "../src/model/model.js";
import { createTrainState, trainStep } from "../src/train/step.js";
import type { OptimConfig } from "../src/train/step.js";
import { randomBatch } from "../test/helpers/random-batch.js";
import { parseArgs } from "../src/cli/args.js";
import { parseTrainConfig } from "../src/train/config.js";
import { presetConfig, presetNames as trainingPresetNames } from "../src/train/presets.js";
import { modelConfigFor } from "../src/train/trainer.js";
import { bestSeconds } from "./timing.js";

const base = { num_puzzle_identifiers: 1, vocab_size: 11, pos_encodings: "rope", halt_exploration_prob: 0.1, forward_dtype: "float32" };
const benchPresets: Record<string, ModelConfig> = {
  "tiny-a": parseHrmConfig({ ...base, batch_size: 3, seq_len: 16, puzzle_emb_ndim: 64, num_puzzle_identifiers: 5, H_cycles: 2, L_cycles: 2, H_layers: 2, L_layers: 2, hidden_size: 64, expansion: 4, num_heads: 4, halt_max_steps: 4 }),
  paper: parseHrmConfig({ ...base, batch_size: 32, seq_len: 81, puzzle_emb_ndim: 512, H_cycles: 2, L_cycles: 2, H_layers: 4, L_layers: 4, hidden_size: 512, expansion: 4, num_heads: 8, halt_max_steps: 16 }),
  ...trmBenchPresets(),
};

/**
 * The official TRM configurations (trm-spec §6: hidden 512, 8 heads, expansion 4, L_layers 2, puzzle vector 512
 * in a 16-token prefix, halt_max_steps 16, no_ACT_continue; one puzzle identifier, as bench/torch_trm_step.py):
 * trm-sudoku (mlp_t, no positions, H/L cycles 3/6, T = 81 + 16, batch 32) and trm-arc (attention, RoPE, H/L 3/4,
 * T = 900 + 16, batch 4: a step is ~100 GFLOP per row). The -small variants keep each model's structure at a
 * size that runs in about a second per step on one core (hidden 128, 4 heads, batch 2; ARC on 10x10 grids,
 * T = 100 + 16): for checking the bench itself, not for its numbers.
 */
function trmBenchPresets(): Record<string, ModelConfig> {
  const common = {
    num_puzzle_identifiers: 1, H_layers: 0, L_layers: 2, hidden_size: 512, num_heads: 8, expansion: 4, puzzle_emb_ndim: 512, puzzle_emb_len: 16,
    halt_max_steps: 16, halt_exploration_prob: 0.1, no_ACT_continue: true, rms_norm_eps: 1e-5, rope_theta: 10000, forward_dtype: "float32",
  };
  const sudoku = { ...common, batch_size: 32, seq_len: 81, vocab_size: 11, mlp_t: true, pos_encodings: "none", H_cycles: 3, L_cycles: 6 };
  const arc = { ...common, batch_size: 4, seq_len: 900, vocab_size: 12, mlp_t: false, pos_encodings: "rope", H_cycles: 3, L_cycles: 4 };
  const small = { hidden_size: 128, num_heads: 4, puzzle_emb_ndim: 128, batch_size: 2 };
  return {
    "trm-sudoku": parseTrmConfig(sudoku, "bench preset trm-sudoku"),
    "trm-arc": parseTrmConfig(arc, "bench preset trm-arc"),
    "trm-sudoku-small": parseTrmConfig({ ...sudoku, ...small }, "bench preset trm-sudoku-small"),
    "trm-arc-small": parseTrmConfig({ ...arc, ...small, seq_len: 100 }, "bench preset trm-arc-small"),
  };
}

/** The data shapes of each task's datasets (seq_len, vocabulary), for a training preset's model. */
const taskShapes = [
  { task: "sudoku", seq_len: 81, vocab_size: 11, num_puzzle_identifiers: 1 },
  { task: "maze-10x10", seq_len: 100, vocab_size: 6, num_puzzle_identifiers: 1 },
  { task: "maze", seq_len: 900, vocab_size: 6, num_puzzle_identifiers: 1 },
  { task: "arc", seq_len: 900, vocab_size: 12, num_puzzle_identifiers: 1 },
] as const;

export const presetNames: readonly string[] = [...Object.keys(benchPresets), ...trainingPresetNames];

/** A bench model: tiny-a (the golden set's), paper, or any training preset's model at its batch on its task's shapes. */
export function benchPreset(name: string): ModelConfig {
  const own = benchPresets[name];
  if (own !== undefined) return own;
  const json = presetConfig(name);
  if (json === null) throw new Error(`unknown preset ${name}; valid: ${presetNames.join(", ")}`);
  const t = parseTrainConfig(json);
  const shapes = taskShapes.find((s) => t.data_path.includes(s.task));
  if (shapes === undefined) throw new Error(`preset ${name}: no task shapes for data_path ${t.data_path}`);
  return modelConfigFor(t, shapes);
}

export const benchOptim: OptimConfig = {
  global_batch_size: 32, lr: 1e-4, lr_min_ratio: 1, lr_warmup_steps: 10, weight_decay: 0.1, beta1: 0.9, beta2: 0.95,
  puzzle_emb_lr: 1e-2, puzzle_emb_weight_decay: 0.1, loss_type: "stablemax_cross_entropy", ema: null,
};

/** The official TRM runs' EMA (rate 0.999, no warm-up), part of a TRM bench step. */
export const trmBenchEma = { rate: 0.999, warmup: false } as const;

export interface BenchResult {
  readonly medianMs: number;
  readonly peakRssMb: number;
  /** The buffer pool: most bytes handed out at once, and bytes ever allocated (the pool's resident size). */
  readonly poolPeakLiveMb: number;
  readonly poolFreshMb: number;
  readonly times: number[];
  /** Matrix products inside the measured runs: GFLOP/s achieved, and the same shapes run in isolation. */
  readonly matmulGflops: number;
  readonly matmulIsolatedGflops: number;
  readonly matmulShare: number;
  /** Per kernel: milliseconds per timed repetition and calls per repetition, slowest first. */
  readonly profile: Array<{ kernel: KernelName; msPerRep: number; callsPerRep: number }>;
}

interface KernelStats {
  flops: number;
  ms: number;
  shapes: Map<string, MatmulDims>;
  /** Milliseconds and calls per kernel (every kernel, matmul included). */
  perKernel: Map<KernelName, { ms: number; calls: number }>;
}

/** Kernels that time every call, and remember each matmul's shape and FLOPs. */
function countingKernels(k: Kernels): { kernels: Kernels; stats: KernelStats } {
  const stats: KernelStats = { flops: 0, ms: 0, shapes: new Map(), perKernel: new Map() };
  const timed = (name: KernelName, fn: (...a: unknown[]) => void) => (...a: unknown[]) => {
    const t = performance.now();
    fn(...a);
    const dt = performance.now() - t;
    const e = stats.perKernel.get(name) ?? { ms: 0, calls: 0 };
    e.ms += dt;
    e.calls++;
    stats.perKernel.set(name, e);
    if (name === "matmul") {
      const d = a[3] as MatmulDims;
      stats.ms += dt;
      stats.flops += matmulFlops(d);
      stats.shapes.set(JSON.stringify(d), d);
    }
  };
  const kernels = { name: k.name } as Record<string, unknown>;
  for (const name of kernelNames) kernels[name] = timed(name, (k[name] as (...a: unknown[]) => void).bind(k));
  return { kernels: kernels as unknown as Kernels, stats };
}

/** FLOPs of one matmul call: 2·M·K·N per product of its batch. */
function matmulFlops(d: MatmulDims): number {
  return 2 * d.M * d.K * d.N * (d.batch?.count ?? 1);
}

/** Elements an operand of `rows`·`cols` spans in a call (its batch stride times count − 1, plus one item). */
function span(d: MatmulDims, rows: number, cols: number, stride: "strideA" | "strideB" | "strideOut"): number {
  return d.batch === undefined || d.batch.count === 0 ? rows * cols : (d.batch.count - 1) * d.batch[stride] + rows * cols;
}

/** GFLOP/s of each recorded shape run alone (best of 5 after a warm-up), weighted by its FLOPs. */
function isolatedRate(k: Kernels, shapes: Iterable<MatmulDims>): number {
  let flops = 0, ms = 0;
  for (const d of shapes) {
    const a = new Float32Array(span(d, d.M, d.K, "strideA")).fill(0.01), b = new Float32Array(span(d, d.K, d.N, "strideB")).fill(0.02);
    const out = new Float32Array(span(d, d.M, d.N, "strideOut"));
    flops += matmulFlops(d);
    ms += 1000 * bestSeconds(() => k.matmul(out, a, b, d), 5);
  }
  return flops / (ms * 1e6);
}

export function benchModel(config: ModelConfig, backend: BackendChoice, mode: "train" | "infer", reps: number, warmup = 1): BenchResult {
  const { kernels, stats } = countingKernels(cliKernels(backend));
  const rng = new Rng(0);
  const model = createModel(config, rng);
  // TRM's official step ends with the EMA update (pretrain.py, ema=True in every published run)
  const optim: OptimConfig = { ...benchOptim, global_batch_size: config.batch_size, ema: familyOf(config) === "trm" ? trmBenchEma : null };
  const state = createTrainState(model, optim, 1000);
  const ctx = makeCtx(kernels);
  const times: number[] = [];
  let total = 0;
  for (let i = 0; i < warmup + reps; i++) {
    const batch = randomBatch(config, rng);
    if (i === warmup) { stats.flops = 0; stats.ms = 0; stats.perKernel.clear(); }
    const t0 = performance.now();
    if (mode === "train") {
      trainStep(ctx, state, batch, optim, rng);
    } else {
      const frozen = inferenceOnly(ctx); // as hrm solve / hrm eval and the web worker do
      let carry = initialCarry(model, config.batch_size);
      for (let s = 0; s < config.halt_max_steps; s++) carry = stepScope(frozen, () => actForward(frozen, model, carry, batch, { mode: "eval" }).carry);
    }
    const dt = performance.now() - t0;
    if (i >= warmup) { times.push(dt); total += dt; }
  }
  const sorted = [...times].sort((a, b) => a - b);
  // read the counters before isolatedRate, whose own calls go through the same counting kernels
  const matmulGflops = stats.flops / (stats.ms * 1e6), matmulShare = stats.ms / total;
  const profile = [...stats.perKernel].map(([kernel, e]) => ({ kernel, msPerRep: e.ms / reps, callsPerRep: e.calls / reps }))
    .sort((x, y) => y.msPerRep - x.msPerRep);
  return {
    medianMs: sorted[Math.floor(sorted.length / 2)]!,
    peakRssMb: process.resourceUsage().maxRSS / 1024, // KiB: the process's true peak, as PyTorch's ru_maxrss
    poolPeakLiveMb: ctx.pool.stats.peakLiveBytes / 2 ** 20,
    poolFreshMb: ctx.pool.stats.freshBytes / 2 ** 20,
    times,
    matmulGflops,
    matmulIsolatedGflops: isolatedRate(kernels, [...stats.shapes.values()]),
    matmulShare,
    profile,
  };
}

/** A training step's median time and peak memory (bench/wasm.ts). */
export function timeTrainStep(config: ModelConfig, kernels: BackendChoice, reps: number, warmup = 1): { medianMs: number; peakRssMb: number; times: number[] } {
  return benchModel(config, kernels, "train", reps, warmup);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = parseArgs(process.argv.slice(2), {
    preset: { kind: "string", help: "tiny-a | paper | trm-sudoku | trm-arc | trm-sudoku-small | trm-arc-small | a training preset (sudoku-cpu, sudoku-cpu-official, maze-cpu, ...)", default: "tiny-a" },
    kernels: { kind: "string", help: "reference | native | auto", default: "reference" },
    "forward-dtype": { kind: "string", help: "float32 | bfloat16", default: "float32" },
    batch: { kind: "number", help: "batch size (default: the preset's)" },
    mode: { kind: "string", help: "train (one step) | infer (halt_max_steps eval segments)", default: "train" },
    reps: { kind: "number", help: "timed repetitions", default: 5 },
    warmup: { kind: "number", help: "untimed repetitions first", default: 1 },
    json: { kind: "boolean", help: "JSON output", default: false },
    profile: { kind: "boolean", help: "also print the time per kernel", default: false },
  });
  const o = args.options;
  const preset = benchPreset(o["preset"] as string);
  const config = parseModelConfig({ ...preset, forward_dtype: o["forward-dtype"], batch_size: (o["batch"] as number | undefined) ?? preset.batch_size }, familyOf(preset));
  const mode = o["mode"] === "infer" ? "infer" : "train";
  const r = benchModel(config, o["kernels"] as BackendChoice, mode, o["reps"] as number, o["warmup"] as number);
  const what = { preset: o["preset"], kernels: o["kernels"], forward_dtype: config.forward_dtype, batch: config.batch_size, mode };
  if (o["json"]) console.log(JSON.stringify({ ...what, ...r, native: nativeInfo() }));
  else console.log(`${JSON.stringify(what)}: median ${r.medianMs.toFixed(1)} ms, peak RSS ${r.peakRssMb.toFixed(0)} MB (pool: peak live ${r.poolPeakLiveMb.toFixed(0)} MB, allocated ${r.poolFreshMb.toFixed(0)} MB), matmul ${r.matmulGflops.toFixed(1)} GFLOP/s in the model vs ${r.matmulIsolatedGflops.toFixed(1)} isolated (${(100 * r.matmulShare).toFixed(0)}% of the time)`);
  if (o["profile"] && !o["json"]) {
    const rest = r.medianMs - r.profile.reduce((s, p) => s + p.msPerRep, 0);
    for (const p of r.profile) console.log(`  ${p.kernel.padEnd(18)} ${p.msPerRep.toFixed(1).padStart(9)} ms  ${p.callsPerRep.toFixed(0).padStart(6)} calls`);
    console.log(`  ${"outside kernels".padEnd(18)} ${rest.toFixed(1).padStart(9)} ms  (median step minus kernel time)`);
  }
}
