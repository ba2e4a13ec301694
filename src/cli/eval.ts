// `hrm eval`: evaluate a checkpoint on a dataset split as the official evaluation (fixed halt_max_steps
// segments), print the official metrics and a per-segment table; on ARC datasets also vote over the
// augmented copies (spec §7.2), print pass@K and write submission.json in the ARC Prize format.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../engine/errors.js";
import { inferenceOnly, makeCtx } from "../engine/context.js";
import type { SplitName } from "../data/format.js";
import { readIdentifiers } from "../data/format.js";
import { openDatasetSplit } from "../data/split-reader.js";
import { ARC_KS, ArcVoter, hasAugmentedNames } from "../eval/arc-vote.js";
import type { ArcVoteResult } from "../eval/arc-vote.js";
import type { EvalResult, FinalSegment } from "../eval/evaluate.js";
import { evaluateSplit } from "../eval/evaluate.js";
import { checkpointLossType } from "../io/official.js";
import { parseLossType } from "../losses/act-loss-head.js";
import { loadCheckpointModel } from "../io/checkpoint-model-node.js";
import { writeFileAtomicSync } from "../util/atomic.js";
import { formatHelp, parseArgs } from "./args.js";
import type { Specs } from "./args.js";
import { kernelOptionSpec, kernelsFromOption } from "./kernels-option.js";
import { weightsFromOption, weightsOptionSpec } from "./weights-option.js";
import type { Command } from "./command.js";
import { cliProgressBar, jsonOptionSpec, progressOptionSpec } from "./output-options.js";
import { ttaTaskOf, ttaViewsFromOption } from "./tta-option.js";
import type { Ctx } from "../engine/context.js";
import type { OpenSplit } from "../data/split-reader.js";
import { mazeTta } from "../eval/maze-tta.js";
import type { TtaTask } from "../eval/tta.js";
import { solveWithTta } from "../eval/tta.js";
import { IGNORE_LABEL_ID } from "../losses/stablemax-ce.js";
import type { ReasoningModel } from "../model/model.js";

const specs = {
  checkpoint: { kind: "string", help: "checkpoint folder (config.json + model.safetensors)" },
  data: { kind: "string", help: "dataset folder (identifiers.json, test/, train/)" },
  split: { kind: "string", help: "split to evaluate: test or train", default: "test" },
  "batch-size": { kind: "number", help: "examples per batch (default 64, or the number of examples when fewer: padding rows cost full compute)" },
  "max-examples": { kind: "number", help: "evaluate at most this many examples (0 = all)", default: 0 },
  "loss-type": { kind: "string", help: "stablemax_cross_entropy or softmax_cross_entropy (default: the checkpoint's, else stablemax)" },
  submission: { kind: "string", help: "ARC datasets: where to write the ARC Prize submission", default: "submission.json" },
  tta: { kind: "number", help: "Sudoku and mazes: also solve with K augmented views each (mazes: K ≤ 8 dihedral), verified against the rules (1 = off)", default: 1 },
  segments: { kind: "number", help: "with --tta: ACT segments per view (default halt_max_steps; more = test-time compute)" },
  kernels: kernelOptionSpec,
  weights: weightsOptionSpec,
  progress: progressOptionSpec,
  json: jsonOptionSpec,
} satisfies Specs;

/** Metrics in a fixed, readable order (the official names). */
const ORDER = ["accuracy", "exact_accuracy", "q_halt_accuracy", "steps", "lm_loss", "q_halt_loss", "q_continue_loss"];

export function formatEval(r: EvalResult): string {
  const keys = [...ORDER.filter((k) => k in r.metrics), ...Object.keys(r.metrics).filter((k) => !ORDER.includes(k))];
  const lines = [`official metrics (final segment, ${r.count} examples, ${r.seconds.toFixed(1)} s):`];
  for (const k of keys) lines.push(`  ${k.padEnd(16)} ${r.metrics[k]!.toFixed(6)}`);
  lines.push("", "per segment:", "  segment  accuracy  exact_accuracy  mean P(halt)");
  for (const s of r.perSegment) {
    lines.push(`  ${String(s.segment).padStart(7)}  ${s.accuracy.toFixed(4).padStart(8)}  ${s.exact_accuracy.toFixed(4).padStart(14)}  ${s.q_halt_prob.toFixed(4).padStart(12)}`);
  }
  return lines.join("\n");
}

