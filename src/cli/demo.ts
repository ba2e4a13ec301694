// `hrm demo`: the main job on an embedded default, no download. Generates Sudoku puzzles (30 blanks, as the
// issue's 1k setting), builds the dataset with 1000 augmentations per puzzle, trains the trm-sudoku-cpu
// preset (TRM) with progress, evaluates every held-out puzzle, draws the curves and solves one held-out
// puzzle drawn at random, segment by segment, saying so when it is wrong.
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { makeCtx } from "../engine/context.js";
import { Rng } from "../engine/rng.js";
import { buildSudokuDataset } from "../data/sudoku/build.js";
import { generateSudoku, sudokuCsv } from "../data/sudoku/generate.js";
import type { GeneratedSudoku } from "../data/sudoku/generate.js";
import { boardToString } from "../data/sudoku/grid.js";
import { backendFromOption, cliKernels, kernelOptionSpec } from "./kernels-option.js";
import { sudokuToTokens } from "../solve/codecs.js";
import { renderTrace } from "../solve/render.js";
import { solvePuzzle } from "../solve/solve.js";
import { loadCheckpointModel } from "../io/checkpoint-model-node.js";
import { mergeConfig, parseTrainConfig } from "../train/config.js";
import { presetConfig } from "../train/presets.js";
import { trainRun } from "../train/trainer.js";
import type { TrainSummary } from "../train/trainer.js";
import { presetNames } from "../train/presets.js";
import { openDatasetSplit } from "../data/split-reader.js";
import { evaluateSplit } from "../eval/evaluate.js";
import type { EvalResult } from "../eval/evaluate.js";
import { UsageError } from "../engine/errors.js";

/** Steps between the demo's evaluations on 100 held-out puzzles (the curve) and its checkpoints. */
const DEMO_EVAL_EVERY = 100;
import { writeFileAtomicSync } from "../util/atomic.js";
import { formatHelp, parseArgs } from "./args.js";
import type { Specs } from "./args.js";
import type { Command } from "./command.js";
import { cliProgressBar, jsonOptionSpec, printJson, progressOptionSpec } from "./output-options.js";
import { expectReplaceableFolder } from "./paths.js";
import { onStopSignal } from "./stop-signal.js";

const specs = {
  out: { kind: "string", help: "demo folder (replaced on each run)", default: "runs/demo" },
  minutes: { kind: "number", help: "training minutes (evaluation not counted); with data and evaluation the demo takes about 2-3 minutes more", default: 12 },
  puzzles: { kind: "number", help: "training puzzles to generate", default: 1000 },
  "test-puzzles": { kind: "number", help: "held-out puzzles to generate", default: 200 },
  aug: { kind: "number", help: "augmentations per training puzzle", default: 1000 },
  blanks: { kind: "number", help: "empty cells per puzzle", default: 30 },
  seed: { kind: "number", help: "random seed of generation, data and training", default: 0 },
  kernels: kernelOptionSpec,
  preset: { kind: "string", help: "training preset (trm-sudoku-cpu: TRM, the fastest learner here; sudoku-cpu: HRM)", default: "trm-sudoku-cpu" },
  progress: progressOptionSpec,
  json: { ...jsonOptionSpec, help: "print what the demo did (paths, counts, steps, timings, held-out accuracy, the solved puzzle) as one JSON object on stdout instead of the trace" },
} satisfies Specs;

function generate(n: number, blanks: number, rng: Rng, label: string, progress: boolean): GeneratedSudoku[] {
  const bar = cliProgressBar(progress, { total: n, label, unit: "puzzles" });
  const out: GeneratedSudoku[] = [];
  for (let i = 0; i < n; i++) {
    out.push(generateSudoku(rng, blanks));
    bar.tick();
  }
  bar.finish();
  return out;
}

/**
 * The run part of the demo's --json object: the trainer's summary with its latest periodic evaluation
 * (DEMO_EVAL_EVERY steps, on up to 100 held-out puzzles; null before the first), the accuracy so far when
 * the demo is interrupted.
 */
export function demoTrainJson(
  s: Pick<TrainSummary, "runDir" | "steps" | "seconds" | "checkpoint"> & { readonly lastEval: Pick<EvalResult, "count" | "metrics"> | null },
  curves: string,
): Record<string, unknown> {
  const e = s.lastEval;
  return {
    run_dir: s.runDir, steps: s.steps, seconds: s.seconds, checkpoint: s.checkpoint, curves,
    last_eval: e === null ? null : { count: e.count, exact_accuracy: e.metrics["exact_accuracy"] ?? 0, accuracy: e.metrics["accuracy"] ?? 0 },
  };
}

