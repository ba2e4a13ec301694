// TRM's halting rule (no_ACT_continue): halt on q_halt > 0, no Q-continue target, no second inner pass,
// and the same first pass as the official rule (same weights, same carry, same logits).
import assert from "node:assert/strict";
import { test } from "node:test";
import { makeCtx } from "../../src/engine/context.js";
import { Rng } from "../../src/engine/rng.js";
import type { Kernels } from "../../src/engine/kernels.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import { actForward, initialCarry } from "../../src/model/act.js";
import { parseHrmConfig } from "../../src/model/hrm/config.js";
import { HrmModel } from "../../src/model/hrm/model.js";
import { actLossHead } from "../../src/losses/act-loss-head.js";
import { parseTrainConfig } from "../../src/train/config.js";
import { presetConfig } from "../../src/train/presets.js";
import { randomBatch } from "../helpers/random-batch.js";

const base = {
  batch_size: 6, seq_len: 9, puzzle_emb_ndim: 0, num_puzzle_identifiers: 1, vocab_size: 5, H_cycles: 2, L_cycles: 2, H_layers: 1, L_layers: 1,
  hidden_size: 16, expansion: 2, num_heads: 2, pos_encodings: "rope", halt_max_steps: 3, halt_exploration_prob: 0, forward_dtype: "float32",
};

function countingMatmul(): { kernels: Kernels; calls: () => number } {
  let n = 0;
  const kernels: Kernels = { ...referenceKernels, matmul: (o, a, b, d) => { n++; referenceKernels.matmul(o, a, b, d); } };
  return { kernels, calls: () => n };
}

function oneTrainCall(noContinue: boolean) {
  const config = parseHrmConfig({ ...base, no_ACT_continue: noContinue });
  const model = HrmModel.create(config, new Rng(3));
  const { kernels, calls } = countingMatmul();
  const ctx = makeCtx(kernels);
  const batch = randomBatch(config, new Rng(4));
  const draws = { rand: new Float64Array(6).fill(1), randint: new Int32Array(6).fill(2) };
  const result = actForward(ctx, model, initialCarry(model, 6), batch, { mode: "train", draws });
  const loss = actLossHead(ctx, result, "softmax_cross_entropy");
  return { result, loss, matmuls: calls() };
}

test("no_ACT_continue: halts where q_halt > 0, no target, no second inner pass, same first pass", () => {
  const official = oneTrainCall(false), trm = oneTrainCall(true);
  assert.deepEqual([...trm.result.outputs.logits.data], [...official.result.outputs.logits.data]);
  assert.equal(trm.result.outputs.targetQContinue, null);
  assert.ok(official.result.outputs.targetQContinue !== null);
  // the official rule runs the inner model twice per train call; TRM's once
  assert.equal(official.matmuls, 2 * trm.matmuls);
  const qH = trm.result.outputs.qHalt.data;
  assert.deepEqual([...trm.result.carry.halted], [...qH].map((q) => (q > 0 ? 1 : 0)));
  assert.equal(trm.loss.metrics.q_continue_loss, undefined);
  assert.ok(official.loss.metrics.q_continue_loss !== undefined);
});

test("no_ACT_continue: parsed as a boolean; optional in training configs (default false)", () => {
  assert.throws(() => parseHrmConfig({ ...base, no_ACT_continue: "yes" }), /"no_ACT_continue" must be true or false, got "yes"/);
  assert.equal(parseHrmConfig(base).no_ACT_continue, false);
  assert.equal(parseTrainConfig(presetConfig("sudoku-cpu")).arch.no_ACT_continue, true);
  assert.equal(parseTrainConfig(presetConfig("sudoku-cpu-official")).arch.no_ACT_continue, false);
  const preset = presetConfig("sudoku-cpu")!;
  const { no_ACT_continue: _drop, ...arch } = preset["arch"] as Record<string, unknown>;
  assert.equal(parseTrainConfig({ ...preset, arch }).arch.no_ACT_continue, false);
  assert.throws(() => parseTrainConfig({ ...preset, arch: { ...arch, no_ACT_continue: 1 } }), /"arch.no_ACT_continue" must be true or false/);
});
