// Loss functions: values against hand-computed cases, gradients against finite differences in float64.
import assert from "node:assert/strict";
import { test } from "node:test";
import { makeCtx } from "../../src/engine/context.js";
import { Rng } from "../../src/engine/rng.js";
import { Tensor } from "../../src/engine/tensor.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import { actLossHead } from "../../src/losses/act-loss-head.js";
import type { LossType } from "../../src/losses/act-loss-head.js";
import { softmaxCrossEntropy, softmaxCrossEntropyBackward } from "../../src/losses/softmax-ce.js";
import { IGNORE_LABEL_ID, logStablemax, stablemaxCrossEntropy, stablemaxCrossEntropyBackward } from "../../src/losses/stablemax-ce.js";
import type { ActResult } from "../../src/model/act.js";

test("stablemax: s(x) = x + 1 for x ≥ 0 and 1/(1 − x) below; log p sums to a distribution", () => {
  const x = [0, 1, -1]; // s = 1, 2, 0.5 → Σ = 3.5
  const lp = logStablemax(x, 3);
  assert.ok(Math.abs(lp[0]! - Math.log(1 / 3.5)) < 1e-15);
  assert.ok(Math.abs(lp[1]! - Math.log(2 / 3.5)) < 1e-15);
  assert.ok(Math.abs(lp[2]! - Math.log(0.5 / 3.5)) < 1e-15);
  const ce = stablemaxCrossEntropy(x, Int32Array.from([1]), 3);
  assert.ok(Math.abs(ce[0]! + Math.log(2 / 3.5)) < 1e-15);
  assert.equal(stablemaxCrossEntropy(x, Int32Array.from([IGNORE_LABEL_ID]), 3)[0], 0);
});

test("softmax cross entropy equals logsumexp − x_label", () => {
  const x = [0.5, -1, 2];
  const lse = Math.log(Math.exp(0.5) + Math.exp(-1) + Math.exp(2));
  assert.ok(Math.abs(softmaxCrossEntropy(x, Int32Array.from([0]), 3)[0]! - Math.fround(lse - 0.5)) < 1e-7);
});

for (const [name, fwd, bwd] of [
  ["stablemax", stablemaxCrossEntropy, stablemaxCrossEntropyBackward],
  ["softmax", (l: ArrayLike<number>, y: Int32Array, V: number) => { // unrounded twin for finite differences
    const out = new Float64Array(y.length);
    for (let r = 0; r < y.length; r++) {
      if (y[r] === IGNORE_LABEL_ID) continue;
      let s = 0; for (let j = 0; j < V; j++) s += Math.exp(l[r * V + j]!);
      out[r] = Math.log(s) - l[r * V + y[r]!]!;
    }
    return out;
  }, softmaxCrossEntropyBackward],
] as const) {
  test(`${name} cross entropy backward matches central differences`, () => {
    const rng = new Rng(5);
    const N = 6, V = 5;
    const logits = Float64Array.from({ length: N * V }, () => rng.normal() * 2);
    logits[3] = 0; // the branch point of s(x)
    const labels = Int32Array.from([0, 4, IGNORE_LABEL_ID, 2, 1, 3]);
    const w = Float64Array.from({ length: N }, () => rng.normal());
    const dL = new Float64Array(N * V);
    bwd(dL, logits, labels, w, V);
    const L = (): number => fwd(logits, labels, V).reduce((s, v, i) => s + v * w[i]!, 0);
    for (let i = 0; i < N * V; i++) {
      if (i === 3) continue; // not differentiable at 0 (one-sided)
      const v = logits[i]!, h = 1e-6;
      logits[i] = v + h; const up = L();
      logits[i] = v - h; const down = L();
      logits[i] = v;
      assert.ok(Math.abs((up - down) / (2 * h) - dL[i]!) < 1e-6, `${name} index ${i}: ${(up - down) / (2 * h)} vs ${dL[i]}`);
    }
  });
}

function fakeResult(rng: Rng, B: number, S: number, V: number, labels: Int32Array, halted: number[], withTarget: boolean): ActResult {
  const t = (shape: number[], s = 1): Tensor => new Tensor(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * s), shape, { requiresGrad: true });
  return {
    carry: {
      inner: { zH: Tensor.zeros([B, 1, 1]), zL: Tensor.zeros([B, 1, 1]) },
      steps: Int32Array.from({ length: B }, (_, i) => i + 1),
      halted: Uint8Array.from(halted),
      data: { inputs: new Int32Array(B * S), labels, puzzleIdentifiers: new Int32Array(B) },
    },
    outputs: { logits: t([B, S, V], 2), qHalt: t([B]), qContinue: t([B]), targetQContinue: withTarget ? Float32Array.from({ length: B }, () => rng.uniform()) : null },
    puzzleLocal: null,
  };
}

for (const lossType of ["stablemax_cross_entropy", "softmax_cross_entropy"] as LossType[]) {
  test(`ACT loss head (${lossType}): total = lm + 0.5·(q_halt + q_continue), gradients by finite differences`, () => {
    const rng = new Rng(11);
    const B = 3, S = 4, V = 5;
    const labels = Int32Array.from([1, 2, IGNORE_LABEL_ID, 0, 3, 3, 3, 3, IGNORE_LABEL_ID, IGNORE_LABEL_ID, IGNORE_LABEL_ID, IGNORE_LABEL_ID]);
    const res = fakeResult(rng, B, S, V, labels, [1, 0, 1], true);
    const ctx = makeCtx(referenceKernels);
    const { loss, metrics, seqIsCorrect } = actLossHead(ctx, res, lossType);
    assert.equal(seqIsCorrect[2], 1, "a row without labels counts as correct");
    assert.equal(metrics.count, 1, "only halted rows with labels are counted");
    assert.equal(metrics.steps, 1);
    assert.ok(metrics.q_continue_loss !== undefined);
    ctx.tape.backward(loss, 0.25);
    const { logits, qHalt, qContinue } = res.outputs;
    const total = (): number => actLossHead(makeCtx(referenceKernels), res, lossType).loss.data[0]!;
    for (const x of [logits, qHalt, qContinue]) {
      for (let i = 0; i < x.size; i++) {
        const v = x.data[i]!, h = 1e-3; // the official losses round to float32: a wide step keeps that noise small
        x.data[i] = v + h; const up = total();
        x.data[i] = v - h; const down = total();
        x.data[i] = v;
        const numeric = (0.25 * (up - down)) / (2 * h);
        assert.ok(Math.abs(numeric - x.grad![i]!) < 3e-4, `grad ${i}: numeric ${numeric} vs ${x.grad![i]}`);
      }
    }
  });
}
