// WASM kernel benchmark (not a test): GFLOP/s of the WASM matmul at the HRM paper shapes, for the SIMD build
// and the relaxed-SIMD (FMA) build, next to the reference; then one training step of a preset with each WASM
// build (bench/train-step.ts), and with the native backend for comparison (--compare; the reference is left
// out: a sudoku-cpu-official step takes it minutes).
//
//   node dist/bench/wasm.js [--reps R] [--quick] [--preset sudoku-cpu-official] [--step-reps N] [--compare]
//
// Node 20 runs the relaxed build only with --experimental-wasm-relaxed-simd, so its numbers come from a
// child process started with that flag (`--variant relaxed --json`). Single thread throughout.
// Shapes (as bench/kernels.ts): rows = B*T = 32*82 = 2624; a Linear y = x·Wᵀ runs forward (M=rows, K=in,
// N=out, transB), dX = dY·W (M=rows, K=out, N=in) and dW += dYᵀ·X (M=out, K=rows, N=in, transA, accumulate).
// Rates are the best of `reps` calls (the machine may be shared; the load average is printed).
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import type { Kernels, MatmulDims } from "../src/engine/kernels.js";
import { referenceKernels } from "../src/kernels/reference/index.js";
import { loadWasmKernels, wasmLoadError } from "../src/kernels/wasm/index.js";
import type { WasmVariantChoice } from "../src/kernels/wasm/index.js";
import type { BackendChoice } from "../src/kernels/select.js";
import { benchPreset, timeTrainStep } from "./train-step.js";
import { bestSeconds, rand } from "./timing.js";

interface Options {
  reps: number; quick: boolean; variant: WasmVariantChoice | "both"; json: boolean; preset: string; stepReps: number; compare: boolean;
}
/** What a one-variant run reports to the parent. */
interface VariantResult { rates: number[]; stepMs: number }

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { reps: 3, quick: false, variant: "both", json: false, preset: "sudoku-cpu-official", stepReps: 3, compare: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--reps") o.reps = Number(argv[++i]);
    else if (a === "--quick") o.quick = true;
    else if (a === "--variant") o.variant = argv[++i] as WasmVariantChoice;
    else if (a === "--json") o.json = true;
    else if (a === "--preset") o.preset = String(argv[++i]);
    else if (a === "--step-reps") o.stepReps = Number(argv[++i]);
    else if (a === "--compare") o.compare = true;
    else throw new Error(`bench/wasm: unknown option ${a}; valid: --reps R, --quick, --variant simd|relaxed, --json, --preset P, --step-reps N, --compare`);
  }
  if (!Number.isInteger(o.reps) || o.reps < 1) throw new Error("--reps must be a positive integer");
  benchPreset(o.preset); // throws, naming the valid presets, if unknown
  return o;
}



const ROWS = 32 * 82;
const linears = [
  { name: "qkv", out: 1536, in: 512 },
  { name: "o", out: 512, in: 512 },
  { name: "gate_up", out: 3072, in: 512 },
  { name: "down", out: 512, in: 1536 },
];
interface Product { name: string; d: MatmulDims }
function products(quick: boolean): Product[] {
  const list: Product[] = [];
  for (const l of quick ? linears.slice(0, 1) : linears) {
    list.push({ name: `${l.name} fwd`, d: { M: ROWS, K: l.in, N: l.out, transB: true } });
    list.push({ name: `${l.name} dX`, d: { M: ROWS, K: l.out, N: l.in } });
    list.push({ name: `${l.name} dW`, d: { M: l.out, K: ROWS, N: l.in, transA: true, accumulate: true } });
  }
  list.push({ name: "qkv fwd bf16", d: { M: ROWS, K: 512, N: 1536, transB: true, precision: "bf16" } });
  return list;
}

function gflops(d: MatmulDims, sec: number): number {
  return (2 * d.M * d.K * d.N) / sec / 1e9;
}

/** GFLOP/s of each product with kernels k. */
function rates(k: Kernels, list: readonly Product[], reps: number): number[] {
  return list.map(({ d }) => {
    const a = rand(d.M * d.K), b = rand(d.K * d.N), out = new Float32Array(d.M * d.N);
    return gflops(d, bestSeconds(() => k.matmul(out, a, b, d), reps));
  });
}

