// TRM's mlp_t sublayer run in h's own layout [B, T, D] (leftLinear, swiglu over axis 1, addRmsNorm over the
// token axis: no transpose materialised) against the official composition it replaces, on the transposed
// state u = hᵀ [B, D, T]: transposeLast2(addRmsNorm(u + linear(swiglu(linear(u, Wgu)), Wd))). The same output
// and the same gradients of h and both weights on every backend, in float32 and in bf16. The products sum
// in another order (and a weight's gradient over the batch in pieces), so the match is to a tolerance: 1e-5
// of the largest value in f32; in bf16 one bf16 rounding step (2^-8) of it, as a product's last float32 bit
// may round its bf16 output the other way.
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
import { leftLinear } from "../../src/ops/left-linear.js";
import { linear } from "../../src/ops/linear.js";
import { addRmsNorm } from "../../src/ops/rms-norm.js";
import { swiglu } from "../../src/ops/swiglu.js";
import { transposeLast2 } from "../../src/ops/transpose.js";

const backends: Kernels[] = [referenceKernels, loadWasmKernels({ variant: "simd" }), loadNativeKernels()].filter((k): k is Kernels => k !== null);

/** Output, dH, dWgu and dWd of the sublayer over h [B, T, D] (weights for width I), seeded inputs and cotangent. */
function run(kernels: Kernels, precision: Precision, strided: boolean, B: number, T: number, D: number, I: number): Float32Array[] {
  const rng = new Rng(5);
  const input = (shape: number[], scale: number): Tensor => {
    const t = new Tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape, { requiresGrad: true });
    for (let i = 0; i < t.size; i++) t.data[i] = rng.normal() * scale;
    return t;
  };
  const h = input([B, T, D], 1), wgu = input([2 * I, T], 1 / Math.sqrt(T)), wd = input([T, I], 1 / Math.sqrt(I));
  const ctx = makeCtx(kernels, precision);
  let y: Tensor;
  if (strided) {
    y = addRmsNorm(ctx, h, leftLinear(ctx, swiglu(ctx, leftLinear(ctx, h, wgu), 1), wd), 1e-5, 1);
  } else {
    const u = transposeLast2(ctx, h);
    y = transposeLast2(ctx, addRmsNorm(ctx, u, linear(ctx, swiglu(ctx, linear(ctx, u, wgu)), wd), 1e-5));
  }
  const R = new Float32Array(y.size);
  for (let i = 0; i < R.length; i++) R[i] = rng.normal();
  const out = Float32Array.from(y.data);
  ctx.tape.backwardFrom(y, R);
  return [out, Float32Array.from(h.grad!), Float32Array.from(wgu.grad!), Float32Array.from(wd.grad!)];
}

for (const k of backends) {
  for (const precision of ["f32", "bf16"] as const) {
    test(`${k.name} ${precision}: mlp_t in [B, T, D] = the transposed composition, values and gradients`, () => {
      const tol = precision === "f32" ? 1e-5 : 2 ** -8;
      for (const [B, T, D, I] of [[1, 3, 2, 2], [3, 13, 8, 16], [4, 97, 32, 64]] as const) {
        const got = run(k, precision, true, B, T, D, I), want = run(k, precision, false, B, T, D, I);
        ["output", "dH", "dWgu", "dWd"].forEach((what, j) => {
          const g = got[j]!, w = want[j]!;
          assert.equal(g.length, w.length, what);
          const scale = Math.max(...Array.from(w, Math.abs));
          let worst = 0, at = 0;
          for (let i = 0; i < w.length; i++) {
            const e = Math.abs(g[i]! - w[i]!) / scale;
            if (e > worst) { worst = e; at = i; }
          }
          assert.ok(worst <= tol, `${what} B=${B} T=${T} D=${D} I=${I}: index ${at}: ${g[at]} vs ${w[at]} (error ${worst.toExponential(2)} > ${tol})`);
        });
      }
    });
  }
}
