// bf16 compute (official forward_dtype bfloat16) against the float32 goldens: the errors are those of
// bfloat16 rounding (8-bit mantissa) and stay bounded over the first segment and the gradients.
import assert from "node:assert/strict";
import { test } from "node:test";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import { checkReference } from "../../src/parity/replay.js";

test("hrm-tiny-a in bfloat16: first-segment states, logits and gradients within bf16 error bounds", () => {
  const report = checkReference("../shared/reference/hrm-tiny-a", { kernels: referenceKernels, forwardDtype: "bfloat16" });
  const byName = new Map(report.results.map((r) => [r.name, r]));
  const firstSegment = [...byName.keys()].filter((n) => /^trace\/call1\/|^train\/call1\/(carry\/z_|out\/logits)/.test(n));
  assert.ok(firstSegment.length >= 10);
  for (const n of firstSegment) {
    const r = byName.get(n)!;
    assert.ok(r.maxAbs > 0, `${n}: bf16 must differ from the float32 golden (is bf16 really on?)`);
    assert.ok(r.maxAbs < 0.1, `${n}: |diff| ${r.maxAbs} exceeds the bf16 bound 0.1`);
  }
  const grads = report.results.filter((r) => r.group === "grad");
  assert.equal(grads.length, 21);
  for (const r of grads) assert.ok(r.score < 100, `${r.name}: ${r.score} x (1e-3·max|grad|) exceeds the bf16 bound of 0.1·max|grad|`);
  // integer bookkeeping that does not depend on Q-halting is still exact
  for (const n of ["train/call1/carry/steps", "eval/call4/carry/halted", "train/call5/carry/current_data/inputs"]) assert.ok(byName.get(n)!.pass, n);
});
