// Kernel benchmark (not a test): GFLOP/s of the native matmul at the HRM paper shapes (f32 and bf16;
// the forward product and the two backward products of each Linear), next to the standalone oneDNN
// rate for the same shape and layout (native/bench/onednn_bench.cc, compiled on demand) and the
// reference matmul; then milliseconds per call of the other kernels at the paper's sizes.
//
//   npm run bench:kernels -- [--threads N] [--reps R] [--quick]
//
// Paper configuration: hidden D=512, NH=8 heads of HD=64, T=82 tokens (81 + 1 puzzle), batch B=32
// (rows = B*T = 2624), MLP width I=1536: gate_up [3072,512], down [512,1536], qkv [1536,512], o [512,512].
// A Linear y = x·Wᵀ runs three products: forward (M=rows, K=in, N=out, transB), dX = dY·W (M=rows,
// K=out, N=in) and dW += dYᵀ·X (M=out, K=rows, N=in, transA, accumulate).
// The machine may be shared: each rate is the best of `reps` timed calls, and native and standalone
// runs of one shape alternate, so their ratio compares like with like.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Kernels, MatmulDims } from "../src/engine/kernels.js";
import { loadNativeKernels, nativeInfo, nativeLoadError } from "../src/kernels/native/index.js";
import { referenceKernels } from "../src/kernels/reference/index.js";
import { bestSeconds, rand } from "./timing.js";

interface Options { threads: number; reps: number; quick: boolean }

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { threads: availableParallelism(), reps: 7, quick: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--threads") o.threads = Number(argv[++i]);
    else if (a === "--reps") o.reps = Number(argv[++i]);
    else if (a === "--quick") o.quick = true;
    else throw new Error(`bench/kernels: unknown option ${a}; valid: --threads N, --reps R, --quick`);
  }
  if (!Number.isInteger(o.threads) || o.threads < 1) throw new Error(`--threads must be a positive integer`);
  if (!Number.isInteger(o.reps) || o.reps < 1) throw new Error(`--reps must be a positive integer`);
  return o;
}



// ---- the standalone oneDNN program ----------------------------------------------------------------
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const benchSrc = join(root, "native", "bench", "onednn_bench.cc");
const benchBin = join(root, "native", "build", "onednn_bench");

function standaloneBinary(): string | null {
  if (!existsSync(benchSrc)) return null;
  if (existsSync(benchBin) && statSync(benchBin).mtimeMs >= statSync(benchSrc).mtimeMs) return benchBin;
  mkdirSync(dirname(benchBin), { recursive: true });
  const r = spawnSync("g++", ["-O2", "-std=c++17", benchSrc, "-o", benchBin, "-ldnnl", "-fopenmp"], { encoding: "utf8" });
  if (r.status !== 0) {
    console.error(`bench: cannot build the standalone oneDNN benchmark: ${r.error?.message ?? r.stderr.trim()}`);
    return null;
  }
  return benchBin;
}

interface StandaloneRow { gflops: number | null; impl: string }
function standalone(bin: string, threads: number, reps: number, name: string, d: MatmulDims): StandaloneRow {
  const spec = [name.replace(/[: ]/g, "_"), d.M, d.K, d.N, d.transA ? 1 : 0, d.transB ? 1 : 0, d.accumulate ? 1 : 0, d.precision ?? "f32"].join(":");
  const out = execFileSync(bin, [String(threads), String(reps), spec], { encoding: "utf8" });
  const row = JSON.parse(out.trim().split("\n")[0]!) as StandaloneRow;
  return row;
}

// ---- shapes -------------------------------------------------------------------------------------
const ROWS = 32 * 82;
const linears: { name: string; out: number; in: number }[] = [
  { name: "qkv", out: 1536, in: 512 },
  { name: "o", out: 512, in: 512 },
  { name: "gate_up", out: 3072, in: 512 },
  { name: "down", out: 512, in: 1536 },
];
function products(rows: number): { name: string; d: Omit<MatmulDims, "precision"> }[] {
  const list: { name: string; d: Omit<MatmulDims, "precision"> }[] = [];
  for (const l of linears) {
    list.push({ name: `${l.name} fwd`, d: { M: rows, K: l.in, N: l.out, transB: true } });
    list.push({ name: `${l.name} dX`, d: { M: rows, K: l.out, N: l.in } });
    list.push({ name: `${l.name} dW`, d: { M: l.out, K: rows, N: l.in, transA: true, accumulate: true } });
  }
  return list;
}

function gflops(d: MatmulDims, sec: number): number {
  return (2 * d.M * d.K * d.N) / sec / 1e9;
}
const fmt = (x: number | null, w = 8): string => (x === null ? "n/a" : x.toFixed(1)).padStart(w);

