// The ops' forward values and gradients in float32 on every available backend (WASM, native) against the
// reference kernels: the same op table as the float64 gradchecks (op-cases.ts), so a backend kernel wired
// with the wrong flags in some op's backward fails here even where the kernel-level parity holds.
import assert from "node:assert/strict";
import { test } from "node:test";
import { makeCtx } from "../../src/engine/context.js";
import { Rng } from "../../src/engine/rng.js";
import { Tensor } from "../../src/engine/tensor.js";
import type { Kernels } from "../../src/engine/kernels.js";
import { loadNativeKernels } from "../../src/kernels/native/index.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import { loadWasmKernels } from "../../src/kernels/wasm/index.js";
import { type OpCase, castTo, opCases } from "./op-cases.js";

const backends: Kernels[] = [loadWasmKernels({ variant: "simd" }), loadNativeKernels()].filter((k): k is Kernels => k !== null);
const cast = castTo("f32");

/** Output and input gradients of one case (float32, fixed seed), with the cotangent R fixed by the seed too. */
function run(kernels: Kernels, op: OpCase, seed: number): Float32Array[] {
  const rng = new Rng(seed);
  const inputs = op.shapes.map((s) => {
    const t = new Tensor(new Float32Array(s.reduce((a, b) => a * b, 1)), [...s], { requiresGrad: true });
    for (let i = 0; i < t.size; i++) t.data[i] = rng.normal() * (op.scale ?? 1);
    return t;
  });
  const ctx = makeCtx(kernels);
  const out = op.f(ctx, inputs, cast);
  const R = new Float32Array(out.size);
  for (let i = 0; i < R.length; i++) R[i] = rng.normal();
  ctx.tape.backwardFrom(out, R);
  return [Float32Array.from(out.data), ...inputs.map((x) => Float32Array.from(x.grad ?? new Float32Array(x.size)))];
}

test("at least one fast backend is available to compare", () => {
  assert.ok(backends.length >= 1, "neither the WASM nor the native kernels loaded");
});

for (const k of backends) {
  let seed = 100;
  for (const op of opCases) {
    const s = seed++;
    test(`${k.name}: ${op.name}`, () => {
      const want = run(referenceKernels, op, s), got = run(k, op, s);
      want.forEach((w, j) => {
        const what = j === 0 ? "output" : `grad of input ${j - 1}`;
        const g = got[j]!;
        assert.equal(g.length, w.length, what);
        const scale = Math.max(1, ...Array.from(w, Math.abs));
        let worst = 0, at = -1;
        for (let i = 0; i < w.length; i++) {
          const e = Math.abs(g[i]! - w[i]!) / scale;
          if (e > worst) { worst = e; at = i; }
        }
        assert.ok(worst <= 1e-5, `${what}: index ${at}: ${k.name} ${g[at]} vs reference ${w[at]} (error ${worst.toExponential(2)} > 1e-5)`);
      });
    });
  }
}
