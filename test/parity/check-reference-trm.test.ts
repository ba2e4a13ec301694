// The golden checker on TRM folders: trm-tiny-a (official TRM code, attention + RoPE) must match tensor by
// tensor with every backend and both replay modes; the project's own mlp_t folder (learned positions, a
// multi-token puzzle prefix, recorded exploration draws; scripts/golden/trm_golden.py) with per_call replay.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { loadNativeKernels, nativeLoadError } from "../../src/kernels/native/index.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import { loadWasmKernels, wasmLoadError } from "../../src/kernels/wasm/index.js";
import type { Kernels } from "../../src/engine/kernels.js";
import { checkReference } from "../../src/parity/replay.js";
import type { Replay } from "../../src/parity/replay.js";

const TINY_A = "../shared/reference/trm-tiny-a";
const MLPT_A = "test/golden/trm-mlpt-a";

function wasm(): Kernels {
  const k = loadWasmKernels();
  assert.ok(k !== null, `wasm kernels did not load: ${wasmLoadError() ?? "?"}`);
  return k;
}

function expectAllPass(folder: string, kernels: Kernels, replay?: Replay, minCompared = 400): void {
  const report = checkReference(folder, { kernels, ...(replay ? { replay } : {}) });
  assert.equal(report.family, "trm");
  assert.deepEqual(report.results.filter((r) => !r.pass).map((r) => `${r.name}: ${r.detail}`), []);
  assert.ok(report.passed >= minCompared, `expected every golden tensor compared, got ${report.passed}`);
}

test("trm-tiny-a: every golden tensor matches with the reference kernels, chained and per_call", () => {
  const report = checkReference(TINY_A, { kernels: referenceKernels });
  assert.equal(report.replay, "chained", "the folder recommends chained replay");
  assert.deepEqual(report.results.filter((r) => !r.pass).map((r) => `${r.name}: ${r.detail}`), []);
  assert.equal(report.passed, 438);
  const groups = new Set(report.results.map((r) => r.group));
  for (const g of ["grad", "updated", "ema", "trace", "train/carry", "eval/out", "variant/train/carry", "poststep/out", "optim_unit/ema", "train/puzzle_emb"]) {
    assert.ok(groups.has(g), `group ${g} was checked`);
  }
  expectAllPass(TINY_A, referenceKernels, "per_call", 438);
});

test("trm-tiny-a: every golden tensor matches with the WASM and native kernels", (t) => {
  expectAllPass(TINY_A, wasm(), undefined, 438);
  const native = loadNativeKernels();
  if (native === null) {
    if (process.env["HRM_REQUIRE_NATIVE"] === "1") assert.fail(`native kernels required but not loaded: ${nativeLoadError() ?? "?"}`);
    t.skip(`native kernels not built: ${nativeLoadError() ?? "?"}`);
    return;
  }
  expectAllPass(TINY_A, native, undefined, 438);
});

test("trm-tiny-a: a tightened tolerance makes the TRM checker fail (it can fail)", () => {
  const report = checkReference(TINY_A, { kernels: referenceKernels, tolerances: { atol: 1e-9, rtol: 0, gradRel: 1e-9, updAbs: 0, updRel: 0 } });
  assert.ok(report.failed > 100, `expected many failures at atol 1e-9, got ${report.failed}`);
});

test("trm-mlpt-a (mlp_t, learned positions, 3-token puzzle prefix, exploration): every tensor matches, per_call", (t) => {
  if (!existsSync(`${MLPT_A}/config.json`)) {
    t.skip(`${MLPT_A} not generated`);
    return;
  }
  expectAllPass(MLPT_A, referenceKernels, "per_call");
  expectAllPass(MLPT_A, wasm(), "per_call");
  const native = loadNativeKernels();
  if (native !== null) expectAllPass(MLPT_A, native, "per_call");
});
