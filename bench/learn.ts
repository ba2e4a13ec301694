// `npm run bench:learn`: learning speed on this machine, side by side in one run. Trains any subset of the
// training presets (`hrm train`) and the official algorithms in PyTorch (HRM: bench/torch_train.py; TRM: the
// official TinyRecursiveModels code through bench/torch_trm_train.py) on the same data for the same training
// minutes (evaluation time excluded), one after the other on the same threads, and reports held-out exact and
// cell accuracy against (a) training minutes, (b) training row-segments (examples x ACT segments) and
// (c) matrix-product FLOPs (counted by running one training step of the same model configuration through a
// counting kernel wrapper). Writes <out>/learn.png (+ .svg), <out>/learn.json and prints a table with the
// machine's CPU model and flags: only figures from one run are compared.
//   npm run bench:learn -- --presets trm-sudoku-cpu,sudoku-cpu --torch trm,hrm --official-trm /tmp/trm-official --minutes 10
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "../src/cli/args.js";
import { makeCtx } from "../src/engine/context.js";
import { Rng } from "../src/engine/rng.js";
import type { Kernels } from "../src/engine/kernels.js";
import { selectKernels } from "../src/kernels/select.js";
import type { ModelConfig } from "../src/model/model.js";
import { createModel, parseModelConfig } from "../src/model/model.js";
import { mergeConfig, overrideToPatch, parseTrainConfig } from "../src/train/config.js";
import { presetConfig } from "../src/train/presets.js";
import { createTrainState, trainStep } from "../src/train/step.js";
import { modelConfigFor } from "../src/train/trainer.js";
import { writeFileAtomicSync } from "../src/util/atomic.js";
import type { ChartSpec, LineRow } from "../src/viz/charts/line-panels.js";
import { linePanelsSpec } from "../src/viz/charts/line-panels.js";
import { writeChart } from "../src/viz/charts/render-node.js";

export interface LearnPoint { readonly minutes: number; readonly rowSegments: number; readonly tflops: number; readonly accuracy: number; readonly exact: number; readonly step: number }
export interface LearnRun { readonly name: string; readonly flopsPerStep: number; readonly batch: number; readonly points: LearnPoint[] }