function relaxedRun(o: Options): VariantResult | string {
  const r = spawnSync(process.execPath, ["--experimental-wasm-relaxed-simd", fileURLToPath(import.meta.url), "--variant", "relaxed", "--json",
    "--reps", String(o.reps), "--preset", o.preset, "--step-reps", String(o.stepReps), ...(o.quick ? ["--quick"] : [])], { encoding: "utf8" });
  if (r.status !== 0) return `relaxed run failed: ${r.stderr.trim().split("\n").pop() ?? "?"}`;
  return JSON.parse(r.stdout) as VariantResult;
}

/** Median ms of one training step with backend `name` (the WASM variant is the engine's: see loadWasmKernels). */
function stepMs(o: Options, name: BackendChoice): number {
  return timeTrainStep(benchPreset(o.preset), name, o.stepReps).medianMs;
}

const fmt = (x: number | undefined, w = 8): string => (x === undefined ? "n/a" : x.toFixed(1)).padStart(w);

function main(): void {
  const o = parseArgs(process.argv.slice(2));
  const list = products(o.quick);
  if (o.variant !== "both") { // one variant, for the parent's table
    const k = loadWasmKernels({ variant: o.variant });
    if (k === null) throw new Error(`bench/wasm: ${wasmLoadError() ?? "?"}`);
    const r: VariantResult = { rates: rates(k, list, o.reps), stepMs: stepMs(o, "wasm") };
    console.log(o.json ? JSON.stringify(r) : `${list.map((p, i) => `${p.name}: ${fmt(r.rates[i])} GFLOP/s`).join("\n")}\nstep: ${r.stepMs.toFixed(0)} ms`);
    return;
  }
  const simd = loadWasmKernels({ variant: "simd" });
  if (simd === null || simd.variant !== "simd") {
    console.error(`bench/wasm: wasm kernels unavailable (${wasmLoadError() ?? "?"}). Build them: npm run build:wasm`);
    process.exit(1);
  }
  if (loadWasmKernels()?.variant === "relaxed") {
    console.error("bench/wasm: run without --experimental-wasm-relaxed-simd (the relaxed numbers come from a child process)");
    process.exit(1);
  }
  console.log(`wasm kernels, 1 thread, best of ${o.reps}; load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log(`\nmatmul GFLOP/s, rows = B*T = ${ROWS}`);
  console.log(`${"product".padEnd(14)} ${"M".padStart(5)} ${"K".padStart(5)} ${"N".padStart(5)} ${"simd".padStart(8)} ${"relaxed".padStart(8)}`);
  const s = rates(simd, list, o.reps);
  const relRun = relaxedRun(o);
  const rel = typeof relRun === "string" ? relRun : relRun.rates;
  list.forEach((p, i) => {
    console.log(`${p.name.padEnd(14)} ${String(p.d.M).padStart(5)} ${String(p.d.K).padStart(5)} ${String(p.d.N).padStart(5)} ` +
      `${fmt(s[i])} ${fmt(typeof rel === "string" ? undefined : rel[i])}`);
  });
  const f32Rows = list.map((p, i) => [p, i] as const).filter(([p]) => p.d.precision !== "bf16").map(([, i]) => i);
  const mean = (r: readonly number[]): number => f32Rows.reduce((acc, i) => acc + r[i]!, 0) / f32Rows.length;
  console.log(`mean over the f32 products: simd ${mean(s).toFixed(1)}` + (typeof rel === "string" ? ` (${rel})` : `, relaxed ${mean(rel).toFixed(1)}`) + " GFLOP/s");
  const d: MatmulDims = { M: 164, K: 512, N: 512, transB: true };
  const a = rand(d.M * d.K), b = rand(d.K * d.N), out = new Float32Array(d.M * d.N);
  console.log(`reference matmul (TypeScript), o fwd at M=164: ${gflops(d, bestSeconds(() => referenceKernels.matmul(out, a, b, d), 1)).toFixed(2)} GFLOP/s`);

  console.log(`\none training step, preset ${o.preset} (median of ${o.stepReps}):`);
  console.log(`${"wasm simd".padEnd(14)} ${stepMs(o, "wasm").toFixed(0).padStart(8)} ms`);
  console.log(`${"wasm relaxed".padEnd(14)} ${typeof relRun === "string" ? relRun : `${relRun.stepMs.toFixed(0).padStart(8)} ms`}`);
  if (o.compare) {
    try {
      console.log(`${"native".padEnd(14)} ${stepMs(o, "native").toFixed(0).padStart(8)} ms`);
    } catch (e) {
      console.log(`${"native".padEnd(14)} unavailable: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

main();
