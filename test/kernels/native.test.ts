// Parity of the native backend with the reference, kernel by kernel, on seeded random inputs: shapes of
// 1, primes, sizes that miss the fast paths' tiling, and HRM-like sizes; forward and backward.
//
// Criterion (per output buffer): max_i |native_i − ref_i| ≤ tol · max_i |ref_i|, with
//   tol = 1e-5 for f32 kernels that reorder sums or use a vectorised exp (matmul, RMSNorm, softmax,
//         attention, SwiGLU);
//   tol = 1e-5 for bf16 matmul as well: both backends round A and B to bf16 identically, each bf16·bf16
//         product is exact in f32, so only the order of the f32 accumulation differs;
//   exact (bitwise) for RoPE, embedding, add/scale/axpy and AdamATan2's moments, which compute exactly
//         what the reference computes; AdamATan2's parameters within 1 ulp (atan2 comes from a different
//         libm, rounded to float32 once).
// If the addon is not built the tests skip with the reason, or fail when HRM_REQUIRE_NATIVE=1 (CI).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Rng } from "../../src/engine/rng.js";
import type { Kernels, MatmulDims } from "../../src/kernels/kernels.js";
import { kernelNames } from "../../src/kernels/kernels.js";
import { loadNativeKernels, nativeInfo, nativeLoadError } from "../../src/kernels/native/index.js";
import { referenceKernels as ref } from "../../src/kernels/reference/index.js";
import type { Case } from "./parity.js";
import { bf16PackCases, checked, clone, compare, f32, i32, ids, rand } from "./parity.js";

const native = loadNativeKernels();

// ---- the table -------------------------------------------------------------------------------------

const cases: Case[] = [];

// matmul: every transA/transB/accumulate combination, f32 and bf16
const mmShapes: [number, number, number][] = [[1, 1, 1], [7, 13, 5], [17, 31, 29], [33, 65, 47], [164, 512, 192]];
for (const [M, K, N] of mmShapes) {
  for (const precision of ["f32", "bf16"] as const) {
    for (let combo = 0; combo < 8; combo++) {
      const d: MatmulDims = { M, K, N, transA: (combo & 1) !== 0, transB: (combo & 2) !== 0, accumulate: (combo & 4) !== 0, precision };
      cases.push({
        name: `matmul M=${M} K=${K} N=${N} ${precision} transA=${d.transA} transB=${d.transB} accumulate=${d.accumulate}`,
        make: (rng) => ({ out: rand(rng, M * N, 3), a: rand(rng, M * K), b: rand(rng, K * N) }),
        run: (k, b) => k.matmul(f32(b, "out"), f32(b, "a"), f32(b, "b"), d),
        check: { out: 1e-5 },
      });
    }
  }
}

// bf16 operands already rounded (aRounded / bRounded: used in place): the same products as rounding them
for (const [M, K, N] of mmShapes) {
  for (const [aRounded, bRounded] of [[true, false], [false, true], [true, true]] as const) {
    const d: MatmulDims = { M, K, N, transB: true, accumulate: true, precision: "bf16", aRounded, bRounded };
    cases.push({
      name: `matmul M=${M} K=${K} N=${N} bf16 transB=true accumulate=true aRounded=${aRounded} bRounded=${bRounded}`,
      make: (rng) => {
        const a = rand(rng, M * K), b = rand(rng, K * N);
        if (aRounded) ref.roundBf16(a, a, a.length);
        if (bRounded) ref.roundBf16(b, b, b.length);
        return { out: rand(rng, M * N, 3), a, b };
      },
      run: (k, b) => k.matmul(f32(b, "out"), f32(b, "a"), f32(b, "b"), d),
      check: { out: 1e-5 },
    });
  }
}

for (const [rows, D] of [[1, 1], [3, 7], [97, 33], [164, 512]] as const) {
  const eps = 1e-5;
  cases.push({
    name: `rmsNormForward rows=${rows} D=${D}`,
    make: (rng) => ({ out: new Float32Array(rows * D), rstd: new Float32Array(rows), x: rand(rng, rows * D, 2) }),
    run: (k, b) => k.rmsNormForward(f32(b, "out"), f32(b, "rstd"), f32(b, "x"), { rows, D, eps }),
    check: { out: 1e-5, rstd: 1e-5 },
  });
  cases.push({
    name: `rmsNormBackward rows=${rows} D=${D}`,
    make: (rng) => {
      const x = rand(rng, rows * D, 2), y = new Float32Array(rows * D), rstd = new Float32Array(rows);
      ref.rmsNormForward(y, rstd, x, { rows, D, eps });
      return { dX: new Float32Array(rows * D), dOut: rand(rng, rows * D), y, rstd };
    },
    run: (k, b) => k.rmsNormBackward(f32(b, "dX"), f32(b, "dOut"), f32(b, "y"), f32(b, "rstd"), { rows, D }),
    check: { dX: 1e-5 },
  });
}