export function formatArc(v: ArcVoteResult): string {
  const graded = v.tasks.filter((t) => t.testInputs.some((i) => i.label !== null)).length;
  const lines = [`ARC vote over ${v.rows} predictions, ${v.tasks.length} tasks (${graded} with ground truth):`];
  for (const k of ARC_KS) lines.push(`  pass@${String(k).padEnd(5)} ${(100 * v.passAtK[k]!).toFixed(2)}%`);
  return lines.join("\n");
}

export interface TtaSummary {
  readonly views: number;
  readonly segments: number;
  readonly puzzles: number;
  readonly exact_accuracy: number;
  readonly accuracy: number;
  readonly verified: number;
  readonly seconds_per_puzzle: number;
}

/** The first `count` examples of a Sudoku or maze split solved with K verified views each (src/eval/tta.ts). */
function runTta(ctx: Ctx, model: ReasoningModel, task: TtaTask<unknown>, split: OpenSplit, count: number, views: number, segments: number | undefined, batchSize: number, progress: boolean): TtaSummary {
  const S = model.config.seq_len;
  const inputs = new Int32Array(count * S), labels = new Int32Array(count * S);
  let n = 0;
  for (const set of split.sets) {
    for (let r = 0; r < set.inputs.rows && n < count; r++, n++) {
      set.inputs.readRow(r, inputs, n * S);
      set.labels.readRow(r, labels, n * S);
    }
  }
  const bar = cliProgressBar(progress, { total: count, label: `tta x${views}`, unit: "puzzles" });
  const r = solveWithTta(ctx, model, task, inputs, { views, batchSize: Math.max(batchSize, views), onBatch: (done) => bar.update(done), ...(segments !== undefined ? { segments } : {}) });
  bar.finish();
  let exact = 0, cells = 0, valid = 0;
  for (let p = 0; p < count; p++) {
    let right = 0, total = 0;
    for (let k = 0; k < S; k++) {
      const y = labels[p * S + k]!;
      if (y === IGNORE_LABEL_ID) continue;
      total++;
      if (r.predictions[p * S + k] === y) right++;
    }
    exact += right === total ? 1 : 0;
    cells += total > 0 ? right / total : 1;
    valid += r.verified[p]!;
  }
  return {
    views, segments: segments ?? model.config.halt_max_steps, puzzles: count, exact_accuracy: exact / count, accuracy: cells / count,
    verified: valid / count, seconds_per_puzzle: r.seconds / count,
  };
}

