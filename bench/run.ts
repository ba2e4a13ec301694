// `npm run bench`: the whole-step benchmark, measured in one run on this machine. One training step of the
// paper configuration (hidden 512, 8 heads, 4+4 layers, H/L cycles 2/2, T = 81 + 1, batch 32; one ACT
// segment incl. the Q-target forward, backward, both optimizers) for the reference kernels (smaller batch:
// they are ~1000x slower), native f32, native bf16, and PyTorch (Debian python3-torch; a straightforward
// implementation of the same step, bench/torch_step.py) in f32 and bf16 at its best thread count; then
// inference of Sudoku puzzles through 16 ACT segments at batch 1 and 64 (and PyTorch's batch 1). Each configuration runs in a fresh
// process, so peak memory is its own.
//   npm run bench -- [--batch 32] [--reps 3] [--torch-reps 2] [--reference-batch 1] [--no-torch] [--no-torch-bf16]
//
// `--model trm`: one training step of the official TRM configurations (trm-spec §6; bench/train-step.ts presets
// trm-sudoku: mlp_t, H/L 3/6, T = 81 + 16, batch 32; trm-arc: attention + RoPE, H/L 3/4, T = 900 + 16, batch 4;
// one ACT step in train mode, loss, backward, AdamATan2, sign-SGD, EMA) for the native kernels in f32 and bf16,
// against the OFFICIAL TRM code in PyTorch (bench/torch_trm_step.py, imported from --official-trm: it is not
// packaged) in f32 (best of --torch-threads) and bf16; then the CPU and its matrix-unit flags. --small runs the
// -small presets (hidden 128, batch 2, ARC on 10x10 grids) to check the bench itself in a minute or two.
//   npm run bench -- --model trm --official-trm /tmp/trm-official [--batch 32] [--arc-batch 4] [--small]
//        [--torch-threads 1,2] [--no-torch-bf16]
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "../src/cli/args.js";
import { parseThreadCount } from "../src/kernels/select.js";
import { benchPreset } from "./train-step.js";

const args = parseArgs(process.argv.slice(2), {
  model: { kind: "string", help: "hrm (the paper configuration) | trm (the official TRM Sudoku and ARC configurations)", default: "hrm" },
  batch: { kind: "number", help: "training batch (HRM; TRM: trm-sudoku's; default 32, with --small the small preset's)" },
  "arc-batch": { kind: "number", help: "TRM: trm-arc's training batch (default 4, with --small the small preset's)" },
  small: { kind: "boolean", help: "TRM: the -small presets (checks the bench in minutes; not for its numbers)", default: false },
  "official-trm": { kind: "string", help: "TRM: extracted checkout of SamsungSAILMontreal/TinyRecursiveModels (for the PyTorch rows)" },
  "torch-threads": { kind: "string", help: "TRM: thread counts tried for PyTorch f32 (comma-separated; default 1,2, or HRM_NUM_THREADS when set)" },
  reps: { kind: "number", help: "timed steps per hrm configuration", default: 3 },
  "torch-reps": { kind: "number", help: "timed steps per PyTorch configuration", default: 2 },
  "reference-batch": { kind: "number", help: "batch of the reference-kernel run", default: 1 },
  torch: { kind: "boolean", help: "run PyTorch", default: true },
  "torch-bf16": { kind: "boolean", help: "run PyTorch bf16 (slow on CPUs without bf16 matrix units)", default: true },
  "torch-bf16-threads": { kind: "string", help: "thread counts tried for PyTorch bf16 (comma-separated)", default: "1,2" },
  json: { kind: "boolean", help: "print the rows as JSON too", default: false },
});
const o = args.options;
if (o["model"] !== "hrm" && o["model"] !== "trm") throw new Error(`bench: --model must be hrm or trm, got ${String(o["model"])}`);
const batch = (o["batch"] as number | undefined) ?? 32;

