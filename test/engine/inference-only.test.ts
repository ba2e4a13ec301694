// inferenceOnly: a model used only for inference rounds each matrix weight to bfloat16 in place on first use,
// so a bf16 forward keeps no float32 copy beside the master (RSS at most f32's). Checked: the outputs are bit
// for bit those of rounding at every product and of frozenWeights' copies, no copy is made, exactly the
// weights the linear layers read are rounded (embeddings untouched), and eval/solve keep the in-place context.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Ctx } from "../../src/engine/context.js";
import { frozenWeights, inferenceOnly, makeCtx, stepScope } from "../../src/engine/context.js";
import { InternalError } from "../../src/engine/errors.js";
import { Rng } from "../../src/engine/rng.js";
import { loadNativeKernels } from "../../src/kernels/native/index.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import { actForward, initialCarry } from "../../src/model/act.js";
import { createModel, parseModelConfig } from "../../src/model/model.js";
import type { ModelFamily } from "../../src/model/model.js";
import { createTrainState, trainStep } from "../../src/train/step.js";
import { randomBatch } from "../helpers/random-batch.js";

const kernels = loadNativeKernels() ?? referenceKernels;
const arch = {
  batch_size: 4, seq_len: 8, puzzle_emb_ndim: 16, num_puzzle_identifiers: 3, vocab_size: 7, H_cycles: 2, L_cycles: 2, H_layers: 1,
  L_layers: 1, hidden_size: 16, expansion: 2, num_heads: 2, pos_encodings: "rope", halt_max_steps: 3, halt_exploration_prob: 0,
  forward_dtype: "bfloat16",
};
const variants: ReadonlyArray<{ name: string; family: ModelFamily; arch: Record<string, unknown> }> = [
  { name: "HRM", family: "hrm", arch },
  { name: "TRM mlp_t", family: "trm", arch: { ...arch, H_layers: 0, puzzle_emb_len: 2, mlp_t: true, pos_encodings: "none" } },
];

for (const variant of variants) {
  test(`${variant.name} bf16 inferenceOnly: weights rounded in place, no copies, outputs bit for bit unchanged`, () => {
    const config = parseModelConfig(variant.arch, variant.family);
    const fresh = () => createModel(config, new Rng(7));
    const batch = randomBatch(config, new Rng(8));
    const infer = (ctx: Ctx, model = fresh()): number[] => {
      let carry = initialCarry(model, config.batch_size);
      const out: number[] = [];
      for (let s = 0; s < config.halt_max_steps; s++) {
        carry = stepScope(ctx, () => {
          const r = actForward(ctx, model, carry, batch, { mode: "eval" });
          out.push(...r.outputs.logits.data, ...r.outputs.qHalt.data);
          return r.carry;
        });
      }
      return out;
    };
    const plain = infer(makeCtx(kernels));
    assert.deepEqual(infer(frozenWeights(makeCtx(kernels))), plain);

    const model = fresh();
    const master = new Map([...model.params.tensors].map(([name, w]) => [name, (w.data as Float32Array).slice()]));
    const ctx = inferenceOnly(makeCtx(kernels));
    assert.equal(frozenWeights(ctx), ctx, "eval and solve keep the in-place context");
    assert.deepEqual(infer(ctx, model), plain);
    assert.deepEqual(infer(ctx, model), plain, "a second pass over the rounded weights");
    assert.equal(ctx.roundedWeights?.copies.size, 0, "no float32 copies");
    let rounded = 0;
    for (const [name, w] of model.params.tensors) {
      const before = master.get(name)!;
      const expect = new Float32Array(w.size);
      if (name.endsWith(".weight") && !name.includes("embed")) {
        kernels.roundBf16(expect, before, w.size);
        assert.equal(w.bf16Values, true, `${name} is marked rounded`);
        rounded++;
      } else {
        expect.set(before);
      }
      assert.deepEqual(new Uint32Array(w.data.buffer, w.data.byteOffset, w.size), new Uint32Array(expect.buffer), `${name}`);
    }
    assert.ok(rounded >= 4, `${rounded} matrix weights`);
    assert.ok([...model.params.tensors].some(([name, w]) => w.data.some((v, i) => v !== master.get(name)![i])), "rounding changed the stored masters");
  });
}

test("a model rounded in place for inference refuses to train", () => {
  const config = parseModelConfig(arch, "hrm");
  const model = createModel(config, new Rng(7));
  const batch = randomBatch(config, new Rng(8));
  const optim = { global_batch_size: config.batch_size, lr: 1e-4, lr_min_ratio: 1, lr_warmup_steps: 1, weight_decay: 0.1, beta1: 0.9, beta2: 0.95, puzzle_emb_lr: 1e-4, puzzle_emb_weight_decay: 0.1, loss_type: "stablemax_cross_entropy" as const, ema: null };
  const state = createTrainState(model, optim, 10);
  trainStep(makeCtx(kernels), state, batch, optim, new Rng(1)); // trains while the masters are intact
  const ctx = inferenceOnly(makeCtx(kernels));
  stepScope(ctx, () => actForward(ctx, model, initialCarry(model, config.batch_size), batch, { mode: "eval" }).carry);
  assert.throws(() => trainStep(makeCtx(kernels), state, batch, optim, new Rng(1)), (e: Error) => e instanceof InternalError && /rounded to bfloat16 in place/.test(e.message));
});