export const command: Command = {
  async run(argv) {
    const args = parseArgs(argv, specs);
    if (args.help) {
      console.log(formatHelp("hrm demo [options]", specs, ["hrm demo", "hrm demo --minutes 30 --out runs/demo-30min"]));
      return 0;
    }
    const o = args.options;
    const started = Date.now();
    const backend = backendFromOption(o["kernels"]), progress = o["progress"];
    const out = o["out"], seed = o["seed"];
    expectReplaceableFolder(out, "--out", UsageError, { name: "a demo folder", required: ["source"], only: ["source", "data", "run"] });
    rmSync(out, { recursive: true, force: true });
    mkdirSync(join(out, "source"), { recursive: true });

    console.error(`[1/4] generating ${String(o["puzzles"])} + ${String(o["test-puzzles"])} Sudoku puzzles with ${String(o["blanks"])} blanks (seed ${seed})`);
    const rng = new Rng(seed);
    const train = generate(o["puzzles"], o["blanks"], rng, "train puzzles", progress);
    const test = generate(o["test-puzzles"], o["blanks"], rng, "test puzzles", progress);
    writeFileAtomicSync(join(out, "source", "train.csv"), sudokuCsv(train, "hrm-demo"));
    writeFileAtomicSync(join(out, "source", "test.csv"), sudokuCsv(test, "hrm-demo"));

    console.error(`[2/4] building the dataset (${String(o["aug"])} augmentations per puzzle)`);
    const bar = cliProgressBar(progress, { total: 0, label: "build", unit: "items" });
    const report = await buildSudokuDataset({
      train: join(out, "source", "train.csv"), test: join(out, "source", "test.csv"), numAug: o["aug"],
      outDir: join(out, "data"), seed, onProgress: (p) => bar.update(p.done, { phase: p.phase }),
    });
    bar.finish();
    console.error(`      ${report.splits.train.examples} training examples, ${report.splits.test.examples} test examples (${report.seconds.toFixed(1)} s)`);

    const preset = o["preset"];
    const base = presetConfig(preset);
    if (base === null) throw new UsageError(`--preset: unknown preset "${preset}"; valid presets: ${presetNames.join(", ")}`);
    console.error(`[3/4] training the ${preset} preset for ${String(o["minutes"])} minutes (evaluation time not counted)`);
    const config = parseTrainConfig(mergeConfig(base, {
      data_path: join(out, "data"), run_dir: join(out, "run"), max_minutes: o["minutes"], seed, kernels: backend,
      eval_every_steps: DEMO_EVAL_EVERY, eval_max_examples: Math.min(100, o["test-puzzles"]), checkpoint_every_steps: DEMO_EVAL_EVERY,
    }));
    const kernels = cliKernels(config.kernels);
    const stop = onStopSignal(); // SIGINT/SIGTERM: the step under way finishes and is checkpointed
    let summary;
    try {
      summary = await trainRun(config, kernels, { progress, signal: stop.signal });
    } finally {
      stop.uninstall();
    }
    const data = { dir: join(out, "data"), train_puzzles: train.length, test_puzzles: test.length, train_examples: report.splits.train.examples, test_examples: report.splits.test.examples, seconds: report.seconds };
    const trainJson = demoTrainJson(summary, join(out, "run", "curves.png"));
    if (summary.interrupted) {
      // what it had: the data and the run so far (no held-out evaluation or solve); exit code of the signal
      if (o["json"]) printJson({ out, preset, kernels: kernels.name, seed, minutes: (Date.now() - started) / 60000, interrupted: true, data, train: trainJson });
      console.error(`hrm demo: interrupted (${stop.received ?? "aborted"}) after step ${summary.steps}; checkpoint ${summary.checkpoint ?? "none"}; ` +
        "`hrm demo` starts over when run again");
      return stop.exitCode;
    }
    // the held-out figure: every generated test puzzle, the weights evaluation uses (EMA when the run kept one)
    const model = loadCheckpointModel(summary.checkpoint!);
    const ctx = makeCtx(kernels);
    const testSplit = openDatasetSplit(join(out, "data"), "test");
    const bar2 = cliProgressBar(progress, { total: test.length, label: "held-out eval", unit: "puzzles" });
    const final = evaluateSplit(ctx, model, testSplit, { batchSize: 64, lossType: config.arch.loss_type, onBatch: (d) => bar2.update(d) });
    bar2.finish();
    testSplit.close();
    const m = final.metrics;
    console.error(`      ${summary.steps} steps in ${summary.seconds.toFixed(0)} s; held-out exact accuracy ${((m["exact_accuracy"] ?? 0) * 100).toFixed(1)}%, ` +
      `cell accuracy ${((m["accuracy"] ?? 0) * 100).toFixed(1)}% (all ${final.count} held-out puzzles); curves: ${join(out, "run", "curves.png")}`);

    // one held-out puzzle drawn at random (seeded), whatever the model makes of it
    const pick = new Rng(seed + 4242).int(0, test.length - 1);
    console.error(`[4/4] solving held-out puzzle #${pick} (drawn at random) segment by segment (adaptive halting)`);
    const puzzle = boardToString(test[pick]!.puzzle, ".");
    const solution = sudokuToTokens(boardToString(test[pick]!.solution, ""));
    const result = solvePuzzle(ctx, model, { inputs: sudokuToTokens(puzzle), labels: solution }, { halting: "adaptive" });
    const last = result.segments.at(-1)!;
    const minutes = (Date.now() - started) / 60000;
    if (o["json"]) {
      printJson({
        out, preset, kernels: kernels.name, seed, minutes, interrupted: false, data, train: trainJson,
        held_out: { count: final.count, exact_accuracy: m["exact_accuracy"] ?? 0, accuracy: m["accuracy"] ?? 0, seconds: final.seconds },
        solve: { index: pick, puzzle, segments: result.segments.length, solved: last.exact ?? false, cell_accuracy: last.accuracy ?? null },
      });
      return 0;
    }
    console.log(`puzzle: ${puzzle}`);
    console.log(renderTrace("sudoku", result, process.stdout.isTTY ? "ansi" : "brackets", model.config.halt_max_steps));
    console.log(`\nfinal: ${last.exact ? "solved" : `WRONG: ${Math.round((last.accuracy ?? 0) * 81)}/81 cells right`}; ` +
      `held-out exact accuracy ${((m["exact_accuracy"] ?? 0) * 100).toFixed(1)}% (${final.count} puzzles) after ${summary.steps} steps; ` +
      `the demo took ${minutes.toFixed(1)} minutes; checkpoint ${summary.checkpoint}`);
    return 0;
  },
};
