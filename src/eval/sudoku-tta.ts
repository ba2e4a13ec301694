// Test-time augmentation with verification for Sudoku: each puzzle is solved in K views (view 0 the puzzle
// itself, the others relabelled digits, transposed, band/stack and row/column-within-band permutations, as
// the training augmentation), every view's prediction is mapped back to the puzzle's frame, and the answer is
// the first view's that satisfies the givens and the rules (a checker only: it never searches or fills a
// cell itself); when none does, a per-cell vote of the views weighted by σ(q_halt).
// Legend: N puzzles, K views, S = 81 cells, V vocabulary (tokens: blank 1, digit d -> d + 1).
import { performance } from "node:perf_hooks";
import type { Ctx } from "../engine/context.js";
import { frozenWeights, stepScope } from "../engine/context.js";
import { ShapeError } from "../engine/errors.js";
import { Rng } from "../engine/rng.js";
import type { SudokuTransform } from "../data/sudoku/augment.js";
import { randomSudokuTransform } from "../data/sudoku/augment.js";
import { CELLS, solutionProblem } from "../data/sudoku/grid.js";
import { sigmoid } from "../losses/bce.js";
import type { ActCarry } from "../model/act.js";
import { actForward, initialCarry } from "../model/act.js";
import type { ReasoningModel } from "../model/model.js";

