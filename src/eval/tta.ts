// Test-time augmentation with verification, for any task with symmetries and a checker: each puzzle is solved
// in K views (view 0 the puzzle itself), every view's prediction is mapped back to the puzzle's frame, and the
// answer is the first view's that the task's checker accepts (a checker only: it never searches or fills a
// cell itself); when none does, a per-cell vote of the views weighted by σ(q_halt). The tasks are
// ./sudoku-tta.ts (digit relabelling, transposition, band/stack permutations) and ./maze-tta.ts (dihedral).
// Legend: N puzzles, K views, S cells per puzzle, V vocabulary.
import { performance } from "node:perf_hooks";
import type { Ctx } from "../engine/context.js";
import { frozenWeights, stepScope } from "../engine/context.js";
import { ShapeError } from "../engine/errors.js";
import { sigmoid } from "../losses/bce.js";
import type { ActCarry } from "../model/act.js";
import { actForward, initialCarry } from "../model/act.js";
import type { ReasoningModel } from "../model/model.js";

/** One task's views and rules. Tokens are the model's; `answer` tokens are in the puzzle's frame. */
export interface TtaTask<View> {
  /** Name in error messages, e.g. "Sudoku TTA". */
  readonly name: string;
  /** Why this model cannot serve the task (null when it can). */
  modelProblem(m: ReasoningModel): string | null;
  /** The K views (view 0 the identity). */
  views(K: number, seed: number): View[];
  /** Puzzle tokens [S] -> the view's tokens at out[at .. at + S). */
  toView(puzzle: ArrayLike<number>, v: View, out: Int32Array, at: number): void;
  /** The view's predicted tokens at pred[at .. at + S) -> tokens in the puzzle's frame (out [S]). */
  fromView(pred: ArrayLike<number>, at: number, v: View, out: Int32Array): void;
  /** Whether an answer in the puzzle's frame keeps the givens and obeys the rules. */
  accepts(answer: Int32Array, puzzle: ArrayLike<number>): boolean;
  /** The tokens a cell's vote chooses among (ties: the first listed). */
  readonly answerTokens: readonly number[];
}

export interface TtaOptions {
  /** K views per puzzle (1 = the puzzle alone, no augmentation). */
  readonly views: number;
  /** ACT segments per view (default halt_max_steps; more is test-time compute scaling). */
  readonly segments?: number;
  /** Rows per forward batch (views of several puzzles share a batch). */
  readonly batchSize: number;
  /** Seed of the view transforms (the same K − 1 transforms for every puzzle). */
  readonly seed?: number;
  readonly onBatch?: (done: number, total: number) => void;
}

export interface TtaResult {
  /** [N, S] tokens in each puzzle's own frame. */
  readonly predictions: Int32Array;
  /** [N] 1 where some view's answer was accepted by the task's checker. */
  readonly verified: Uint8Array;
  /** [N] which view gave the answer (−1: the weighted vote). */
  readonly chosenView: Int32Array;
  readonly seconds: number;
}

/** Solve N puzzles ([N, S] tokens) of `task` with K verified views each. */
export function solveWithTta<View>(outer: Ctx, model: ReasoningModel, task: TtaTask<View>, puzzles: Int32Array, opts: TtaOptions): TtaResult {
  const problem = task.modelProblem(model);
  if (problem !== null) throw new ShapeError(`${task.name}: ${problem}`);
  const { seq_len: S, vocab_size: V, halt_max_steps: M } = model.config;
  if (puzzles.length % S !== 0) throw new ShapeError(`${task.name}: puzzles must be [N, ${S}] tokens, got ${puzzles.length} values`);
  const K = opts.views, segments = opts.segments ?? M;
  if (!(Number.isInteger(K) && K >= 1)) throw new ShapeError(`${task.name}: views must be a positive integer, got ${K}`);
  if (!(Number.isInteger(segments) && segments >= 1)) throw new ShapeError(`${task.name}: segments must be a positive integer, got ${segments}`);
  const ctx = frozenWeights(outer);
  const t0 = performance.now();
  const N = puzzles.length / S;
  const views = task.views(K, opts.seed ?? 0);
  const predictions = new Int32Array(N * S), verified = new Uint8Array(N), chosenView = new Int32Array(N);
  const perBatch = Math.max(1, Math.floor(opts.batchSize / K)); // puzzles per forward batch
  const answer = new Int32Array(S);
  for (let p0 = 0; p0 < N; p0 += perBatch) {
    const n = Math.min(perBatch, N - p0), B = n * K;
    const inputs = new Int32Array(B * S);
    for (let p = 0; p < n; p++) for (let v = 0; v < K; v++) task.toView(puzzles.subarray((p0 + p) * S, (p0 + p + 1) * S), views[v]!, inputs, (p * K + v) * S);
    const batch = { inputs, labels: new Int32Array(B * S).fill(-100), puzzleIdentifiers: new Int32Array(B) };
    let carry: ActCarry = initialCarry(model, B);
    let logits = new Float32Array(0), qHalt = new Float32Array(0);
    for (let s = 0; s < segments; s++) {
      ({ logits, qHalt } = stepScope(ctx, () => {
        const r = actForward(ctx, model, carry, batch, { mode: "eval" });
        carry = { ...r.carry, halted: new Uint8Array(B) }; // keep every row running past halt_max_steps
        return { logits: Float32Array.from(r.outputs.logits.data), qHalt: Float32Array.from(r.outputs.qHalt.data) };
      }));
    }
    const pred = new Int32Array(B * S);
    for (let r = 0; r < B * S; r++) {
      let best = 0;
      for (let j = 1; j < V; j++) if (logits[r * V + j]! > logits[r * V + best]!) best = j;
      pred[r] = best;
    }
    for (let p = 0; p < n; p++) {
      const puzzle = puzzles.subarray((p0 + p) * S, (p0 + p + 1) * S);
      const out = predictions.subarray((p0 + p) * S, (p0 + p + 1) * S);
      const votes = new Float64Array(S * V);
      let chosen = -1;
      for (let v = 0; v < K && chosen < 0; v++) {
        task.fromView(pred, (p * K + v) * S, views[v]!, answer);
        if (task.accepts(answer, puzzle)) { chosen = v; out.set(answer); break; }
        const w = sigmoid(qHalt[p * K + v]!);
        for (let k = 0; k < S; k++) votes[k * V + answer[k]!]! += w; // fromView gives tokens < V
      }
      if (chosen >= 0) verified[p0 + p] = 1;
      else {
        const [first, ...rest] = task.answerTokens;
        for (let k = 0; k < S; k++) {
          let best = first!;
          for (const t of rest) if (votes[k * V + t]! > votes[k * V + best]!) best = t;
          out[k] = best;
        }
      }
      chosenView[p0 + p] = chosen;
    }
    opts.onBatch?.(p0 + n, N);
  }
  return { predictions, verified, chosenView, seconds: (performance.now() - t0) / 1000 };
}