function ropeTables(rng: Rng, T: number, HD: number): { cos: Float32Array; sin: Float32Array } {
  const cos = new Float32Array(T * HD), sin = new Float32Array(T * HD);
  for (let i = 0; i < T * HD; i++) {
    const a = rng.uniform() * 2 * Math.PI;
    cos[i] = Math.cos(a);
    sin[i] = Math.sin(a);
  }
  return { cos, sin };
}
for (const [B, T, NH, HD] of [[1, 1, 1, 2], [2, 5, 3, 6], [3, 7, 2, 10], [2, 82, 8, 64]] as const) {
  const n = B * T * 3 * NH * HD, dims = { B, T, NH, HD };
  cases.push({
    name: `ropeForward B=${B} T=${T} NH=${NH} HD=${HD}`,
    make: (rng) => ({ out: new Float32Array(n), qkv: rand(rng, n), ...ropeTables(rng, T, HD) }),
    run: (k, b) => k.ropeForward(f32(b, "out"), f32(b, "qkv"), f32(b, "cos"), f32(b, "sin"), dims),
    check: { out: "exact" },
  });
  cases.push({
    name: `ropeBackward B=${B} T=${T} NH=${NH} HD=${HD}`,
    make: (rng) => ({ dQkv: new Float32Array(n), dOut: rand(rng, n), ...ropeTables(rng, T, HD) }),
    run: (k, b) => k.ropeBackward(f32(b, "dQkv"), f32(b, "dOut"), f32(b, "cos"), f32(b, "sin"), dims),
    check: { dQkv: "exact" },
  });
  const d = { ...dims, scale: 1 / Math.sqrt(HD) };
  const nOut = B * T * NH * HD, nP = B * NH * T * T;
  cases.push({
    name: `attentionForward B=${B} T=${T} NH=${NH} HD=${HD}`,
    make: (rng) => ({ out: new Float32Array(nOut), probs: new Float32Array(nP), qkv: rand(rng, n, 2) }),
    run: (k, b) => k.attentionForward(f32(b, "out"), f32(b, "probs"), f32(b, "qkv"), d),
    check: { out: 1e-5, probs: 1e-5 },
  });
  cases.push({
    name: `attentionBackward B=${B} T=${T} NH=${NH} HD=${HD}`,
    make: (rng) => {
      const qkv = rand(rng, n, 2), probs = new Float32Array(nP);
      ref.attentionForward(new Float32Array(nOut), probs, qkv, d);
      return { dQkv: rand(rng, n), dOut: rand(rng, nOut), qkv, probs }; // dQkv starts as garbage: it is written
    },
    run: (k, b) => k.attentionBackward(f32(b, "dQkv"), f32(b, "dOut"), f32(b, "qkv"), f32(b, "probs"), d),
    check: { dQkv: 1e-5 },
  });
}

for (const [rows, I] of [[1, 1], [5, 13], [3, 37], [164, 1536]] as const) {
  cases.push({
    name: `swigluForward rows=${rows} I=${I}`,
    make: (rng) => ({ out: new Float32Array(rows * I), gateUp: rand(rng, rows * 2 * I, 6) }),
    run: (k, b) => k.swigluForward(f32(b, "out"), f32(b, "gateUp"), { rows, I }),
    check: { out: 1e-5 },
  });
  cases.push({
    name: `swigluBackward rows=${rows} I=${I}`,
    make: (rng) => ({ dGateUp: new Float32Array(rows * 2 * I), dOut: rand(rng, rows * I), gateUp: rand(rng, rows * 2 * I, 6) }),
    run: (k, b) => k.swigluBackward(f32(b, "dGateUp"), f32(b, "dOut"), f32(b, "gateUp"), { rows, I }),
    check: { dGateUp: 1e-5 },
  });
}

for (const [rows, D] of [[1, 1], [3, 82], [7, 1001], [82, 82]] as const) {
  cases.push({
    name: `softmaxForward rows=${rows} D=${D}`,
    make: (rng) => ({ out: new Float32Array(rows * D), x: rand(rng, rows * D, 20) }),
    run: (k, b) => k.softmaxForward(f32(b, "out"), f32(b, "x"), { rows, D }),
    check: { out: 1e-5 },
  });
}

