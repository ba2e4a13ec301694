// The golden checker on hrm-tiny-a: every tensor made by the official PyTorch code must match.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ConfigError } from "../../src/engine/errors.js";
import { loadNativeKernels, nativeLoadError } from "../../src/kernels/native/index.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import { checkReference } from "../../src/parity/replay.js";

const GOLDEN = "../shared/reference/hrm-tiny-a";

test("hrm-tiny-a: all golden tensors match with the reference kernels", () => {
  const report = checkReference(GOLDEN, { kernels: referenceKernels });
  const failures = report.results.filter((r) => !r.pass).map((r) => `${r.name}: ${r.detail}`);
  assert.deepEqual(failures, []);
  assert.ok(report.passed >= 530, `expected every one of the ~532 golden tensors to be compared, got ${report.passed}`);
  const groups = new Set(report.results.map((r) => r.group));
  for (const g of ["grad", "updated", "trace", "train/carry", "eval/out", "variant/train/carry", "poststep/out", "lossfn", "optim_unit/adam", "optim_unit/signsgd"]) {
    assert.ok(groups.has(g), `group ${g} was checked`);
  }
});

test("hrm-tiny-a: all golden tensors match with the native kernels (f32)", (t) => {
  const native = loadNativeKernels();
  if (native === null) {
    if (process.env["HRM_REQUIRE_NATIVE"] === "1") assert.fail(`native kernels required but not loaded: ${nativeLoadError() ?? "?"}`);
    t.skip(`native kernels not built: ${nativeLoadError() ?? "?"}`);
    return;
  }
  const report = checkReference(GOLDEN, { kernels: native });
  assert.deepEqual(report.results.filter((r) => !r.pass).map((r) => `${r.name}: ${r.detail}`), []);
  assert.ok(report.passed >= 530);
});

test("a tightened tolerance makes the checker fail (it can fail)", () => {
  const report = checkReference(GOLDEN, { kernels: referenceKernels, tolerances: { atol: 1e-9, rtol: 0, gradRel: 1e-9, updAbs: 0, updRel: 0 } });
  assert.ok(report.failed > 100, `expected many failures at atol 1e-9, got ${report.failed}`);
});

test("CLI: `hrm check-reference` prints the table and ends with 'N passed, 0 failed'", () => {
  const r = spawnSync(process.execPath, ["dist/src/cli/main.js", "check-reference", GOLDEN], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /worst\/tol/);
  assert.match(r.stdout.trim().split("\n").at(-1)!, /^\d+ passed, 0 failed$/);
});

test("CLI --json: one line of JSON on stdout whose counts are the results'", () => {
  const r = spawnSync(process.execPath, ["dist/src/cli/main.js", "check-reference", "test/golden/hrm-explore-b", "--json"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trimEnd().split("\n").length, 1, `one line of JSON expected, got:\n${r.stdout.slice(0, 300)}`);
  const j = JSON.parse(r.stdout) as { family: string; passed: number; failed: number; results: Array<{ pass: boolean }> };
  assert.deepEqual([j.family, j.failed, j.passed], ["hrm", 0, j.results.length]);
  assert.ok(j.passed > 300, `${j.passed} tensors compared`);
});

test("a golden folder without config.json is a clear error (library and CLI)", () => {
  const dir = mkdtempSync(join(tmpdir(), "hrm-golden-"));
  assert.throws(() => checkReference(dir, { kernels: referenceKernels }), (e: unknown) => e instanceof ConfigError && /config\.json is missing/.test(e.message));
  const r = spawnSync(process.execPath, ["dist/src/cli/main.js", "check-reference", dir], { encoding: "utf8" });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /config\.json is missing/);
  writeFileSync(join(dir, "config.json"), "{ not json");
  assert.throws(() => checkReference(dir, { kernels: referenceKernels }), /not valid JSON/);
});

test("CLI: unknown option is a usage error naming the valid options", () => {
  const r = spawnSync(process.execPath, ["dist/src/cli/main.js", "check-reference", GOLDEN, "--tolerance", "1"], { encoding: "utf8" });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown option "--tolerance".*--atol/);
});
