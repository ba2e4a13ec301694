// The fused residual norm (addRmsNorm) against the composition it replaces, rmsNorm(add(a, b)): the same
// output and the same gradients of a and b, bit for bit, on every backend, in float32 and in bf16 (where the
// sum is rounded to bfloat16 before the norm, as add's output is).
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Precision } from "../../src/engine/context.js";
import { makeCtx } from "../../src/engine/context.js";
import { Rng } from "../../src/engine/rng.js";
import { Tensor } from "../../src/engine/tensor.js";
import type { Kernels } from "../../src/engine/kernels.js";
import { loadNativeKernels } from "../../src/kernels/native/index.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import { loadWasmKernels } from "../../src/kernels/wasm/index.js";
import { add } from "../../src/ops/elementwise.js";
import { addRmsNorm, rmsNorm } from "../../src/ops/rms-norm.js";

const backends: Kernels[] = [referenceKernels, loadWasmKernels({ variant: "simd" }), loadNativeKernels()].filter((k): k is Kernels => k !== null);

/** Output, dA and dB of f over a [rows, D] pair of normal inputs (|x| ~ 3) and a random cotangent. */
function run(kernels: Kernels, precision: Precision, fused: boolean, rows: number, D: number): Float32Array[] {
  const rng = new Rng(11);
  const input = (): Tensor => {
    const t = new Tensor(new Float32Array(rows * D), [rows, D], { requiresGrad: true });
    for (let i = 0; i < t.size; i++) t.data[i] = rng.normal() * 3;
    return t;
  };
  const a = input(), b = input();
  const ctx = makeCtx(kernels, precision);
  const y = fused ? addRmsNorm(ctx, a, b, 1e-5) : rmsNorm(ctx, add(ctx, a, b), 1e-5);
  const R = new Float32Array(y.size);
  for (let i = 0; i < R.length; i++) R[i] = rng.normal();
  const out = Float32Array.from(y.data);
  ctx.tape.backwardFrom(y, R);
  return [out, Float32Array.from(a.grad!), Float32Array.from(b.grad!)];
}

for (const k of backends) {
  for (const precision of ["f32", "bf16"] as const) {
    test(`${k.name} ${precision}: addRmsNorm(a, b) = rmsNorm(add(a, b)), values and gradients, bit for bit`, () => {
      for (const [rows, D] of [[1, 1], [3, 7], [164, 128]] as const) {
        const fused = run(k, precision, true, rows, D), composed = run(k, precision, false, rows, D);
        ["output", "dA", "dB"].forEach((what, j) => assert.deepEqual(fused[j], composed[j], `${what} rows=${rows} D=${D}`));
      }
    });
  }
}
