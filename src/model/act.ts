// The ACT wrapper (official HierarchicalReasoningModel_ACTV1.forward): carry reset and data replacement for
// halted rows, one inner segment, and the halting decision with Q-learning targets.
//
// Per call: rows halted last call get z_H = H_init, z_L = L_init, steps = 0 and the new batch's row; other
// rows keep their carry and data (the batch row is skipped). steps += 1; is_last = steps ≥ halt_max_steps.
// train (halt_max_steps > 1): halted = is_last | (q_halt > q_continue), then & (steps ≥ min_halt) with
// exploration min_halt = (rand < ε)·randint[2, M]; target = σ(is_last ? q_halt' : max(q_halt', q_continue'))
// from a second no-grad inner pass on the new carry. eval: halted = is_last (every row runs M segments).
// With no_ACT_continue (TRM's rule, not official HRM): halt on q_halt > 0, and no target pass.
// TRM's ACT wrapper is this one line for line (trm-spec §4): only the inner forward differs by family.
// Shapes: B rows, S tokens, T = P + S, D hidden.
import type { Ctx } from "../engine/context.js";
import { ShapeError } from "../engine/errors.js";
import type { Rng } from "../engine/rng.js";
import { Tensor } from "../engine/tensor.js";
import type { Mode } from "./mode.js";
import type { InnerCarry, TraceFn } from "./hrm/inner.js";
import type { PuzzleLocal } from "./hrm/puzzle-embedding.js";
import type { ReasoningModel } from "./model.js";
import { modelInnerForward } from "./model.js";

/** One batch of examples; labels already use −100 for ignored positions. */
export interface Batch {
  /** [B, S]. */
  readonly inputs: Int32Array;
  /** [B, S]. */
  readonly labels: Int32Array;
  /** [B]. */
  readonly puzzleIdentifiers: Int32Array;
}

export interface ActCarry {
  readonly inner: InnerCarry;
  /** [B] int32. */
  readonly steps: Int32Array;
  /** [B] 0/1. */
  readonly halted: Uint8Array;
  readonly data: Batch;
}

/** The random draws of one train call: torch.rand_like(q_halt) and torch.randint_like(steps, 2, M + 1). */
export interface ExplorationDraws {
  readonly rand: ArrayLike<number>;
  readonly randint: ArrayLike<number>;
}

export interface ActOptions {
  readonly mode: Mode;
  /** Source of exploration draws in train mode, unless `draws` gives them. */
  readonly rng?: Rng;
  /** Recorded draws to replay (train mode). */
  readonly draws?: ExplorationDraws;
  readonly trace?: TraceFn;
}

export interface ActOutputs {
  /** [B, S, V], on the tape in train mode. */
  readonly logits: Tensor;
  /** [B]. */
  readonly qHalt: Tensor;
  /** [B]. */
  readonly qContinue: Tensor;
  /** [B], train mode with halt_max_steps > 1 only. */
  readonly targetQContinue: Float32Array | null;
}

export interface ActResult {
  readonly carry: ActCarry;
  readonly outputs: ActOutputs;
  /** The puzzle-embedding local copy that collects the gradient (train mode, puzzle_emb_ndim > 0). */
  readonly puzzleLocal: PuzzleLocal | null;
}

/** The official initial_carry: every row halted, so the first call loads every batch row. */
export function initialCarry(m: ReasoningModel, B: number): ActCarry {
  const T = m.dims.totalSeqLen, D = m.config.hidden_size, S = m.config.seq_len;
  return {
    inner: { zH: Tensor.zeros([B, T, D]), zL: Tensor.zeros([B, T, D]) },
    steps: new Int32Array(B),
    halted: new Uint8Array(B).fill(1),
    data: { inputs: new Int32Array(B * S), labels: new Int32Array(B * S), puzzleIdentifiers: new Int32Array(B) },
  };
}

function checkBatch(m: ReasoningModel, B: number, batch: Batch): void {
  const S = m.config.seq_len;
  if (batch.inputs.length !== B * S || batch.labels.length !== B * S || batch.puzzleIdentifiers.length !== B) {
    throw new ShapeError(`act: batch should be inputs/labels [B=${B}, S=${S}] and puzzle_identifiers [${B}], got ${batch.inputs.length}, ${batch.labels.length} and ${batch.puzzleIdentifiers.length} elements`);
  }
  const V = m.config.vocab_size;
  for (let i = 0; i < batch.inputs.length; i++) {
    const v = batch.inputs[i]!;
    if (!(v >= 0 && v < V)) throw new ShapeError(`act: input token ${v} at [${Math.floor(i / S)}, ${i % S}] is outside the vocabulary [0, ${V})`);
  }
}

