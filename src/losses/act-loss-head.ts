// The official ACTLossHead: lm loss per sequence, Q-halt and Q-continue BCE, and the metrics.
//   lm_loss = Σ_b Σ_t CE_bt / max(n_b, 1)                     (n_b = valid labels of row b)
//   q_halt_loss = Σ_b BCE(q_halt_b, seq_is_correct_b);  q_continue_loss = Σ_b BCE(q_continue_b, target_b)
//   total = lm_loss + 0.5·(q_halt_loss + q_continue_loss), computed on every row at every segment.
// Metrics count only rows that are halted after the call and have a valid label.
// Legend: B rows, S positions, V vocabulary.
import type { Ctx } from "../engine/context.js";
import { ConfigError } from "../engine/errors.js";
import { Tensor } from "../engine/tensor.js";
import { gradOf } from "../ops/grad.js";
import type { ActResult } from "../model/act.js";
import { bceWithLogitsSum, sigmoid } from "./bce.js";
import { softmaxCrossEntropy, softmaxCrossEntropyBackward } from "./softmax-ce.js";
import { IGNORE_LABEL_ID, stablemaxCrossEntropy, stablemaxCrossEntropyBackward } from "./stablemax-ce.js";

export const lossTypes = ["stablemax_cross_entropy", "softmax_cross_entropy"] as const;
export type LossType = (typeof lossTypes)[number];

export function parseLossType(value: unknown): LossType {
  if (typeof value === "string" && (lossTypes as readonly string[]).includes(value)) return value as LossType;
  throw new ConfigError(`loss type must be one of ${lossTypes.join(", ")}, got ${JSON.stringify(value)}`);
}

/** Batch sums, as the official head returns them (the trainer and evaluator divide). */
export interface ActMetrics {
  count: number;
  accuracy: number;
  exact_accuracy: number;
  q_halt_accuracy: number;
  steps: number;
  lm_loss: number;
  q_halt_loss: number;
  /** Present only when the call produced a Q-continue target (train mode). */
  q_continue_loss?: number;
}

export interface ActLoss {
  /** Scalar total loss (float64), on the tape when the outputs are. */
  readonly loss: Tensor;
  readonly metrics: ActMetrics;
  /** [B] 0/1: every valid position predicted right (1 for rows without labels). */
  readonly seqIsCorrect: Uint8Array;
}

export function actLossHead(ctx: Ctx, result: ActResult, lossType: LossType): ActLoss {
  const { logits, qHalt, qContinue, targetQContinue } = result.outputs;
  const labels = result.carry.data.labels;
  const [B, S, V] = logits.shape as [number, number, number];
  const x = logits.data;

  // Correctness (no grad)
  const counts = new Int32Array(B), correct = new Int32Array(B), seqIsCorrect = new Uint8Array(B);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < S; t++) {
      const y = labels[b * S + t]!;
      if (y === IGNORE_LABEL_ID) continue;
      counts[b]!++;
      let arg = 0;
      for (let j = 1; j < V; j++) if (x[(b * S + t) * V + j]! > x[(b * S + t) * V + arg]!) arg = j; // first max, as torch.argmax
      if (arg === y) correct[b]!++;
    }
    seqIsCorrect[b] = correct[b] === counts[b] ? 1 : 0;
  }

  // Losses
  const ce = lossType === "stablemax_cross_entropy" ? stablemaxCrossEntropy(x, labels, V) : softmaxCrossEntropy(x, labels, V);
  let lmLoss = 0;
  for (let b = 0; b < B; b++) {
    const div = Math.max(counts[b]!, 1);
    for (let t = 0; t < S; t++) lmLoss += ce[b * S + t]! / div;
  }
  if (lossType === "softmax_cross_entropy") lmLoss = Math.fround(lmLoss); // float32 in the official code
  const qHaltLoss = Math.fround(bceWithLogitsSum(qHalt.data, seqIsCorrect));
  const qContinueLoss = targetQContinue === null ? 0 : Math.fround(bceWithLogitsSum(qContinue.data, targetQContinue));

  // Metrics (halted rows with labels)
  const metrics: ActMetrics = { count: 0, accuracy: 0, exact_accuracy: 0, q_halt_accuracy: 0, steps: 0, lm_loss: lmLoss, q_halt_loss: qHaltLoss };
  let accuracy = 0;
  for (let b = 0; b < B; b++) {
    if (!result.carry.halted[b] || counts[b] === 0) continue;
    metrics.count++;
    accuracy += Math.fround(correct[b]! / counts[b]!);
    metrics.exact_accuracy += seqIsCorrect[b]!;
    metrics.q_halt_accuracy += (qHalt.data[b]! >= 0 ? 1 : 0) === seqIsCorrect[b] ? 1 : 0;
    metrics.steps += result.carry.steps[b]!;
  }
  metrics.accuracy = Math.fround(accuracy);
  if (targetQContinue !== null) metrics.q_continue_loss = qContinueLoss;

  const loss = new Tensor(new Float64Array([lmLoss + 0.5 * (qHaltLoss + qContinueLoss)]), []);
  if (ctx.tape.needsGrad(logits, qHalt, qContinue)) {
    loss.requiresGrad = true;
    ctx.tape.record(() => {
      const g = loss.grad?.[0] ?? 0;
      if (g === 0) return;
      if (logits.requiresGrad) {
        const dLoss = new Float64Array(B * S);
        for (let b = 0; b < B; b++) for (let t = 0; t < S; t++) dLoss[b * S + t] = g / Math.max(counts[b]!, 1);
        const backward = lossType === "stablemax_cross_entropy" ? stablemaxCrossEntropyBackward : softmaxCrossEntropyBackward;
        backward(gradOf(ctx, logits), x, labels, dLoss, V);
      }
      if (qHalt.requiresGrad) {
        const d = gradOf(ctx, qHalt);
        for (let b = 0; b < B; b++) d[b] = d[b]! + 0.5 * g * (sigmoid(qHalt.data[b]!) - seqIsCorrect[b]!);
      }
      if (qContinue.requiresGrad && targetQContinue !== null) {
        const d = gradOf(ctx, qContinue);
        for (let b = 0; b < B; b++) d[b] = d[b]! + 0.5 * g * (sigmoid(qContinue.data[b]!) - targetQContinue[b]!);
      }
    });
  }
  return { loss, metrics, seqIsCorrect };
}
