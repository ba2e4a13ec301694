// The single-puzzle API: run one example through the ACT model segment by segment and record what the
// model predicts after each segment, which cells changed, and its Q values.
//   fixed:    halt_max_steps segments (or maxSegments), as the official evaluation (spec §3, §7.1).
//   adaptive: stop after the first segment whose q_halt > q_continue (raw logits, as the training-time
//             halting rule), or at the segment limit: the paper's inference-time ACT. A model trained with
//             TRM's rule (no_ACT_continue) stops where q_halt > 0, its own training-time rule.
// Eval mode never halts early, so this drives the loop itself: a batch of one through actForward in eval
// mode, the carry kept un-halted between calls so that maxSegments may exceed halt_max_steps.
// Shapes: S = seq_len tokens, V = vocab.
import type { Ctx } from "../engine/context.js";
import { frozenWeights, stepScope } from "../engine/context.js";
import { ShapeError } from "../engine/errors.js";
import { sigmoid } from "../losses/bce.js";
import type { HaltRule } from "./halt-rule.js";
import { haltsUnder } from "./halt-rule.js";
import { IGNORE_LABEL_ID } from "../losses/stablemax-ce.js";
import type { ActCarry } from "../model/act.js";
import { actForward, initialCarry } from "../model/act.js";
import type { ReasoningModel } from "../model/model.js";

export type Halting = "fixed" | "adaptive";

export interface SolveInput {
  /** One example: S tokens. */
  readonly inputs: Int32Array;
  /** Puzzle-embedding row (default 0, the blank identifier). */
  readonly puzzleIdentifier?: number;
  /** S target tokens, −100 where ignored; enables per-segment correctness. */
  readonly labels?: Int32Array;
}

export interface SolveOptions {
  readonly halting: Halting;
  /** Segment limit (default halt_max_steps); may exceed it. */
  readonly maxSegments?: number;
}

export interface SegmentTrace {
  /** 1-based. */
  readonly segment: number;
  /** [S] argmax over the vocabulary (first maximum on ties). */
  readonly prediction: Int32Array;
  /** Positions whose prediction differs from the previous segment's (segment 1: from the input). */
  readonly changed: number[];
  readonly qHalt: number;
  readonly qContinue: number;
  /** σ(q_halt). */
  readonly haltProb: number;
  /** With labels: correct labelled positions / labelled positions, and whether all are right. */
  readonly accuracy?: number;
  readonly exact?: boolean;
}

export interface SolveResult {
  readonly halting: Halting;
  readonly segments: SegmentTrace[];
  /** Segment whose prediction is final (1-based). */
  readonly haltedAt: number;
  /** Why the loop stopped. */
  readonly stopReason: HaltRule | "segment limit";
  /** The adaptive rule of this model: its training-time halting rule. */
  readonly haltRule: HaltRule;
  readonly final: Int32Array;
}

function argmaxRows(logits: ArrayLike<number>, S: number, V: number): Int32Array {
  const out = new Int32Array(S);
  for (let t = 0; t < S; t++) {
    const o = t * V;
    let best = 0;
    for (let j = 1; j < V; j++) if (logits[o + j]! > logits[o + best]!) best = j;
    out[t] = best;
  }
  return out;
}

function score(pred: Int32Array, labels: Int32Array): { accuracy: number; exact: boolean } {
  let valid = 0, right = 0;
  for (let t = 0; t < pred.length; t++) {
    if (labels[t] === IGNORE_LABEL_ID) continue;
    valid++;
    if (pred[t] === labels[t]) right++;
  }
  return { accuracy: valid === 0 ? 1 : right / valid, exact: right === valid };
}

export function solvePuzzle(outer: Ctx, model: ReasoningModel, input: SolveInput, opts: SolveOptions): SolveResult {
  const ctx = frozenWeights(outer);
  const { seq_len: S, vocab_size: V, halt_max_steps: M, num_puzzle_identifiers: N } = model.config;
  if (input.inputs.length !== S) throw new ShapeError(`solvePuzzle: inputs has ${input.inputs.length} tokens, the model's seq_len is ${S}`);
  if (input.labels !== undefined && input.labels.length !== S) throw new ShapeError(`solvePuzzle: labels has ${input.labels.length} tokens, the model's seq_len is ${S}`);
  const id = input.puzzleIdentifier ?? 0;
  if (!(Number.isInteger(id) && id >= 0 && id < N)) throw new ShapeError(`solvePuzzle: puzzle identifier ${id} is outside [0, num_puzzle_identifiers = ${N})`);
  const limit = opts.maxSegments ?? M;
  if (!(Number.isInteger(limit) && limit >= 1)) throw new ShapeError(`solvePuzzle: maxSegments must be a positive integer, got ${limit}`);
  const labels = input.labels ?? new Int32Array(S).fill(IGNORE_LABEL_ID);
  const batch = { inputs: input.inputs, labels, puzzleIdentifiers: Int32Array.of(id) };
  let carry: ActCarry = initialCarry(model, 1);
  const segments: SegmentTrace[] = [];
  let previous: Int32Array = input.inputs;
  let stopReason: SolveResult["stopReason"] = "segment limit";
  const haltRule: HaltRule = model.config.no_ACT_continue ? "q_halt > 0" : "q_halt > q_continue";
  for (let s = 1; s <= limit; s++) {
    // one segment's activations return to the pool at its end; what survives is copied out (the carry is a copy)
    const { prediction, qHalt, qContinue } = stepScope(ctx, () => {
      const result = actForward(ctx, model, carry, batch, { mode: "eval" });
      // keep the row running: eval mode marks it halted at halt_max_steps, which would reset the carry
      carry = { ...result.carry, halted: new Uint8Array(1) };
      return { prediction: argmaxRows(result.outputs.logits.data, S, V), qHalt: result.outputs.qHalt.data[0]!, qContinue: result.outputs.qContinue.data[0]! };
    });
    const changed: number[] = [];
    for (let t = 0; t < S; t++) if (prediction[t] !== previous[t]) changed.push(t);
    segments.push({ segment: s, prediction, changed, qHalt, qContinue, haltProb: sigmoid(qHalt), ...(input.labels !== undefined ? score(prediction, labels) : {}) });
    previous = prediction;
    if (opts.halting === "adaptive" && haltsUnder(haltRule, qHalt, qContinue)) { stopReason = haltRule; break; }
  }
  const last = segments[segments.length - 1]!;
  return { halting: opts.halting, haltRule, segments, haltedAt: last.segment, stopReason, final: last.prediction };
}

/** JSON-ready trace (official field names for the Q values); `decode` adds a task-level rendering per segment. */
export function traceToJson(result: SolveResult, decode?: (tokens: Int32Array) => unknown): Record<string, unknown> {
  return {
    halting: result.halting,
    halted_at: result.haltedAt,
    stop_reason: result.stopReason,
    halt_rule: result.haltRule,
    segments: result.segments.map((s) => ({
      segment: s.segment,
      prediction: Array.from(s.prediction),
      changed: s.changed,
      q_halt: s.qHalt,
      q_continue: s.qContinue,
      halt_prob: s.haltProb,
      ...(s.accuracy !== undefined ? { accuracy: s.accuracy, exact: s.exact } : {}),
      ...(decode ? { decoded: decode(s.prediction) } : {}),
    })),
    final: Array.from(result.final),
    ...(decode ? { final_decoded: decode(result.final) } : {}),
  };
}