/** Rows of the carry reset to H_init/L_init and the new batch where `halted`. */
function resetCarry(m: ReasoningModel, carry: ActCarry, batch: Batch): { inner: InnerCarry; steps: Int32Array; data: Batch } {
  const B = carry.steps.length, S = m.config.seq_len;
  const rowSize = m.dims.totalSeqLen * m.config.hidden_size, D = m.config.hidden_size;
  const zH = carry.inner.zH.data.slice(), zL = carry.inner.zL.data.slice();
  const steps = carry.steps.slice();
  const inputs = carry.data.inputs.slice(), labels = carry.data.labels.slice(), ids = carry.data.puzzleIdentifiers.slice();
  const hInit = m.p("H_init").data, lInit = m.p("L_init").data;
  for (let b = 0; b < B; b++) {
    if (!carry.halted[b]) continue;
    for (let o = b * rowSize; o < (b + 1) * rowSize; o += D) {
      zH.set(hInit, o);
      zL.set(lInit, o);
    }
    steps[b] = 0;
    inputs.set(batch.inputs.subarray(b * S, (b + 1) * S), b * S);
    labels.set(batch.labels.subarray(b * S, (b + 1) * S), b * S);
    ids[b] = batch.puzzleIdentifiers[b]!;
  }
  const shape = carry.inner.zH.shape;
  return {
    inner: { zH: new Tensor(zH, shape), zL: new Tensor(zL, shape) },
    steps,
    data: { inputs, labels, puzzleIdentifiers: ids },
  };
}

const sigmoid = (x: number): number => Math.fround(1 / (1 + Math.exp(-x)));

export function actForward(ctx: Ctx, m: ReasoningModel, carry: ActCarry, batch: Batch, opts: ActOptions): ActResult {
  const B = carry.steps.length;
  checkBatch(m, B, batch);
  const run = (): ActResult => {
    const reset = resetCarry(m, carry, batch);
    const inner = modelInnerForward(ctx, m, reset.inner, reset.data, opts.mode, opts.trace);
    const M = m.config.halt_max_steps;
    const steps = reset.steps.map((s) => s + 1);
    const halted = new Uint8Array(B);
    let targetQContinue: Float32Array | null = null;
    const qH = inner.qHalt.data, qC = inner.qContinue.data;
    for (let b = 0; b < B; b++) halted[b] = steps[b]! >= M ? 1 : 0;
    if (opts.mode === "train" && M > 1) {
      const draws = opts.draws ?? drawExploration(opts.rng, B, M);
      const explore = Math.fround(m.config.halt_exploration_prob); // official: float32 rand < ε in float32
      if (draws.rand.length !== B || draws.randint.length !== B) {
        throw new ShapeError(`act: exploration draws should have ${B} values each, got ${draws.rand.length} and ${draws.randint.length}`);
      }
      const noContinue = m.config.no_ACT_continue;
      for (let b = 0; b < B; b++) {
        let h = halted[b]! === 1 || (noContinue ? qH[b]! > 0 : qH[b]! > qC[b]!);
        const minHalt = draws.rand[b]! < explore ? draws.randint[b]! : 0;
        h = h && steps[b]! >= minHalt;
        halted[b] = h ? 1 : 0;
      }
      if (!noContinue) {
        // Q target from a second inner pass on the new carry and the same data (no replay buffer, PQN-style).
        const next = ctx.tape.noGrad(() => modelInnerForward(ctx, m, inner.carry, reset.data, opts.mode));
        targetQContinue = new Float32Array(B);
        for (let b = 0; b < B; b++) {
          const nh = next.qHalt.data[b]!, nc = next.qContinue.data[b]!;
          targetQContinue[b] = sigmoid(steps[b]! >= M ? nh : Math.max(nh, nc));
        }
      }
    }
    return {
      carry: { inner: inner.carry, steps, halted, data: reset.data },
      outputs: { logits: inner.logits, qHalt: inner.qHalt, qContinue: inner.qContinue, targetQContinue },
      puzzleLocal: inner.puzzleLocal,
    };
  };
  return opts.mode === "eval" ? ctx.tape.noGrad(run) : run();
}

function drawExploration(rng: Rng | undefined, B: number, M: number): ExplorationDraws {
  if (rng === undefined) throw new ShapeError("act: train mode needs an rng or recorded exploration draws");
  const rand = new Float64Array(B), randint = new Int32Array(B);
  for (let b = 0; b < B; b++) rand[b] = rng.uniform();
  for (let b = 0; b < B; b++) randint[b] = rng.int(2, M);
  return { rand, randint };
}