export const command: Command = {
  async run(argv) {
    const args = parseArgs(argv, specs);
    const o = args.options;
    if (args.help) {
      console.log(formatHelp("hrm eval --checkpoint <dir> --data <dataset dir> [options]", specs, [
        "hrm eval --checkpoint runs/sudoku/checkpoints/step_0002000 --data data/sudoku-extreme-1k --max-examples 1000",
        "hrm eval --checkpoint ckpt/arc --data data/arc-aug-1000 --submission out/submission.json --json",
      ]));
      return 0;
    }
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
    if (typeof o["checkpoint"] !== "string" || typeof o["data"] !== "string") throw new UsageError("--checkpoint <dir> and --data <dataset dir> are required");
    const split = o["split"];
    if (split !== "test" && split !== "train") throw new UsageError(`--split must be "test" or "train", got ${JSON.stringify(split)}`);
    const maxExamples = o["max-examples"];
    if (!(Number.isInteger(maxExamples) && maxExamples >= 0)) throw new UsageError(`--max-examples must be a non-negative integer, got ${maxExamples}`);
    const given = o["batch-size"];
    if (given !== undefined && !(Number.isInteger(given) && given >= 1)) throw new UsageError(`--batch-size must be a positive integer, got ${given}`);
    const kernels = kernelsFromOption(o["kernels"]);
    const dir = o["checkpoint"], data = o["data"];
    const lossType = parseLossType(o["loss-type"] ?? checkpointLossType(dir) ?? "stablemax_cross_entropy");
    const model = loadCheckpointModel(dir, weightsFromOption(o["weights"]));
    const opened = openDatasetSplit(data, split as SplitName);
    try {
      const meta = opened.metadata;
      if (meta.seq_len !== model.config.seq_len || meta.vocab_size !== model.config.vocab_size) {
        throw new UsageError(`dataset ${data} has seq_len ${meta.seq_len}, vocab_size ${meta.vocab_size}; the checkpoint was built for seq_len ${model.config.seq_len}, vocab_size ${model.config.vocab_size}`);
      }
      if (meta.num_puzzle_identifiers > model.config.num_puzzle_identifiers) {
        throw new UsageError(`dataset ${data} has ${meta.num_puzzle_identifiers} puzzle identifiers; the checkpoint's puzzle embedding has ${model.config.num_puzzle_identifiers} rows (was it trained on this dataset?)`);
      }
      // --tta and --segments are checked before the evaluation runs
      const segments = o["segments"];
      if (segments !== undefined && !(Number.isInteger(segments) && segments >= 1)) throw new UsageError(`--segments must be a positive integer, got ${segments}`);
      const ttaTask = o["tta"] > 1 || segments !== undefined ? ttaTaskOf(model) : null;
      const views = ttaViewsFromOption(o["tta"], ttaTask === mazeTta);
      const identifiers = existsSync(join(data, "identifiers.json")) ? readIdentifiers(data) : [];
      const voter = hasAugmentedNames(identifiers) ? new ArcVoter() : null;
      const onFinalSegment = voter === null ? undefined : (f: FinalSegment): void => {
        const S = model.config.seq_len, V = model.config.vocab_size;
        for (let b = 0; b < f.rows; b++) {
          const id = f.puzzleIdentifiers[b]!;
          if (id === 0) continue; // padding rows (blank identifier)
          const prediction = new Int32Array(S);
          for (let t = 0; t < S; t++) {
            const o0 = (b * S + t) * V;
            let best = 0;
            for (let j = 1; j < V; j++) if (f.logits[o0 + j]! > f.logits[o0 + best]!) best = j;
            prediction[t] = best;
          }
          voter.add({ name: identifiers[id] ?? `#${id}`, input: f.inputs.subarray(b * S, (b + 1) * S), label: f.labels.subarray(b * S, (b + 1) * S), prediction, qHalt: f.qHalt[b]! });
        }
      };
      const total = opened.sets.reduce((n, s) => n + s.inputs.rows, 0);
      const wanted = maxExamples > 0 ? Math.min(maxExamples, total) : total;
      const batchSize = given ?? Math.max(1, Math.min(64, wanted));
      const bar = cliProgressBar(o["progress"], { total: wanted, label: "eval", unit: "examples" });
      const ctx = inferenceOnly(makeCtx(kernels)); // the loaded model is only evaluated: bf16 weights rounded in place
      const result = evaluateSplit(ctx, model, opened, {
        batchSize, lossType, maxExamples, onBatch: (done) => bar.update(done), ...(onFinalSegment ? { onFinalSegment } : {}),
      });
      bar.finish();
      const tta = ttaTask !== null ? runTta(ctx, model, ttaTask, opened, wanted, views, segments, batchSize, o["progress"]) : null;
      const vote = voter?.finish() ?? null;
      if (vote !== null) writeFileAtomicSync(o["submission"], JSON.stringify(vote.submission) + "\n");
      if (o["json"]) {
        console.log(JSON.stringify({
          checkpoint: dir, data, split, kernels: kernels.name, loss_type: lossType, batch_size: batchSize, count: result.count, seconds: result.seconds,
          metrics: result.metrics, per_segment: result.perSegment, ...(tta ? { tta } : {}),
          ...(vote ? { arc: { pass_at_k: vote.passAtK, tasks: vote.tasks.length, rows: vote.rows, submission: o["submission"] } } : {}),
        }));
      } else {
        console.log(`checkpoint ${dir} on ${data} (${split}), kernels ${kernels.name}, loss ${lossType}, batch ${batchSize}\n`);
        console.log(formatEval(result));
        if (vote) console.log(`\n${formatArc(vote)}\n  submission: ${o["submission"]}`);
        if (tta) console.log(`\ntest-time augmentation: ${tta.views} view(s) x ${tta.segments} segments per puzzle: exact accuracy ${(100 * tta.exact_accuracy).toFixed(2)}% ` +
          `(${(100 * tta.verified).toFixed(2)}% had a view satisfying the rules), ${(1000 * tta.seconds_per_puzzle).toFixed(0)} ms per puzzle`);
      }
      return 0;
    } finally {
      opened.close();
    }
  },
};