interface Row { name: string; precision: "f32" | "bf16"; batch: number; ms: number; rssMb: number; note: string; gflops?: number; isolated?: number }
const rows: Row[] = [];

function hrm(kernels: string, dtype: string, b: number, mode: string, reps: number): Record<string, number> {
  const out = execFileSync(process.execPath, ["dist/bench/train-step.js", "--preset", "paper", "--kernels", kernels, "--forward-dtype", dtype, "--batch", String(b), "--mode", mode, "--reps", String(reps), "--warmup", reps > 1 ? "1" : "0", "--json"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  return JSON.parse(out.trim().split("\n").at(-1)!) as Record<string, number>;
}

function ensureTorch(): boolean {
  const ok = spawnSync("/usr/bin/python3", ["-c", "import torch"]).status === 0;
  if (ok) return true;
  console.error("bench: installing Debian's python3-torch and libopenblas0-pthread for the PyTorch baseline");
  const r = spawnSync("bash", ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-torch libopenblas0-pthread"], { stdio: "inherit" });
  return r.status === 0 && spawnSync("/usr/bin/python3", ["-c", "import torch"]).status === 0;
}

/**
 * Which BLAS and oneDNN ISA PyTorch really uses under torchEnv() (bench/torch_backend.py), as one line, and
 * whether a ratio against it is honest: Debian's reference (netlib) BLAS makes its f32 products ~50x slower
 * than OpenBLAS, so against it the bench reports no PyTorch rows at all.
 */
function torchBackend(): { ok: boolean; line: string } {
  const r = spawnSync("/usr/bin/python3", ["bench/torch_backend.py"], { env: torchEnv(), encoding: "utf8" });
  if (r.status !== 0) return { ok: false, line: `PyTorch backend check failed: ${r.stderr.trim().split("\n").at(-1) ?? "?"}` };
  const b = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { torch: string; blas: string[]; blas_kind: string; onednn_isa: string | null };
  const line = `PyTorch ${b.torch}: BLAS ${b.blas_kind} (${b.blas.find((l) => /blas/.test(l.split("/").at(-1) ?? "")) ?? "none mapped"}), oneDNN ISA ${b.onednn_isa ?? "unknown"}`;
  if (b.blas_kind === "reference") {
    return { ok: false, line: `${line}. Refusing to compare against the reference BLAS (about 50x slower than an optimized one): apt-get install libopenblas0-pthread` };
  }
  return { ok: true, line };
}

/** PyTorch's best settings here, in its command alone. */
function torchEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OMP_WAIT_POLICY: "PASSIVE" };
  delete env["OPENBLAS_CORETYPE"];
  delete env["OPENBLAS_L2_SIZE"];
  const blas = "/usr/lib/x86_64-linux-gnu/openblas-pthread";
  if (existsSync(blas)) env["LD_LIBRARY_PATH"] = blas + (env["LD_LIBRARY_PATH"] ? `:${env["LD_LIBRARY_PATH"]}` : "");
  return env;
}

function torch(precision: string, threads: number, b: number, reps: number, warmup: number, mode: "train" | "infer" = "train"): Record<string, number> | null {
  const r = spawnSync("/usr/bin/python3", ["bench/torch_step.py", "--mode", mode, "--precision", precision, "--threads", String(threads), "--reps", String(reps), "--warmup", String(warmup), "--batch", String(b)], { env: torchEnv(), encoding: "utf8" });
  if (r.status !== 0) { console.error(`bench: PyTorch ${precision} ${threads} thread(s) failed: ${r.stderr.trim().split("\n").at(-1)}`); return null; }
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as Record<string, number>;
}

const log = (s: string): void => { console.error(`bench: ${s}`); };

function benchHrm(): void {
  log(`${cpus().length} cores (${cpus()[0]?.model ?? "?"}), load ${loadavg().map((x) => x.toFixed(1)).join(" ")}`);

  log(`reference kernels, batch ${String(o["reference-batch"])}, 1 step`);
  const ref = hrm("reference", "float32", o["reference-batch"] as number, "train", 1);
  rows.push({ name: "hrm reference (TypeScript)", precision: "f32", batch: o["reference-batch"] as number, ms: ref["medianMs"]!, rssMb: ref["peakRssMb"]!, note: "1 step" });
  for (const [dtype, p] of [["float32", "f32"], ["bfloat16", "bf16"]] as const) {
    log(`native ${p}, batch ${batch}`);
    const r = hrm("native", dtype, batch, "train", o["reps"] as number);
    rows.push({ name: "hrm native", precision: p, batch, ms: r["medianMs"]!, rssMb: r["peakRssMb"]!, note: `median of ${String(o["reps"])}`, gflops: r["matmulGflops"]!, isolated: r["matmulIsolatedGflops"]! });
  }
  const backend = o["torch"] && ensureTorch() ? torchBackend() : null;
  if (backend !== null) log(backend.line);
  if (backend?.ok === true) {
    for (const precision of ["float32", "bfloat16"]) {
      if (precision === "bfloat16" && !o["torch-bf16"]) continue;
      let best: Record<string, number> | null = null;
      let bestThreads = 0;
      const threadList = precision === "bfloat16" ? (o["torch-bf16-threads"] as string).split(",").map(Number) : [1, 2];
      for (const threads of threadList) {
        log(`PyTorch ${precision}, ${threads} thread(s), batch ${batch}`);
        // bf16 without bf16 matrix units takes minutes per step: one untimed-warm-up-free step
        const r = precision === "bfloat16" ? torch(precision, threads, batch, 1, 0) : torch(precision, threads, batch, o["torch-reps"] as number, 1);
        if (r !== null) log(`  ${(r["step_ms"]! / 1000).toFixed(2)} s per step, peak ${r["peak_rss_mb"]!.toFixed(0)} MB`);
        if (r !== null && (best === null || r["step_ms"]! < best["step_ms"]!)) { best = r; bestThreads = threads; }
      }
      if (best !== null) rows.push({ name: `PyTorch ${String(best["torch"] ?? "")}`.trim(), precision: precision === "float32" ? "f32" : "bf16", batch, ms: best["step_ms"]!, rssMb: best["peak_rss_mb"]!, note: `best of 1/2 threads: ${bestThreads}` });
    }
  }

  const torchRow = (p: string): Row | undefined => rows.find((r) => r.name.startsWith("PyTorch") && r.precision === p);
  const lines = ["| implementation | precision | batch | step time | peak RSS | vs PyTorch (same precision): time, memory | matmul GFLOP/s in model / isolated | note |", "|---|---|---|---|---|---|---|---|"];
  for (const r of rows) {
    const t = torchRow(r.precision);
    const ratio = t !== undefined && !r.name.startsWith("PyTorch") && r.batch === batch
      ? `${(t.ms / r.ms).toFixed(2)}x faster, ${((100 * r.rssMb) / t.rssMb).toFixed(0)}% of its peak` : "";
    const mm = r.gflops !== undefined ? `${r.gflops.toFixed(0)} / ${r.isolated!.toFixed(0)} (${((100 * r.gflops) / r.isolated!).toFixed(0)}%)` : "";
    lines.push(`| ${r.name} | ${r.precision} | ${r.batch} | ${(r.ms / 1000).toFixed(2)} s | ${r.rssMb.toFixed(0)} MB | ${ratio} | ${mm} | ${r.note} |`);
  }

  log("inference: Sudoku puzzles through 16 ACT segments (eval mode)");
  const inf = ["| inference, 16 segments | precision | batch 1 | batch 64 | batch 1 vs PyTorch (same precision) |", "|---|---|---|---|---|"];
  const infRows: { name: string; p: "f32" | "bf16"; one: number; many: number | null }[] = [];
  for (const [dtype, p] of [["float32", "f32"], ["bfloat16", "bf16"]] as const) {
    const one = hrm("native", dtype, 1, "infer", 3), many = hrm("native", dtype, 64, "infer", 1);
    infRows.push({ name: "hrm native", p, one: one["medianMs"]!, many: many["medianMs"]! });
  }
  if (backend?.ok === true) {
    // PyTorch's batch-1 inference (bench/torch_step.py --mode infer), the faster of 1 and 2 threads; bf16 only
    // when its training row ran (without bf16 matrix units it is minutes per call)
    for (const [dtype, p] of [["float32", "f32"], ["bfloat16", "bf16"]] as const) {
      if (dtype === "bfloat16" && !o["torch-bf16"]) continue;
      let best: number | null = null;
      for (const threads of [1, 2]) {
        log(`PyTorch inference ${dtype}, ${threads} thread(s), batch 1`);
        const r = torch(dtype, threads, 1, 3, 1, "infer");
        if (r !== null && (best === null || r["step_ms"]! < best)) best = r["step_ms"]!;
      }
      if (best !== null) infRows.push({ name: "PyTorch (best of 1/2 threads)", p, one: best, many: null });
    }
  }
  for (const r of infRows) {
    const t = infRows.find((x) => x.p === r.p && x.name.startsWith("PyTorch"));
    const ratio = t !== undefined && r !== t ? `${(t.one / r.one).toFixed(2)}x faster` : "";
    inf.push(`| ${r.name} | ${r.p} | ${(r.one / 1000).toFixed(2)} s | ${r.many !== null ? `${(r.many / 1000).toFixed(2)} s` : ""} | ${ratio} |`);
  }
  console.log(lines.join("\n"));
  console.log("");
  console.log(inf.join("\n"));
  console.log("");
  console.log(`machine: ${cpuLine()}${backend !== null ? `; ${backend.line}` : "; PyTorch rows skipped (--no-torch or no torch)"}`);
  log(`done; load ${loadavg().map((x) => x.toFixed(1)).join(" ")}`);
  if (o["json"]) console.log(JSON.stringify(rows));
}

/** The CPU's model name and its vector / matrix-unit flags (Linux /proc/cpuinfo). */
function cpuLine(): string {
  let flags = new Set<string>();
  let model = cpus()[0]?.model ?? "?";
  try {
    const info = readFileSync("/proc/cpuinfo", "utf8");
    flags = new Set(/^flags\s*:(.*)$/m.exec(info)?.[1]?.trim().split(/\s+/) ?? []);
    model = /^model name\s*:(.*)$/m.exec(info)?.[1]?.trim() ?? model;
  } catch { /* not Linux: flags unknown */ }
  const has = (f: string): string => `${f} ${flags.has(f) ? "yes" : "no"}`;
  const amx = ["amx_tile", "amx_bf16", "amx_int8"].filter((f) => flags.has(f));
  return `${model}, ${cpus().length} cores; ${has("avx2")}, ${has("avx512f")}, ${has("avx512_bf16")}, amx ${amx.length > 0 ? amx.join("/") : "no"}`;
}

interface TrmBench { name: string; preset: string; batch: number }

function benchTrm(): void {
  const small = o["small"] as boolean;
  const configs: TrmBench[] = [
    { name: "trm-sudoku", preset: small ? "trm-sudoku-small" : "trm-sudoku", batch: 0 },
    { name: "trm-arc", preset: small ? "trm-arc-small" : "trm-arc", batch: 0 },
  ];
  configs[0]!.batch = (o["batch"] as number | undefined) ?? benchPreset(configs[0]!.preset).batch_size;
  configs[1]!.batch = (o["arc-batch"] as number | undefined) ?? benchPreset(configs[1]!.preset).batch_size;
  const envThreads = parseThreadCount(process.env["HRM_NUM_THREADS"]);
  const torchThreads = ((o["torch-threads"] as string | undefined) ?? (envThreads !== undefined ? String(envThreads) : "1,2")).split(",").map(Number);
  const bf16Threads = o["torch-threads"] === undefined && envThreads !== undefined ? [envThreads] : (o["torch-bf16-threads"] as string).split(",").map(Number);
  log(`${cpuLine()}; load ${loadavg().map((x) => x.toFixed(1)).join(" ")}`);
  log(`native threads: ${envThreads !== undefined ? `HRM_NUM_THREADS=${envThreads}` : "all cores"}; PyTorch f32 threads tried: ${torchThreads.join(", ")}`);

  const official = o["official-trm"] as string | undefined;
  let torchNote: string | null = null, torchLine = "";
  if (!o["torch"]) torchNote = "PyTorch rows skipped (--no-torch)";
  else if (official === undefined) {
    torchNote = "PyTorch rows skipped: no --official-trm <dir>. The official TRM code is not packaged: extract github.com/SamsungSAILMontreal/TinyRecursiveModels "
      + "(commit e7b68717), e.g. `mkdir -p /tmp/trm-official && git -C <clone> archive HEAD | tar -x -C /tmp/trm-official`, and pass --official-trm /tmp/trm-official";
  } else if (!existsSync(join(official, "models", "recursive_reasoning", "trm.py"))) {
    torchNote = `PyTorch rows skipped: ${official} is not a TinyRecursiveModels checkout (no models/recursive_reasoning/trm.py)`;
  } else if (!ensureTorch()) torchNote = "PyTorch rows skipped: /usr/bin/python3 has no torch";
  else {
    const backend = torchBackend();
    log(backend.line);
    if (!backend.ok) torchNote = backend.line;
    else torchLine = backend.line;
  }
  if (torchNote !== null) log(torchNote);

  interface TrmRow extends Row { config: string }
  const trmRows: TrmRow[] = [];
  let native: Record<string, unknown> | null = null;
  let torchVersion = "";
  const reps = o["reps"] as number;
  for (const c of configs) {
    for (const [dtype, p] of [["float32", "f32"], ["bfloat16", "bf16"]] as const) {
      log(`${c.name} (${c.preset}): native ${p}, batch ${c.batch}`);
      const out = execFileSync(process.execPath, ["dist/bench/train-step.js", "--preset", c.preset, "--kernels", "native", "--forward-dtype", dtype, "--batch", String(c.batch), "--mode", "train", "--reps", String(reps), "--warmup", reps > 1 ? "1" : "0", "--json"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
      const r = JSON.parse(out.trim().split("\n").at(-1)!) as Record<string, number> & { native: Record<string, unknown> | null };
      native ??= r.native;
      log(`  ${(r["medianMs"]! / 1000).toFixed(2)} s per step, peak ${r["peakRssMb"]!.toFixed(0)} MB`);
      trmRows.push({ config: c.name, name: "hrm native", precision: p, batch: c.batch, ms: r["medianMs"]!, rssMb: r["peakRssMb"]!, note: `median of ${reps}`, gflops: r["matmulGflops"]!, isolated: r["matmulIsolatedGflops"]! });
    }
    if (torchNote !== null) continue;
    // both sides build the same model: this port's config (official field names) goes to the official constructor
    const modelConfig = JSON.stringify({ ...benchPreset(c.preset), batch_size: c.batch });
    for (const precision of ["float32", "bfloat16"]) {
      if (precision === "bfloat16" && !o["torch-bf16"]) continue;
      let best: Record<string, number> | null = null;
      let bestThreads = 0;
      const threadList = precision === "bfloat16" ? bf16Threads : torchThreads;
      for (const threads of threadList) {
        log(`${c.name}: PyTorch (official TRM) ${precision}, ${threads} thread(s), batch ${c.batch}`);
        // bf16 without bf16 matrix units is very slow: one step, no warm-up
        const [tReps, tWarm] = precision === "bfloat16" ? [1, 0] : [o["torch-reps"] as number, 1];
        const r = spawnSync("/usr/bin/python3", ["bench/torch_trm_step.py", "--official", official!, "--config", c.name, "--model-config", modelConfig,
          "--precision", precision, "--threads", String(threads), "--reps", String(tReps), "--warmup", String(tWarm)], { env: torchEnv(), encoding: "utf8" });
        if (r.status !== 0) { log(`  failed: ${r.stderr.trim().split("\n").at(-1)}`); continue; }
        const res = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as Record<string, number>;
        torchVersion = String(res["torch"] ?? "");
        log(`  ${(res["step_ms"]! / 1000).toFixed(2)} s per step, peak ${res["peak_rss_mb"]!.toFixed(0)} MB`);
        if (best === null || res["step_ms"]! < best["step_ms"]!) { best = res; bestThreads = threads; }
      }
      if (best !== null) {
        const note = threadList.length > 1 ? `best of ${threadList.join("/")} threads: ${bestThreads}` : `${bestThreads} thread(s)`;
        trmRows.push({ config: c.name, name: `PyTorch ${torchVersion} (official TRM)`, precision: precision === "float32" ? "f32" : "bf16", batch: c.batch, ms: best["step_ms"]!, rssMb: best["peak_rss_mb"]!, note: `${note}, ${precision === "bfloat16" ? "1 step" : `median of ${String(o["torch-reps"])}`}` });
      }
    }
  }

  const lines = ["| configuration | implementation | precision | batch | step time | peak RSS | vs PyTorch (same precision): time, memory | matmul GFLOP/s in model / isolated | note |", "|---|---|---|---|---|---|---|---|---|"];
  for (const r of trmRows) {
    const t = trmRows.find((x) => x.config === r.config && x.precision === r.precision && x.name.startsWith("PyTorch"));
    let ratio = "";
    if (t !== undefined && t !== r && t.batch === r.batch) {
      const x = t.ms / r.ms;
      ratio = `${(x >= 1 ? x : 1 / x).toFixed(2)}x ${x >= 1 ? "faster" : "slower"}, ${((100 * r.rssMb) / t.rssMb).toFixed(0)}% of its peak`;
    }
    const mm = r.gflops !== undefined ? `${r.gflops.toFixed(0)} / ${r.isolated!.toFixed(0)} (${((100 * r.gflops) / r.isolated!).toFixed(0)}%)` : "";
    const step = r.ms >= 10000 ? `${(r.ms / 1000).toFixed(1)} s` : r.ms >= 1000 ? `${(r.ms / 1000).toFixed(2)} s` : `${r.ms.toFixed(0)} ms`;
    lines.push(`| ${r.config}${small ? " (small)" : ""} | ${r.name} | ${r.precision} | ${r.batch} | ${step} | ${r.rssMb.toFixed(0)} MB | ${ratio} | ${mm} | ${r.note} |`);
  }
  console.log(lines.join("\n"));
  console.log("");
  const nativeLine = native === null ? "native addon info unavailable"
    : `native kernels: oneDNN ${String(native["onednn"])}, ISA ${String(native["isa"])}, bf16 ${String(native["bf16"])}, ${String(native["threads"])} thread(s)`;
  console.log(`machine: ${cpuLine()}; ${nativeLine}${torchLine !== "" ? `; ${torchLine}` : torchVersion !== "" ? `; PyTorch ${torchVersion}` : ""}`);
  if (small) console.log("--small: the -small presets (hidden 128, 4 heads, puzzle vector 128; ARC on 10x10 grids, T 116): they check the bench, not the official sizes' speed");
  if (torchNote !== null) console.log(`note: ${torchNote}`);
  log(`done; load ${loadavg().map((x) => x.toFixed(1)).join(" ")}`);
  if (o["json"]) console.log(JSON.stringify(trmRows));
}

if (o["model"] === "trm") benchTrm();
else benchHrm();
