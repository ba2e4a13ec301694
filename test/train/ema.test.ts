// The EMA of the weights: the official update rule (bit-exact float32 arithmetic, checked against the
// official EMAHelper by the golden folders' optim_unit/ema and ema/ tensors) and the short-run warm-up.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Ema, emaUpdate } from "../../src/optim/ema.js";

test("emaUpdate is f32(f32(c1·p) + f32(c2·s)) with c1 = f32(1 − mu), c2 = f32(mu)", () => {
  const f = Math.fround;
  const shadow = Float32Array.of(1, -2, 0.1), p = Float32Array.of(3, 5, -0.7);
  const expected = Array.from(shadow, (s, i) => f(f(f(1 - 0.999) * p[i]!) + f(f(0.999) * s)));
  emaUpdate(shadow, p, 0.999);
  assert.deepEqual(Array.from(shadow), expected);
});

test("without warm-up the rate is mu from the first update; with it, min(mu, (1 + t)/(10 + t))", () => {
  const plain = new Ema(Float32Array.of(0), { rate: 0.999, warmup: false });
  const warm = new Ema(Float32Array.of(0), { rate: 0.999, warmup: true });
  assert.equal(plain.rateAt(1), 0.999);
  assert.equal(warm.rateAt(1), 2 / 11);
  assert.equal(warm.rateAt(100), 101 / 110);
  assert.equal(warm.rateAt(100000), 0.999);
  // after 300 steps of a parameter that moved from 0 to 1, the plain average still sits near the start,
  // the warmed one near the end (the reason the CPU presets use it)
  const p = Float32Array.of(1);
  for (let t = 0; t < 300; t++) { plain.update(p); warm.update(p); }
  assert.ok(plain.shadow[0]! < 0.26, `plain: ${plain.shadow[0]}`);
  assert.ok(warm.shadow[0]! > 0.99, `warm: ${warm.shadow[0]}`);
  assert.equal(warm.updates, 300);
});