for (const [n, D, V] of [[1, 1, 1], [17, 13, 5], [9, 100, 3], [164, 512, 11]] as const) {
  cases.push({
    name: `embeddingForward n=${n} D=${D} V=${V}`,
    make: (rng) => ({ out: new Float32Array(n * D), table: rand(rng, V * D), ids: ids(rng, n, V) }),
    run: (k, b) => k.embeddingForward(f32(b, "out"), f32(b, "table"), i32(b, "ids"), { n, D, V }),
    check: { out: "exact" },
  });
  cases.push({
    name: `embeddingBackward n=${n} D=${D} V=${V} (repeated ids accumulate)`,
    make: (rng) => ({ dTable: rand(rng, V * D), dOut: rand(rng, n * D), ids: ids(rng, n, V) }),
    run: (k, b) => k.embeddingBackward(f32(b, "dTable"), f32(b, "dOut"), i32(b, "ids"), { n, D, V }),
    check: { dTable: "exact" },
  });
}

cases.push(...bf16PackCases(65536)); // unpack: every bit pattern
for (const n of [1, 7, 1001, 100003]) {
  cases.push(...bf16PackCases(n));
  cases.push({
    name: `add n=${n} (out aliases a)`,
    make: (rng) => ({ a: rand(rng, n), b: rand(rng, n) }),
    run: (k, b) => k.add(f32(b, "a"), f32(b, "a"), f32(b, "b"), n),
    check: { a: "exact" },
  });
  cases.push({
    name: `scale n=${n}`,
    make: (rng) => ({ out: new Float32Array(n), a: rand(rng, n) }),
    run: (k, b) => k.scale(f32(b, "out"), f32(b, "a"), 0.1, n),
    check: { out: "exact" },
  });
  cases.push({
    name: `roundBf16 n=${n} (out aliases a)`,
    make: (rng) => {
      const a = rand(rng, n, 3);
      if (n > 4) { a[0] = NaN; a[1] = Infinity; a[2] = 1 + 2 ** -8; a[3] = 1 + 3 * 2 ** -8; } // NaN, inf, ties to even
      return { a };
    },
    run: (k, b) => k.roundBf16(f32(b, "a"), f32(b, "a"), n),
    check: { a: "exact" },
  });
  cases.push({
    name: `axpy n=${n}`,
    make: (rng) => ({ dst: rand(rng, n), src: rand(rng, n) }),
    run: (k, b) => k.axpy(f32(b, "dst"), f32(b, "src"), -1 / 3, n),
    check: { dst: "exact" },
  });
  for (const [step, lr, wd] of [[1, 1e-4, 0.1], [7, 3e-3, 1.0]] as const) {
    cases.push({
      name: `adamAtan2Update n=${n} step=${step} lr=${lr} weightDecay=${wd}`,
      make: (rng) => {
        const grad = rand(rng, n, 0.01);
        if (n > 3) { grad[0] = 0; grad[1] = 1e-30; grad[2] = -5; } // zero, tiny, large
        const expAvgSq = rand(rng, n, 1e-4).map(Math.abs);
        if (n > 3) expAvgSq[0] = 0; // atan2(m, 0)
        return { param: rand(rng, n), grad, expAvg: rand(rng, n, 1e-3), expAvgSq };
      },
      run: (k, b) => k.adamAtan2Update(f32(b, "param"), f32(b, "grad"), f32(b, "expAvg"), f32(b, "expAvgSq"),
        { n, lr, beta1: 0.9, beta2: 0.95, weightDecay: wd, step }),
      check: { param: "ulp1", expAvg: "exact", expAvgSq: "exact" },
    });
  }
}

// ---- running it --------------------------------------------------------------------------------------

function runCase(k: Kernels, c: Case, seed: number): void {
  const inputs = c.make(new Rng(seed));
  const want = clone(inputs), got = clone(inputs);
  c.run(ref, want);
  c.run(k, got);
  for (const [buf, tol] of Object.entries(c.check)) compare(`${c.name}: ${buf}`, checked(got, buf), checked(want, buf), tol, "native");
}
function nameOf(c: Case): keyof Kernels {
  return c.name.split(" ")[0] as keyof Kernels;
}