/** CPU model, the flags that decide the fast paths, and oneDNN's ISA for our addon. */
export function machineLine(kernels: Kernels): string {
  let model = cpus()[0]?.model ?? "?", flags: string[] = [];
  try {
    const info = readFileSync("/proc/cpuinfo", "utf8");
    model = /model name\s*:\s*(.*)/.exec(info)?.[1] ?? model;
    const all = (/flags\s*:\s*(.*)/.exec(info)?.[1] ?? "").split(" ");
    flags = ["avx2", "fma", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile"].filter((f) => all.includes(f));
  } catch { /* not Linux */ }
  const isa = (kernels as { isa?: string }).isa;
  return `${model}, ${cpus().length} cores, flags: ${flags.join(" ") || "none of avx2/avx512"}${isa ? `, oneDNN ISA ${isa}` : ""}`;
}

/** Matrix-product FLOPs of one training step of `config` (one ACT call, backward, optimizer), counted. */
export function flopsPerTrainStep(config: ModelConfig, kernels: Kernels): number {
  let flops = 0;
  const counting: Kernels = {
    ...kernels,
    matmul: (out, a, b, d) => { flops += 2 * d.M * d.N * d.K; kernels.matmul(out, a, b, d); },
    attentionForward: (y, p, qkv, d) => { flops += 2 * 2 * d.B * d.NH * d.T * d.T * d.HD; kernels.attentionForward(y, p, qkv, d); },
    attentionBackward: (dx, dy, qkv, p, d) => { flops += 4 * 2 * d.B * d.NH * d.T * d.T * d.HD; kernels.attentionBackward(dx, dy, qkv, p, d); },
  };
  const model = createModel(config, new Rng(0));
  const optim = { global_batch_size: config.batch_size, lr: 1e-4, lr_min_ratio: 1, lr_warmup_steps: 1, weight_decay: 0.1, beta1: 0.9, beta2: 0.95, puzzle_emb_lr: 1e-4, puzzle_emb_weight_decay: 0.1, loss_type: "stablemax_cross_entropy" as const, ema: null };
  const state = createTrainState(model, optim, 10);
  const B = config.batch_size, S = config.seq_len;
  const batch = { inputs: new Int32Array(B * S).fill(1), labels: new Int32Array(B * S).fill(2), puzzleIdentifiers: new Int32Array(B) };
  trainStep(makeCtx(counting), state, batch, optim, new Rng(1));
  return flops;
}

/** Evaluation points of our metrics.jsonl or a PyTorch baseline's JSON lines (train_time when present). */
export function readLearnPoints(path: string, batch: number, flopsPerStep: number): LearnPoint[] {
  const out: LearnPoint[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const j = JSON.parse(line) as Record<string, unknown>;
    const ev = typeof j["eval"] === "object" && j["eval"] !== null ? (j["eval"] as Record<string, number>) : "exact_accuracy" in j ? (j as Record<string, number>) : null;
    if (ev === null) continue;
    const step = j["step"] as number, time = (j["train_time"] ?? j["time"]) as number;
    out.push({ step, minutes: time / 60, rowSegments: step * batch, tflops: (step * flopsPerStep) / 1e12, accuracy: ev["accuracy"]!, exact: ev["exact_accuracy"]! });
  }
  return out;
}

const LEARN_PANELS = [
  { title: "exact accuracy over training time", xTitle: "training minutes (evaluation excluded)", yTitle: "held-out exact accuracy (%)", x: (p: LearnPoint) => p.minutes, y: (p: LearnPoint) => p.exact },
  { title: "exact accuracy per example seen", xTitle: "row-segments (examples x ACT segments)", yTitle: "held-out exact accuracy (%)", x: (p: LearnPoint) => p.rowSegments, y: (p: LearnPoint) => p.exact },
  { title: "exact accuracy per unit of compute", xTitle: "matrix-product TFLOP", yTitle: "held-out exact accuracy (%)", x: (p: LearnPoint) => p.tflops, y: (p: LearnPoint) => p.exact },
  { title: "cell accuracy over training time", xTitle: "training minutes (evaluation excluded)", yTitle: "held-out cell accuracy (%)", x: (p: LearnPoint) => p.minutes, y: (p: LearnPoint) => p.accuracy },
] as const;

/** The learn.png chart: held-out accuracy of every run against time, data and compute. */
export function learnSpec(runs: readonly LearnRun[], machine: string): ChartSpec {
  const rows: LineRow[] = LEARN_PANELS.flatMap((panel) => runs.flatMap((r) => r.points.map((p) => ({ panel: panel.title, series: r.name, x: panel.x(p), y: 100 * panel.y(p) }))));
  return linePanelsSpec({
    title: "learning speed, side by side", subtitle: machine,
    panels: LEARN_PANELS.map(({ title, xTitle, yTitle }) => ({ title, xTitle, yTitle, yDomain: [0, 100] as const })),
    rows, seriesTitle: "run", seriesOrder: runs.map((r) => r.name), width: 380, height: 220,
  });
}

/** The first point reaching `level` exact accuracy, or null. */
function reach(points: readonly LearnPoint[], level: number): LearnPoint | null {
  return points.find((p) => p.exact >= level) ?? null;
}

export function learnTable(runs: readonly LearnRun[], minutes: number): string {
  const head = ["run", "steps", "row-segments", "exact @end", "cell @end", `exact @${minutes / 2} min`, "50%: min / row-seg / TFLOP", "90%: min / row-seg / TFLOP"];
  const rows = runs.map((r) => {
    const last = r.points.at(-1);
    const half = [...r.points].reverse().find((p) => p.minutes <= minutes / 2 + 1e-9);
    const at = (level: number): string => { const p = reach(r.points, level); return p === null ? "not reached" : `${p.minutes.toFixed(1)} / ${(p.rowSegments / 1000).toFixed(1)}k / ${p.tflops.toFixed(0)}`; };
    return [r.name, String(last?.step ?? 0), `${((last?.rowSegments ?? 0) / 1000).toFixed(1)}k`, pct(last?.exact), pct(last?.accuracy), pct(half?.exact), at(0.5), at(0.9)];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [fmt(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(fmt)].join("\n");
}

const pct = (x: number | undefined): string => (x === undefined ? "-" : `${(100 * x).toFixed(1)}%`);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), {
    presets: { kind: "string", help: "comma-separated training presets of this port (empty for none)", default: "trm-sudoku-cpu" },
    torch: { kind: "string", help: "comma-separated PyTorch baselines: trm (official TRM code), hrm (bench/torch_train.py); empty for none", default: "" },
    "official-trm": { kind: "string", help: "the official TinyRecursiveModels source tree (for --torch trm; not packaged: fetch it)" },
    data: { kind: "string", help: "Sudoku dataset folder (hrm data sudoku ...)", default: "data/sudoku-gen-k30-aug-1000" },
    minutes: { kind: "number", help: "training minutes per run (evaluation excluded)", default: 10 },
    "eval-n": { kind: "number", help: "held-out examples per evaluation", default: 1000 },
    "eval-every": { kind: "number", help: "evaluate every this many steps (0 = the preset's)", default: 0 },
    threads: { kind: "number", help: "threads for every run", default: 2 },
    set: { kind: "string", help: "extra key=value overrides for every preset run, comma-separated (e.g. arch.expansion=2)", default: "" },
    out: { kind: "string", help: "output folder", default: "bench-results/learn" },
  });
  const o = args.options;
  const out = o["out"] as string, minutes = o["minutes"] as number, data = resolve(o["data"] as string);
  if (!existsSync(join(data, "train", "dataset.json"))) throw new Error(`${data}: not a dataset folder; build one with: hrm data sudoku --train ../shared/data/sudoku/gen-k30/train.csv --test ../shared/data/sudoku/gen-k30/test.csv --num-aug 1000 --out ${o["data"] as string}`);
  mkdirSync(out, { recursive: true });
  const kernels = selectKernels("auto");
  const machine = machineLine(kernels);
  console.error(`bench:learn: ${machine}`);
  const env = { ...process.env, HRM_NUM_THREADS: String(o["threads"]), OMP_NUM_THREADS: String(o["threads"]) };
  const list = (s: string): string[] => s.split(",").map((x) => x.trim()).filter((x) => x !== "");
  const overrides = list(o["set"] as string);
  const runs: LearnRun[] = [];
  const meta = JSON.parse(readFileSync(join(data, "train", "dataset.json"), "utf8")) as { seq_len: number; vocab_size: number; num_puzzle_identifiers: number };

  for (const preset of list(o["presets"] as string)) {
    const runDir = join(out, preset);
    const evalEvery = o["eval-every"] as number;
    const cli = ["dist/src/cli/main.js", "train", "--preset", preset, `data_path=${data}`, `run_dir=${runDir}`, `max_minutes=${minutes}`, `eval_max_examples=${String(o["eval-n"])}`, "checkpoint_every_steps=0", ...(evalEvery > 0 ? [`eval_every_steps=${evalEvery}`] : []), ...overrides, "--no-progress"];
    console.error(`bench:learn: ${preset}: node ${cli.join(" ")}`);
    const r = spawnSync(process.execPath, cli, { stdio: ["ignore", "inherit", "inherit"], env });
    if (r.status !== 0) throw new Error(`${preset}: hrm train exited with ${r.status}`);
    const train = parseTrainConfig(overrides.reduce<unknown>((c, kv) => mergeConfig(c, overrideToPatch(kv)), presetConfig(preset)));
    const config = modelConfigFor(train, meta);
    runs.push({ name: preset, batch: train.global_batch_size, flopsPerStep: flopsPerTrainStep(config, kernels), points: [] });
    runs.at(-1)!.points.push(...readLearnPoints(join(runDir, "metrics.jsonl"), train.global_batch_size, runs.at(-1)!.flopsPerStep));
  }

  for (const baseline of list(o["torch"] as string)) {
    const file = join(out, `torch-${baseline}.jsonl`);
    const torchEnv = { ...env, OMP_WAIT_POLICY: "PASSIVE" } as NodeJS.ProcessEnv;
    delete torchEnv["OPENBLAS_CORETYPE"];
    delete torchEnv["OPENBLAS_L2_SIZE"];
    let script: string[], config: ModelConfig, name: string;
    if (baseline === "trm") {
      const official = o["official-trm"];
      if (typeof official !== "string") throw new Error("--torch trm needs --official-trm <TinyRecursiveModels source tree>");
      script = ["bench/torch_trm_train.py", "--official", official];
      name = "official TRM (PyTorch)";
      config = parseModelConfig({ batch_size: 64, seq_len: 81, puzzle_emb_ndim: 128, num_puzzle_identifiers: 1, vocab_size: 11, H_cycles: 3, L_cycles: 6, H_layers: 0, L_layers: 2, hidden_size: 128, expansion: 4, num_heads: 4, pos_encodings: "none", halt_max_steps: 4, halt_exploration_prob: 0.1, forward_dtype: "float32", mlp_t: true, puzzle_emb_len: 16 }, "trm");
    } else if (baseline === "hrm") {
      script = ["bench/torch_train.py"];
      name = "official HRM (PyTorch)";
      config = modelConfigFor(parseTrainConfig(presetConfig("sudoku-cpu-official")), meta);
    } else throw new Error(`--torch: unknown baseline "${baseline}" (trm, hrm)`);
    const cli = [...script, "--data", data, "--minutes", String(minutes), "--threads", String(o["threads"]), "--eval-n", String(o["eval-n"])];
    console.error(`bench:learn: ${name}: /usr/bin/python3 ${cli.join(" ")}`);
    const r = spawnSync("/usr/bin/python3", cli, { stdio: ["ignore", "pipe", "inherit"], env: torchEnv, encoding: "utf8", maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`${name} exited with ${r.status}`);
    writeFileSync(file, r.stdout);
    const flops = flopsPerTrainStep(config, kernels);
    runs.push({ name, batch: config.batch_size, flopsPerStep: flops, points: readLearnPoints(file, config.batch_size, flops) });
  }

  await writeChart(join(out, "learn"), learnSpec(runs, machine));
  writeFileAtomicSync(join(out, "learn.json"), JSON.stringify({ machine, minutes, threads: o["threads"], data, runs }, null, 1));
  console.log(`machine: ${machine}; ${String(o["threads"])} thread(s); ${minutes} training minutes per run; held-out: first ${String(o["eval-n"])} test examples\n`);
  console.log(learnTable(runs, minutes));
  for (const r of runs) console.log(`${r.name}: ${(r.flopsPerStep / 1e9).toFixed(1)} GFLOP per training step (batch ${r.batch})`);
  console.log(`\ncurves: ${join(out, "learn.png")}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