export interface SudokuTtaOptions {
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

export interface SudokuTtaResult {
  /** [N, 81] tokens in each puzzle's own frame. */
  readonly predictions: Int32Array;
  /** [N] 1 where some view's answer satisfies the givens and the rules. */
  readonly verified: Uint8Array;
  /** [N] which view gave the answer (−1: the weighted vote). */
  readonly chosenView: Int32Array;
  readonly seconds: number;
}

const IDENTITY: SudokuTransform = {
  digitMap: Uint8Array.from({ length: 10 }, (_, i) => i), transpose: false,
  rowPerm: Uint8Array.from({ length: 9 }, (_, i) => i), colPerm: Uint8Array.from({ length: 9 }, (_, i) => i),
};

/** The K transforms: the identity, then K − 1 drawn as the training augmentation draws them. */
export function sudokuViews(K: number, seed = 0): SudokuTransform[] {
  const rng = new Rng(seed);
  return [IDENTITY, ...Array.from({ length: K - 1 }, () => randomSudokuTransform(rng))];
}

/** Cell (i, j) of the view comes from source cell src(i, j) of the puzzle (applySudokuTransform's rule). */
function sourceCell(t: SudokuTransform, i: number, j: number): number {
  const r = t.rowPerm[i]!, c = t.colPerm[j]!;
  return t.transpose ? c * 9 + r : r * 9 + c;
}

/** Puzzle tokens -> view tokens. */
export function toView(tokens: ArrayLike<number>, t: SudokuTransform, out: Int32Array, at: number): void {
  for (let i = 0; i < 9; i++) {
    for (let j = 0; j < 9; j++) {
      const tok = tokens[sourceCell(t, i, j)]!;
      out[at + i * 9 + j] = tok >= 2 && tok <= 10 ? t.digitMap[tok - 1]! + 1 : tok;
    }
  }
}

/** View prediction tokens -> digits 0..9 in the puzzle's frame (0 where a token is not a digit). */
export function fromView(pred: ArrayLike<number>, at: number, t: SudokuTransform, inverse: Uint8Array, out: Uint8Array): void {
  for (let i = 0; i < 9; i++) {
    for (let j = 0; j < 9; j++) {
      const tok = pred[at + i * 9 + j]!;
      out[sourceCell(t, i, j)] = tok >= 2 && tok <= 10 ? inverse[tok - 1]! : 0;
    }
  }
}

/** Whether a digit grid keeps every given of the puzzle and is a valid complete Sudoku. */
export function satisfiesSudoku(grid: Uint8Array, puzzleTokens: ArrayLike<number>): boolean {
  for (let k = 0; k < CELLS; k++) {
    const tok = puzzleTokens[k]!;
    if (tok >= 2 && grid[k] !== tok - 1) return false;
  }
  return solutionProblem(grid) === null;
}

/** Solve N Sudoku puzzles ([N, 81] tokens) with K verified views each. */
export function solveSudokuTta(outer: Ctx, model: ReasoningModel, puzzles: Int32Array, opts: SudokuTtaOptions): SudokuTtaResult {
  const { seq_len: S, vocab_size: V, halt_max_steps: M } = model.config;
  if (S !== CELLS || V < 11) throw new ShapeError(`Sudoku TTA needs a Sudoku model (seq_len 81, vocab ≥ 11); this one has seq_len ${S}, vocab_size ${V}`);
  if (puzzles.length % CELLS !== 0) throw new ShapeError(`Sudoku TTA: puzzles must be [N, 81] tokens, got ${puzzles.length} values`);
  const K = opts.views, segments = opts.segments ?? M;
  if (!(Number.isInteger(K) && K >= 1)) throw new ShapeError(`Sudoku TTA: views must be a positive integer, got ${K}`);
  if (!(Number.isInteger(segments) && segments >= 1)) throw new ShapeError(`Sudoku TTA: segments must be a positive integer, got ${segments}`);
  const ctx = frozenWeights(outer);
  const t0 = performance.now();
  const N = puzzles.length / CELLS;
  const views = sudokuViews(K, opts.seed ?? 0);
  const inverses = views.map((t) => { const inv = new Uint8Array(10); for (let d = 0; d <= 9; d++) inv[t.digitMap[d]!] = d; return inv; });
  const predictions = new Int32Array(N * CELLS), verified = new Uint8Array(N), chosenView = new Int32Array(N);
  const perBatch = Math.max(1, Math.floor(opts.batchSize / K)); // puzzles per forward batch
  const digits = new Uint8Array(CELLS);
  for (let p0 = 0; p0 < N; p0 += perBatch) {
    const n = Math.min(perBatch, N - p0), B = n * K;
    const inputs = new Int32Array(B * CELLS);
    for (let p = 0; p < n; p++) for (let v = 0; v < K; v++) toView(puzzles.subarray((p0 + p) * CELLS, (p0 + p + 1) * CELLS), views[v]!, inputs, (p * K + v) * CELLS);
    const batch = { inputs, labels: new Int32Array(B * CELLS).fill(-100), puzzleIdentifiers: new Int32Array(B) };
    let carry: ActCarry = initialCarry(model, B);
    let logits = new Float32Array(0), qHalt = new Float32Array(0);
    for (let s = 0; s < segments; s++) {
      ({ logits, qHalt } = stepScope(ctx, () => {
        const r = actForward(ctx, model, carry, batch, { mode: "eval" });
        carry = { ...r.carry, halted: new Uint8Array(B) }; // keep every row running past halt_max_steps
        return { logits: Float32Array.from(r.outputs.logits.data), qHalt: Float32Array.from(r.outputs.qHalt.data) };
      }));
    }
    const pred = new Int32Array(B * CELLS);
    for (let r = 0; r < B * CELLS; r++) {
      let best = 0;
      for (let j = 1; j < V; j++) if (logits[r * V + j]! > logits[r * V + best]!) best = j;
      pred[r] = best;
    }
    for (let p = 0; p < n; p++) {
      const puzzle = puzzles.subarray((p0 + p) * CELLS, (p0 + p + 1) * CELLS);
      const votes = new Float64Array(CELLS * 10);
      let chosen = -1;
      for (let v = 0; v < K && chosen < 0; v++) {
        fromView(pred, (p * K + v) * CELLS, views[v]!, inverses[v]!, digits);
        if (satisfiesSudoku(digits, puzzle)) chosen = v;
        const w = sigmoid(qHalt[p * K + v]!);
        for (let k = 0; k < CELLS; k++) votes[k * 10 + digits[k]!]! += w;
      }
      if (chosen >= 0) {
        verified[p0 + p] = 1;
        for (let k = 0; k < CELLS; k++) predictions[(p0 + p) * CELLS + k] = digits[k]! + 1;
      } else {
        for (let k = 0; k < CELLS; k++) {
          let best = 1;
          for (let d = 2; d <= 9; d++) if (votes[k * 10 + d]! > votes[k * 10 + best]!) best = d;
          predictions[(p0 + p) * CELLS + k] = best + 1;
        }
      }
      chosenView[p0 + p] = chosen;
    }
    opts.onBatch?.(p0 + n, N);
  }
  return { predictions, verified, chosenView, seconds: (performance.now() - t0) / 1000 };
}
