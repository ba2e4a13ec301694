// bf16 training rounds each weight once per parameter version (one per step: trainStep's stepWeights) and
// reuses that copy in every product of the step, forward and backward. Checked: every weight operand a product
// receives is bit-equal to rounding the master as it is at that step (so after an optimizer update the next
// forward uses the new values), each weight is rounded into one buffer per step, and a few steps are
// bit-identical to the path that rounds the weight inside every product, on the reference and native kernels.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Ctx } from "../../src/engine/context.js";
import { makeCtx, stepScope } from "../../src/engine/context.js";
import type { Kernels, MatmulDims } from "../../src/engine/kernels.js";
import { Rng } from "../../src/engine/rng.js";
import { loadNativeKernels } from "../../src/kernels/native/index.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import { actLossHead } from "../../src/losses/act-loss-head.js";
import { actForward, initialCarry } from "../../src/model/act.js";
import type { Batch } from "../../src/model/act.js";
import { createModel, parseModelConfig } from "../../src/model/model.js";
import type { ModelFamily, ReasoningModel } from "../../src/model/model.js";
import { lrAt } from "../../src/optim/schedule.js";
import { sparseSignSgdStep } from "../../src/optim/sign-sgd-sparse.js";
import type { OptimConfig, TrainState } from "../../src/train/step.js";
import { createTrainState, trainStep } from "../../src/train/step.js";
import { randomBatch } from "../helpers/random-batch.js";

const arch = {
  batch_size: 4, seq_len: 8, puzzle_emb_ndim: 16, num_puzzle_identifiers: 3, vocab_size: 7, H_cycles: 2, L_cycles: 2, H_layers: 1,
  L_layers: 1, hidden_size: 16, expansion: 2, num_heads: 2, pos_encodings: "rope", halt_max_steps: 2, halt_exploration_prob: 0.5,
  forward_dtype: "bfloat16",
};
const variants: ReadonlyArray<{ name: string; family: ModelFamily; arch: Record<string, unknown> }> = [
  { name: "HRM", family: "hrm", arch },
  { name: "TRM mlp_t", family: "trm", arch: { ...arch, H_layers: 0, puzzle_emb_len: 2, mlp_t: true, pos_encodings: "none" } },
];
const optim: OptimConfig = {
  global_batch_size: 4, lr: 1e-2, lr_min_ratio: 1, lr_warmup_steps: 0, weight_decay: 0.1, beta1: 0.9, beta2: 0.95,
  puzzle_emb_lr: 1e-2, puzzle_emb_weight_decay: 0.1, loss_type: "softmax_cross_entropy", ema: null,
};
const backends: ReadonlyArray<Kernels> = [referenceKernels, ...[loadNativeKernels()].filter((k) => k !== null)];

function roundedBits(kernels: Kernels, w: Float32Array): Uint32Array {
  const r = new Float32Array(w.length);
  kernels.roundBf16(r, w, w.length);
  return new Uint32Array(r.buffer);
}

function setup(variant: (typeof variants)[number]): { state: TrainState; batches: Batch[] } {
  const config = parseModelConfig(variant.arch, variant.family);
  const model = createModel(config, new Rng(3));
  const rng = new Rng(4);
  return { state: createTrainState(model, optim, 10), batches: [0, 1, 2].map(() => randomBatch(config, rng)) };
}

const matrixWeights = (model: ReasoningModel) => [...model.params.tensors.entries()].filter(([n]) => n.endsWith(".weight") && !n.includes("embed"));

/** trainStep as it was before weights were rounded once per step: no rounded weights in the context. */
function roundingAtEveryProduct(ctx: Ctx, state: TrainState, batch: Batch, rng: Rng): void {
  stepScope(ctx, () => {
    const { model } = state;
    state.carry ??= initialCarry(model, batch.puzzleIdentifiers.length);
    const result = actForward(ctx, model, state.carry, batch, { mode: "train", rng });
    const loss = actLossHead(ctx, result, optim.loss_type);
    model.params.zeroGrad();
    ctx.tape.backward(loss.loss, 1 / optim.global_batch_size);
    state.carry = result.carry;
    state.step++;
    const lr = lrAt(state.step, { baseLr: optim.lr, warmupSteps: 0, totalSteps: state.totalSteps, minRatio: optim.lr_min_ratio });
    const local = result.puzzleLocal;
    if (local !== null && local.weights.grad !== null) {
      const table = model.p("puzzle_emb.weights");
      sparseSignSgdStep(table.data as Float32Array, local.weights.grad, local.ids, table.shape[1]!, lr, optim.puzzle_emb_weight_decay);
    }
    state.adam.update(ctx.kernels, lr);
  });
}

