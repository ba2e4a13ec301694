// State collection: each protocol gets exactly the samples README.md defines (counts, and the PR of the
// tokens-final samples equals one computed straight from the ACT carry), the result does not depend on the
// batch size, and the scaling curve records the PR of the first n puzzles.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { PROTOCOLS, collectStates, kernelGram } from "../../src/analysis/collect.js";
import { participationRatio, participationRatioOfSamples } from "../../src/analysis/participation-ratio.js";
import { PuzzleLoader } from "../../src/data/loader.js";
import type { OpenSplit } from "../../src/data/split-reader.js";
import { openDatasetSplit } from "../../src/data/split-reader.js";
import { makeCtx } from "../../src/engine/context.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import { actForward, initialCarry } from "../../src/model/act.js";
import { tinyModel, tinySudokuData } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "hrm-pr-collect-"));
let split: OpenSplit;
before(async () => {
  split = openDatasetSplit(await tinySudokuData(join(tmp, "data")), "test");
});
after(() => {
  split.close();
  rmSync(tmp, { recursive: true, force: true });
});

test("collectStates: sample counts per protocol, PR straight from the carry, batch-size independence", () => {
  const model = tinyModel(), ctx = makeCtx(referenceKernels);
  const N = 12, M = model.config.halt_max_steps, S = model.config.seq_len, D = model.config.hidden_size;
  const P = model.dims.puzzleEmbLen, T = model.dims.totalSeqLen;
  const a = collectStates(ctx, model, split, { puzzles: N, batchSize: 8, scalingAt: [5, 10, 99] });
  assert.deepEqual([a.puzzles, a.segments, a.positions, a.prefixPositions, a.hiddenSize], [N, M, S, P, D]);
  assert.equal(P, 1, "puzzle_emb_ndim = hidden_size: one prefix position");
  assert.equal(a.protocols["tokens-all"].z_H.count, N * M * S);
  assert.equal(a.protocols["mean-all"].z_L.count, N * M);
  assert.equal(a.protocols["tokens-final"].z_H.count, N * S);
  assert.equal(a.protocols["mean-final"].z_L.count, N);

  // the same samples by hand: one batch of the first N puzzles, M eval segments, final carry rows P..T-1
  const lb = new PuzzleLoader(split, { seed: 0, globalBatchSize: N }).test().next().value!;
  let carry = initialCarry(model, N);
  for (let s = 0; s < M; s++) carry = actForward(ctx, model, carry, lb, { mode: "eval" }).carry;
  for (const [mod, z] of [["z_H", carry.inner.zH.data], ["z_L", carry.inner.zL.data]] as const) {
    const x = new Float64Array(N * S * D);
    for (let b = 0; b < N; b++) for (let t = P; t < T; t++) for (let j = 0; j < D; j++) x[(b * S + t - P) * D + j] = z[(b * T + t) * D + j]!;
    const direct = participationRatioOfSamples(x, N * S, D);
    const collected = participationRatio(a.protocols["tokens-final"][mod].covariance(), D);
    assert.ok(Math.abs(direct - collected) < 1e-9 * direct, `${mod}: ${direct} vs ${collected}`);
    assert.ok(collected > 1 && collected <= D);
  }

  // batch size 5 (ragged last batch) and the float32 kernel Gram: the same PRs
  const b = collectStates(ctx, model, split, { puzzles: N, batchSize: 5, scalingAt: [5, 10, 99], gram: kernelGram(referenceKernels) });
  for (const p of PROTOCOLS) for (const mod of ["z_H", "z_L"] as const) {
    const pa = participationRatio(a.protocols[p][mod].covariance(), D), pb = participationRatio(b.protocols[p][mod].covariance(), D);
    assert.ok(Math.abs(pa - pb) < 1e-4 * pa, `${p} ${mod}: ${pa} vs ${pb}`);
  }

  // scaling: n = 5, 10 and the total (99 > N is dropped); the last point is the full PR
  for (const p of PROTOCOLS) {
    const sc = a.protocols[p].scaling;
    assert.deepEqual(sc.map((s) => s.puzzles), [5, 10, N]);
    assert.equal(sc[2]!.z_H, participationRatio(a.protocols[p].z_H.covariance(), D));
  }
  const five = collectStates(ctx, model, split, { puzzles: 5, batchSize: 5 });
  assert.equal(five.protocols["tokens-all"].scaling[0]!.z_L, a.protocols["tokens-all"].scaling[0]!.z_L, "the n = 5 point is the PR of the first 5 puzzles");
});
