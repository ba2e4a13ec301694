// Parity of every available fast backend (WASM, native) with the reference kernels, kernel by kernel: one
// table (cases.ts: backendCases) and its tolerances for all of them. A backend that is not built is named
// and skipped, except that CI (HRM_REQUIRE_NATIVE=1) fails without the native one (native.test.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Kernels } from "../../src/engine/kernels.js";
import { kernelNames } from "../../src/engine/kernels.js";
import { loadNativeKernels, nativeLoadError } from "../../src/kernels/native/index.js";
import { loadWasmKernels, wasmLoadError } from "../../src/kernels/wasm/index.js";
import { backendCases } from "./cases.js";
import { coveredKernels, runCase } from "./parity.js";

const cases = backendCases();

test("the table has a case for every kernel of the interface", () => {
  const covered = coveredKernels(cases);
  assert.deepEqual(kernelNames.filter((n) => !covered.has(n)), []);
});

const backends: { name: string; load: () => Kernels | null; why: () => string | null }[] = [
  { name: "wasm", load: () => loadWasmKernels({ variant: "simd" }), why: wasmLoadError },
  { name: "native", load: () => loadNativeKernels(), why: nativeLoadError },
];

for (const b of backends) {
  const k = b.load();
  if (k === null) {
    const reason = b.why() ?? "unknown";
    test(`${b.name} kernels vs reference (skipped: ${reason})`, { skip: reason }, () => {});
    continue;
  }
  let seed = 1;
  for (const c of cases) {
    const s = seed++;
    test(`${b.name} ${c.name}`, () => runCase(k, c, s));
  }
}
