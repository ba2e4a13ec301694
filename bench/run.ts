// `npm run bench`: the whole-step benchmark, measured in one run on this machine. One training step of the
// paper configuration (hidden 512, 8 heads, 4+4 layers, H/L cycles 2/2, T = 81 + 1, batch 32; one ACT
// segment incl. the Q-target forward, backward, both optimizers) for the reference kernels (smaller batch:
// they are ~1000x slower), native f32, native bf16, and PyTorch (Debian python3-torch; a straightforward
// implementation of the same step, bench/torch_step.py) in f32 and bf16 at its best thread count; then
// inference of Sudoku puzzles through 16 ACT segments at batch 1 and 64. Each configuration runs in a fresh
// process, so peak memory is its own.
//   npm run bench -- [--batch 32] [--reps 3] [--torch-reps 2] [--reference-batch 1] [--no-torch] [--no-torch-bf16]
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "../src/cli/args.js";

const args = parseArgs(process.argv.slice(2), {
  batch: { kind: "number", help: "training batch", default: 32 },
  reps: { kind: "number", help: "timed steps per hrm configuration", default: 3 },
  "torch-reps": { kind: "number", help: "timed steps per PyTorch configuration", default: 2 },
  "reference-batch": { kind: "number", help: "batch of the reference-kernel run", default: 1 },
  torch: { kind: "boolean", help: "run PyTorch", default: true },
  "torch-bf16": { kind: "boolean", help: "run PyTorch bf16 (slow on CPUs without bf16 matrix units)", default: true },
  "torch-bf16-threads": { kind: "string", help: "thread counts tried for PyTorch bf16 (comma-separated)", default: "1,2" },
  json: { kind: "boolean", help: "print the rows as JSON too", default: false },
});
const o = args.options;
const batch = o["batch"] as number;

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

function torch(precision: string, threads: number, b: number, reps: number, warmup: number): Record<string, number> | null {
  const env: NodeJS.ProcessEnv = { ...process.env, OMP_WAIT_POLICY: "PASSIVE" };
  delete env["OPENBLAS_CORETYPE"]; // PyTorch's best settings here, in its command alone
  delete env["OPENBLAS_L2_SIZE"];
  const blas = "/usr/lib/x86_64-linux-gnu/openblas-pthread";
  if (existsSync(blas)) env["LD_LIBRARY_PATH"] = blas + (env["LD_LIBRARY_PATH"] ? `:${env["LD_LIBRARY_PATH"]}` : "");
  const r = spawnSync("/usr/bin/python3", ["bench/torch_step.py", "--precision", precision, "--threads", String(threads), "--reps", String(reps), "--warmup", String(warmup), "--batch", String(b)], { env, encoding: "utf8" });
  if (r.status !== 0) { console.error(`bench: PyTorch ${precision} ${threads} thread(s) failed: ${r.stderr.trim().split("\n").at(-1)}`); return null; }
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as Record<string, number>;
}

const log = (s: string): void => { console.error(`bench: ${s}`); };
log(`${cpus().length} cores (${cpus()[0]?.model ?? "?"}), load ${loadavg().map((x) => x.toFixed(1)).join(" ")}`);

log(`reference kernels, batch ${String(o["reference-batch"])}, 1 step`);
const ref = hrm("reference", "float32", o["reference-batch"] as number, "train", 1);
rows.push({ name: "hrm reference (TypeScript)", precision: "f32", batch: o["reference-batch"] as number, ms: ref["medianMs"]!, rssMb: ref["peakRssMb"]!, note: "1 step" });
for (const [dtype, p] of [["float32", "f32"], ["bfloat16", "bf16"]] as const) {
  log(`native ${p}, batch ${batch}`);
  const r = hrm("native", dtype, batch, "train", o["reps"] as number);
  rows.push({ name: "hrm native", precision: p, batch, ms: r["medianMs"]!, rssMb: r["peakRssMb"]!, note: `median of ${String(o["reps"])}`, gflops: r["matmulGflops"]!, isolated: r["matmulIsolatedGflops"]! });
}
if (o["torch"] && ensureTorch()) {
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
const inf = ["| inference, 16 segments | precision | batch 1 | batch 64 |", "|---|---|---|---|"];
for (const [dtype, p] of [["float32", "f32"], ["bfloat16", "bf16"]] as const) {
  const one = hrm("native", dtype, 1, "infer", 3), many = hrm("native", dtype, 64, "infer", 1);
  inf.push(`| hrm native | ${p} | ${(one["medianMs"]! / 1000).toFixed(2)} s | ${(many["medianMs"]! / 1000).toFixed(2)} s |`);
}
console.log(lines.join("\n"));
console.log("");
console.log(inf.join("\n"));
log(`done; load ${loadavg().map((x) => x.toFixed(1)).join(" ")}`);
if (o["json"]) console.log(JSON.stringify(rows));
