// Evaluation of a model on a test split as the official pretrain.evaluate: per batch a fresh carry, ACT
// calls in eval mode until every row halts (exactly halt_max_steps segments), metrics of the last call
// summed over batches and divided by count. Also per segment (not in the official code): token and exact
// accuracy of every row's prediction after each segment, and the mean Q-halt probability.
import { performance } from "node:perf_hooks";
import type { Ctx } from "../engine/context.js";
import { frozenWeights, stepScope } from "../engine/context.js";
import type { ActMetrics, LossType } from "../losses/act-loss-head.js";
import { actLossHead } from "../losses/act-loss-head.js";
import { sigmoid } from "../losses/bce.js";
import { IGNORE_LABEL_ID } from "../losses/stablemax-ce.js";
import { actForward, initialCarry } from "../model/act.js";
import type { ReasoningModel } from "../model/model.js";
import { PuzzleLoader, toModelBatch } from "../data/loader.js";
import type { OpenSplit } from "../data/split-reader.js";

export interface SegmentStats {
  readonly segment: number;
  /** Mean over examples of the fraction of correct labelled positions. */
  readonly accuracy: number;
  /** Fraction of examples whose every labelled position is right. */
  readonly exact_accuracy: number;
  /** Mean σ(q_halt) over examples. */
  readonly q_halt_prob: number;
}

export interface EvalResult {
  /** Official metrics of the final segment, divided by count (losses included, as the official evaluate). */
  readonly metrics: Record<string, number>;
  readonly count: number;
  readonly perSegment: readonly SegmentStats[];
  readonly seconds: number;
}

export interface EvalOptions {
  readonly batchSize: number;
  readonly lossType: LossType;
  /** Evaluate at most this many examples (0 = all). */
  readonly maxExamples?: number;
  readonly onBatch?: (done: number, total: number) => void;
  /** Called once per batch with the final segment's outputs (e.g. for ARC voting); its arrays are only valid during the call. */
  readonly onFinalSegment?: (out: FinalSegment) => void;
}

/** One batch after its last segment: the first `rows` rows are real examples. Shapes: B rows, S, V. */
export interface FinalSegment {
  readonly rows: number;
  /** [B, S], [B, S] (−100 where ignored), [B]: the data the carry held. */
  readonly inputs: Int32Array;
  readonly labels: Int32Array;
  readonly puzzleIdentifiers: Int32Array;
  /** [B, S, V]. */
  readonly logits: ArrayLike<number>;
  /** [B]. */
  readonly qHalt: ArrayLike<number>;
}

export function evaluateSplit(outer: Ctx, model: ReasoningModel, split: OpenSplit, opts: EvalOptions): EvalResult {
  const ctx = frozenWeights(outer);
  const t0 = performance.now();
  const loader = new PuzzleLoader(split, { seed: 0, globalBatchSize: opts.batchSize });
  const totalExamples = split.sets.reduce((n, s) => n + s.inputs.rows, 0);
  const limit = opts.maxExamples && opts.maxExamples > 0 ? Math.min(opts.maxExamples, totalExamples) : totalExamples;
  const M = model.config.halt_max_steps;
  const sums: Record<string, number> = {};
  const seg = Array.from({ length: M }, () => ({ acc: 0, exact: 0, q: 0, n: 0 }));
  let seen = 0;
  for (const lb of loader.test()) {
    if (seen >= limit) break;
    const real = Math.min(lb.effectiveSize, limit - seen);
    const batch = toModelBatch(lb);
    // Rows beyond the cap become padding (no labels: the official metrics then skip them, as padded rows).
    if (real < lb.batchSize) {
      batch.labels.fill(IGNORE_LABEL_ID, real * lb.seqLen);
      batch.inputs.fill(split.metadata.pad_id, real * lb.seqLen);
    }
    let carry = initialCarry(model, lb.batchSize);
    let last: ActMetrics | null = null;
    for (let s = 0; s < M; s++) {
      // one segment's activations return to the pool at its end (the carry is a copy)
      const done = stepScope(ctx, () => {
        const result = actForward(ctx, model, carry, batch, { mode: "eval" });
        carry = result.carry;
        last = actLossHead(ctx, result, opts.lossType).metrics;
        accumulateSegment(seg[s]!, result.outputs.logits.data, carry.data.labels, result.outputs.qHalt.data, real, model.config.vocab_size);
        const allHalted = carry.halted.every((h) => h === 1);
        if (allHalted || s === M - 1) opts.onFinalSegment?.({ rows: real, ...carry.data, logits: result.outputs.logits.data, qHalt: result.outputs.qHalt.data });
        return allHalted;
      });
      if (done) break;
    }
    if (last !== null) for (const [k, v] of Object.entries(last as ActMetrics)) sums[k] = (sums[k] ?? 0) + (v as number);
    seen += real;
    opts.onBatch?.(seen, limit);
  }
  const count = sums["count"] ?? 0;
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(sums)) if (k !== "count") metrics[k] = v / Math.max(count, 1);
  const perSegment = seg.filter((s) => s.n > 0).map((s, i) => ({ segment: i + 1, accuracy: s.acc / s.n, exact_accuracy: s.exact / s.n, q_halt_prob: s.q / s.n }));
  return { metrics, count, perSegment, seconds: (performance.now() - t0) / 1000 };
}

function accumulateSegment(acc: { acc: number; exact: number; q: number; n: number }, logits: ArrayLike<number>, labels: Int32Array, qHalt: ArrayLike<number>, rows: number, V: number): void {
  const S = labels.length / qHalt.length;
  for (let b = 0; b < rows; b++) {
    let valid = 0, right = 0;
    for (let t = 0; t < S; t++) {
      const y = labels[b * S + t]!;
      if (y === IGNORE_LABEL_ID) continue;
      valid++;
      const o = (b * S + t) * V;
      let arg = 0;
      for (let j = 1; j < V; j++) if (logits[o + j]! > logits[o + arg]!) arg = j;
      if (arg === y) right++;
    }
    if (valid === 0) continue;
    acc.acc += right / valid;
    acc.exact += right === valid ? 1 : 0;
    acc.q += sigmoid(qHalt[b]!);
    acc.n++;
  }
}