if (native === null) {
  const reason = nativeLoadError() ?? "unknown";
  if (process.env["HRM_REQUIRE_NATIVE"] === "1") {
    test("native backend loads (HRM_REQUIRE_NATIVE=1)", () => {
      assert.fail(`the native backend did not load: ${reason}. Build it: apt install libdnnl-dev && npm rebuild`);
    });
  } else {
    test(`native kernels vs reference (skipped: ${reason})`, { skip: reason }, () => {});
  }
} else {
  const k = native;
  test("native backend reports itself", () => {
    const info = nativeInfo();
    assert.ok(info !== null);
    assert.ok(info.threads >= 1, `threads ${info.threads}`);
    assert.match(info.onednn, /^\d+\.\d+/);
    assert.equal(k.name, "native");
  });

  test("every kernel of the interface has a native parity case", () => {
    const covered = new Set(cases.map(nameOf));
    assert.deepEqual(kernelNames.filter((n) => !covered.has(n)), []);
  });

  let seed = 1;
  for (const c of cases) {
    const s = seed++;
    test(`native ${c.name}`, () => runCase(k, c, s));
  }

  test("native kernels give the reference's results with 1 thread too", () => {
    const one = loadNativeKernels({ threads: 1 });
    assert.ok(one !== null);
    try {
      // the HRM-sized cases (rows 164 = 2 sequences of 82 tokens, T=82), which take the parallel paths
      for (const c of cases.filter((c) => /\b(164|T=82)\b/.test(c.name))) runCase(one, c, 1000);
      assert.equal(nativeInfo()?.threads, 1);
    } finally {
      loadNativeKernels(); // back to all cores
    }
  });

  test("native kernels refuse Float64Array with a clear TypeError", () => {
    assert.throws(
      () => k.matmul(new Float64Array(4), new Float64Array(4), new Float64Array(4), { M: 2, K: 2, N: 2 }),
      (e: unknown) => e instanceof TypeError && /matmul: out must be a Float32Array, got Float64Array.*reference/.test(e.message),
    );
    assert.throws(() => k.scale(new Float32Array(3), new Float64Array(3), 2, 3), /scale: a must be a Float32Array, got Float64Array/);
  });

  test("native kernels name the kernel, the buffer and the expected size on a size mismatch", () => {
    assert.throws(
      () => k.matmul(new Float32Array(6), new Float32Array(5), new Float32Array(6), { M: 2, K: 3, N: 2, transA: true }),
      (e: unknown) => e instanceof RangeError && e.message === "hrm native matmul: a has 5 elements, expected at least K*M = 3*2 = 6",
    );
    assert.throws(
      () => k.attentionForward(new Float32Array(8), new Float32Array(3), new Float32Array(24), { B: 1, T: 2, NH: 1, HD: 4, scale: 0.5 }),
      /attentionForward: probs has 3 elements, expected at least B\*NH\*T\*T = 1\*1\*2\*2 = 4/,
    );
    assert.throws(
      () => k.embeddingForward(new Float32Array(4), new Float32Array(4), new Int32Array([0, 2]), { n: 2, D: 2, V: 2 }),
      /embeddingForward: ids\[1\] = 2 is outside \[0, V = 2\)/,
    );
    assert.throws(() => k.ropeForward(new Float32Array(9), new Float32Array(9), new Float32Array(3), new Float32Array(3),
      { B: 1, T: 1, NH: 1, HD: 3 }), /ropeForward: HD must be even/);
  });
}

// ---- selection and fallback (in a child process: the fallback line is said once per process) ---------

test('selectKernels("auto") falls back to the reference with one line when the addon is missing', () => {
  const selectUrl = new URL("../../src/kernels/select.js", import.meta.url).href;
  const script = `
    import { selectKernels } from ${JSON.stringify(selectUrl)};
    const missing = "/nonexistent/hrm_native.node";
    const noWasm = "/nonexistent/wasm"; // the wasm fallback is tested in wasm.test.ts
    const a = selectKernels("auto", { addonPath: missing, wasmDir: noWasm });
    const b = selectKernels("auto", { addonPath: missing, wasmDir: noWasm });
    let threw = "";
    try { selectKernels("native", { addonPath: missing }); } catch (e) { threw = e.message; }
    console.log(JSON.stringify({ a: a.name, b: b.name, ref: selectKernels("reference").name, threw }));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", cwd: fileURLToPath(new URL(".", import.meta.url)) });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { a: string; b: string; ref: string; threw: string };
  assert.deepEqual({ a: out.a, b: out.b, ref: out.ref }, { a: "reference", b: "reference", ref: "reference" });
  assert.match(out.threw, /native kernels unavailable \(addon not built: \/nonexistent\/hrm_native.node is missing\)/);
  const lines = r.stderr.trim().split("\n");
  assert.deepEqual(lines, [
    "hrm: native kernels unavailable (addon not built: /nonexistent/hrm_native.node is missing) and wasm kernels unavailable" +
    " (wasm kernels not built: /nonexistent/wasm/hrm-kernels.wasm is missing (npm run build:wasm)); using reference kernels." +
    " For the fast path: apt install libdnnl-dev && npm rebuild",
  ]);
});

test('selectKernels("auto") picks the native backend when it is built', { skip: native === null ? "addon not built" : false }, () => {
  const selectUrl = new URL("../../src/kernels/select.js", import.meta.url).href;
  const script = `import { selectKernels } from ${JSON.stringify(selectUrl)}; console.log(selectKernels("auto").name);`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), "native");
  assert.equal(r.stderr, "");
});