for (const kernels of backends) {
  for (const variant of variants) {
    test(`${variant.name} bf16 training on ${kernels.name}: a few steps bit-identical to rounding the weight in every product`, () => {
      const a = setup(variant), b = setup(variant);
      const ctxA = makeCtx(kernels), ctxB = makeCtx(kernels);
      ctxA.pool.poisonReleased = true; // a rounded copy read after it went back to the pool would show
      const rngA = new Rng(9), rngB = new Rng(9);
      for (const batch of a.batches) trainStep(ctxA, a.state, batch, optim, rngA);
      for (const batch of b.batches) roundingAtEveryProduct(ctxB, b.state, batch, rngB);
      assert.equal(a.state.step, 3);
      assert.deepEqual(new Uint32Array(a.state.model.params.flat.buffer), new Uint32Array(b.state.model.params.flat.buffer));
      assert.deepEqual(new Uint32Array(a.state.adam.expAvgSq.buffer), new Uint32Array(b.state.adam.expAvgSq.buffer));
      assert.notDeepEqual(a.state.model.params.flat, setup(variant).state.model.params.flat, "the steps changed the weights");
    });

    test(`${variant.name} bf16 training on ${kernels.name}: every product of a step reads its weight rounded from the master of that step, once`, () => {
      const { state, batches } = setup(variant);
      const weights = matrixWeights(state.model);
      assert.ok(weights.length >= 4);
      let expected = new Map<number, Uint32Array[]>(); // by size: the rounded values of each weight at this step
      const seen = new Set<Float32Array>();
      let weightOperands = 0;
      // the products that read a weight: linear's forward x·Wᵀ (B, transB) and backward dY·W (B, neither
      // transposed, rounded), and mlp_t's leftLinear W·x[b] forward and Wᵀ·dY[b] backward (A, shared by the batch)
      const check = (w: Float32Array | Float64Array, rounded: boolean | undefined): void => {
        assert.equal(rounded, true, "a weight operand comes rounded");
        const bits = new Uint32Array(w.buffer, w.byteOffset, w.length);
        assert.ok(expected.get(w.length)?.some((e) => e.every((v, i) => v === bits[i])), `a ${w.length}-value weight operand is the rounding of a current master`);
        seen.add(w as Float32Array);
        weightOperands++;
      };
      const recording: Kernels = {
        ...kernels,
        matmul: (out, a, bOp, d: MatmulDims) => {
          if (d.precision === "bf16" && d.batch === undefined && (d.transB === true || (d.transA !== true && d.bRounded === true && expected.has(bOp.length)))) check(bOp, d.bRounded);
          if (d.precision === "bf16" && d.batch !== undefined && d.batch.strideA === 0) check(a, d.aRounded);
          kernels.matmul(out, a, bOp, d);
        },
      };
      const ctx = makeCtx(recording);
      const rng = new Rng(9);
      let before: Map<string, Uint32Array> | null = null;
      for (const batch of batches) {
        expected = new Map();
        const now = new Map<string, Uint32Array>();
        for (const [name, w] of weights) {
          const bits = roundedBits(kernels, w.data as Float32Array);
          now.set(name, bits);
          expected.set(bits.length, [...(expected.get(bits.length) ?? []), bits]);
        }
        if (before !== null) {
          const changed = [...now].filter(([n, bits]) => !bits.every((v, i) => v === before!.get(n)![i])).length;
          assert.ok(changed >= weights.length - 1, `the update changed the rounded values of ${changed} of ${weights.length} weights`);
        }
        seen.clear();
        weightOperands = 0;
        trainStep(ctx, state, batch, optim, rng);
        assert.ok(weightOperands > 2 * weights.length, `weights are used many times per step (${weightOperands} products)`);
        assert.equal(seen.size, weights.length, "one rounded buffer per weight in a step");
        before = now;
      }
      assert.equal(ctx.pool.stats.liveBytes, 0, "the rounded copies go back to the pool at the end of the step");
    });
  }
}
