// Central finite differences in float64 against the tape's gradients.
import assert from "node:assert/strict";
import { makeCtx } from "../../src/engine/context.js";
import type { Ctx } from "../../src/engine/context.js";
import { Rng } from "../../src/engine/rng.js";
import { Tensor } from "../../src/engine/tensor.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";

/** A random float64 tensor that requires grad. */
export function randT(rng: Rng, shape: number[], scale = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = rng.normal() * scale;
  return new Tensor(d, shape, { requiresGrad: true });
}

/**
 * Check d(Σ f(inputs)·R)/d(inputs) from the tape against central differences (h = 1e-6) on up to
 * `maxPerInput` coordinates of each input. Fails if any |analytic − numeric| > tol·max(1, max|numeric|).
 */
export function gradcheck(name: string, inputs: Tensor[], f: (ctx: Ctx, xs: Tensor[]) => Tensor, opts: { seed?: number; tol?: number; maxPerInput?: number } = {}): number {
  const rng = new Rng(opts.seed ?? 7);
  const tol = opts.tol ?? 1e-6;
  const ctx = makeCtx(referenceKernels);
  const out = f(ctx, inputs);
  assert.equal(out.dtype, "f64", `${name}: gradcheck runs in float64`);
  const R = new Float64Array(out.size);
  for (let i = 0; i < R.length; i++) R[i] = rng.normal();
  for (const x of inputs) x.grad = null;
  ctx.tape.backwardFrom(out, R);
  const lossAt = (): number => {
    const c = makeCtx(referenceKernels);
    const y = c.tape.noGrad(() => f(c, inputs));
    let s = 0;
    for (let i = 0; i < y.size; i++) s += y.data[i]! * R[i]!;
    return s;
  };
  const h = 1e-6;
  let worst = 0;
  inputs.forEach((x, xi) => {
    if (!x.requiresGrad) return;
    const analytic = x.grad ?? new Float64Array(x.size);
    const n = Math.min(x.size, opts.maxPerInput ?? 64);
    const idx = x.size <= n ? [...Array(x.size).keys()] : Array.from({ length: n }, () => rng.int(0, x.size - 1));
    const nums: number[] = [];
    for (const i of idx) {
      const v = x.data[i]!;
      x.data[i] = v + h; const up = lossAt();
      x.data[i] = v - h; const down = lossAt();
      x.data[i] = v;
      nums.push((up - down) / (2 * h));
    }
    const scale = Math.max(1, ...nums.map(Math.abs));
    idx.forEach((i, k) => {
      const err = Math.abs(analytic[i]! - nums[k]!) / scale;
      worst = Math.max(worst, err);
      assert.ok(err <= tol, `${name}: input ${xi} index ${i}: analytic ${analytic[i]} vs numeric ${nums[k]} (err ${err.toExponential(2)} > ${tol})`);
    });
  });
  return worst;
}