function matmulTable(k: Kernels, o: Options): void {
  const bin = standaloneBinary();
  console.log(`\nmatmul GFLOP/s, rows = B*T = ${ROWS}, ${o.threads} thread(s), best of ${o.reps}` +
    (bin === null ? " (standalone oneDNN benchmark unavailable)" : ""));
  console.log(`${"product".padEnd(12)} ${"prec".padEnd(5)} ${"M".padStart(5)} ${"K".padStart(5)} ${"N".padStart(5)} ${"native".padStart(8)} ${"oneDNN".padStart(8)}  ratio  impl`);
  const ratios: number[] = [];
  for (const precision of ["f32", "bf16"] as const) {
    for (const p of products(ROWS)) {
      const d: MatmulDims = { ...p.d, precision };
      const a = rand(d.M * d.K), b = rand(d.K * d.N), out = new Float32Array(d.M * d.N);
      // alternate: standalone (for this precision; oneDNN's own bf16 if it has one, else f32 on the same
      // layout, which is what the emulated bf16 path runs), native, and again; keep the best of each
      let sa: StandaloneRow | null = null, nat = 0;
      for (let round = 0; round < (o.quick ? 1 : 2); round++) {
        if (bin !== null) {
          let row = standalone(bin, o.threads, o.reps, p.name, d);
          if (row.gflops === null && precision === "bf16") {
            const f = standalone(bin, o.threads, o.reps, p.name, { ...d, precision: "f32" });
            row = { gflops: f.gflops, impl: `${f.impl} (f32: no oneDNN bf16 here)` };
          }
          if (sa === null || (row.gflops ?? 0) > (sa.gflops ?? 0)) sa = row;
        }
        nat = Math.max(nat, gflops(d, bestSeconds(() => k.matmul(out, a, b, d), o.reps)));
      }
      const ratio = sa?.gflops ? nat / sa.gflops : null;
      if (ratio !== null) ratios.push(ratio);
      console.log(`${p.name.padEnd(12)} ${precision.padEnd(5)} ${String(d.M).padStart(5)} ${String(d.K).padStart(5)} ${String(d.N).padStart(5)} ` +
        `${fmt(nat)} ${fmt(sa?.gflops ?? null)}  ${ratio === null ? "  n/a" : (ratio * 100).toFixed(0).padStart(4) + "%"}  ${sa?.impl ?? ""}`);
    }
  }
  if (ratios.length > 0) {
    const min = Math.min(...ratios);
    console.log(`native / standalone oneDNN: min ${(min * 100).toFixed(0)}%, ` +
      `geomean ${(Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length) * 100).toFixed(0)}% (target ≥ 70%)`);
  }
  // the reference for contrast: one sequence pair of rows (its rate does not depend on rows)
  const d: MatmulDims = { M: 164, K: 512, N: 512, transB: true };
  const a = rand(d.M * d.K), b = rand(d.K * d.N), out = new Float32Array(d.M * d.N);
  console.log(`reference matmul (TypeScript), o fwd at M=164: ${fmt(gflops(d, bestSeconds(() => referenceKernels.matmul(out, a, b, d), 2)), 0)} GFLOP/s`);
}

function otherKernels(k: Kernels, o: Options): void {
  const B = 32, T = 82, NH = 8, HD = 64, D = NH * HD, I = 1536, rows = B * T;
  const qkv = rand(rows * 3 * D), out = new Float32Array(rows * D), stats = new Float32Array(B * NH * T * 2);
  const dQkv = new Float32Array(rows * 3 * D), x = rand(rows * D), y = new Float32Array(rows * D), rstd = new Float32Array(rows);
  const gateUp = rand(rows * 2 * I), act = new Float32Array(rows * I), dGateUp = new Float32Array(rows * 2 * I);
  const cos = rand(T * HD), sin = rand(T * HD);
  const nParams = 27_000_000; // about the paper model's parameter count
  const p = rand(nParams), g = rand(nParams), m = new Float32Array(nParams), v = new Float32Array(nParams);
  const attn = { B, T, NH, HD, scale: 1 / Math.sqrt(HD) };
  const attnFlops = 2 * 2 * B * NH * T * T * HD;
  const rowsList: [string, () => void, number][] = [
    ["attentionForward B=32 T=82 NH=8 HD=64", () => k.attentionForward(out, stats, qkv, attn), attnFlops],
    // its 4 gradient products (the recomputed scores not counted)
    ["attentionBackward", () => k.attentionBackward(dQkv, act.subarray(0, rows * D), qkv, stats, attn), 2 * attnFlops],
    ["rmsNormForward rows=2624 D=512", () => k.rmsNormForward(y, rstd, x, { rows, D, eps: 1e-5 }), 0],
    ["rmsNormBackward", () => k.rmsNormBackward(dQkv.subarray(0, rows * D), x, y, rstd, { rows, D }), 0],
    ["ropeForward", () => k.ropeForward(dQkv, qkv, cos, sin, { B, T, NH, HD }), 0],
    ["swigluForward rows=2624 I=1536", () => k.swigluForward(act, gateUp, { rows, I }), 0],
    ["swigluBackward", () => k.swigluBackward(dGateUp, act, gateUp, { rows, I }), 0],
    ["adamAtan2Update n=27M", () => k.adamAtan2Update(p, g, m, v, { n: nParams, lr: 1e-4, beta1: 0.9, beta2: 0.95, weightDecay: 0.1, step: 3 }), 0],
  ];
  console.log(`\nother kernels at the paper's sizes, ${o.threads} thread(s), best of ${o.reps}:`);
  for (const [name, fn, flops] of rowsList) {
    const sec = bestSeconds(fn, o.reps);
    console.log(`${name.padEnd(40)} ${(sec * 1e3).toFixed(2).padStart(9)} ms${flops > 0 ? `  ${(flops / sec / 1e9).toFixed(1)} GFLOP/s` : ""}`);
  }
}

function main(): void {
  const o = parseArgs(process.argv.slice(2));
  const k = loadNativeKernels({ threads: o.threads });
  if (k === null) {
    console.error(`bench/kernels: native kernels unavailable (${nativeLoadError() ?? "?"}). Build them: apt install libdnnl-dev && npm rebuild`);
    process.exit(1);
  }
  const info = nativeInfo();
  console.log(`native: oneDNN ${info?.onednn}, ISA ${info?.isa}, bf16 ${info?.bf16}, threads ${info?.threads}; ` +
    `load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  matmulTable(k, o);
  otherKernels(k, o);
}

main();
