// Parity of the WASM backend with the reference, kernel by kernel, on seeded random inputs: shapes of 1,
// primes, sizes that miss the 5×8 register tile and cross the KC/MC/NC blocks, and HRM-like sizes;
// forward and backward. Then the golden checker on hrm-tiny-a with the WASM kernels, the relaxed-SIMD
// build (in a child process with --experimental-wasm-relaxed-simd) and the errors.
//
// Criterion (per output buffer): max_i |wasm_i − ref_i| ≤ tol · max_i |ref_i|, with
//   tol = 1e-5 for f32 kernels that sum in another order or use the polynomial exp (matmul, RMSNorm,
//         softmax, attention, SwiGLU);
//   tol = 1e-5 for bf16 matmul too: both backends round A and B to bf16 identically (ties to even), a
//         bf16·bf16 product is exact in f32 (and in the relaxed build's FMA), so only the order of the f32
//         accumulation differs;
//   exact (bitwise) for RoPE, embedding, add/scale/axpy and AdamATan2's moments, which compute exactly what
//         the reference computes; AdamATan2's parameters within 1 ulp (atan2 from another libm, rounded to
//         float32 once).
// If the build is missing (npm run build:wasm) the parity tests fail: the build is part of `npm ci`.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Rng } from "../../src/engine/rng.js";
import type { Kernels, MatmulDims } from "../../src/kernels/kernels.js";
import { kernelNames } from "../../src/kernels/kernels.js";
import { referenceKernels as ref } from "../../src/kernels/reference/index.js";
import { instantiateWasmKernels, loadWasmKernels, wasmBuildDir, wasmFiles, wasmLoadError } from "../../src/kernels/wasm/index.js";
import { checkReference } from "../../src/parity/replay.js";
import type { Case } from "./parity.js";
import { bf16PackCases, checked, clone, compare, f32, i32, ids, rand } from "./parity.js";

const wasm = loadWasmKernels({ variant: "simd" });

// ---- the table -------------------------------------------------------------------------------------

const cases: Case[] = [];

// matmul: every transA/transB/accumulate combination, f32 and bf16. [125, 263, 1030] crosses every block
// (MC = 120, KC = 256, NC = 512) and misses the 5×8 tile in both M and N.
const mmShapes: [number, number, number][] = [[1, 1, 1], [7, 13, 5], [17, 31, 29], [33, 65, 47], [164, 512, 192], [125, 263, 1030]];
for (const [M, K, N] of mmShapes) {
  for (const precision of ["f32", "bf16"] as const) {
    for (let combo = 0; combo < 8; combo++) {
      if (M === 125 && precision === "bf16" && combo !== 7) continue; // keep the big shape's reference time down
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
cases.push({
  name: "matmul K=0 writes zeros (accumulate: leaves out as it is)",
  make: (rng) => ({ out: rand(rng, 6), out2: rand(rng, 6), a: new Float32Array(0), b: new Float32Array(0) }),
  run: (k, b) => {
    k.matmul(f32(b, "out"), f32(b, "a"), f32(b, "b"), { M: 2, K: 0, N: 3 });
    k.matmul(f32(b, "out2"), f32(b, "a"), f32(b, "b"), { M: 2, K: 0, N: 3, accumulate: true });
  },
  check: { out: "exact", out2: "exact" },
});
cases.push({
  name: "matmul on pool buffers longer than needed (the tail is not touched)",
  make: (rng) => ({ out: rand(rng, 7 * 5 + 11), a: rand(rng, 7 * 13 + 3), b: rand(rng, 13 * 5 + 9) }),
  run: (k, b) => k.matmul(f32(b, "out"), f32(b, "a"), f32(b, "b"), { M: 7, K: 13, N: 5, accumulate: true }),
  check: { out: 1e-5 },
});

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
cases.push({
  name: "swigluForward/Backward at |gate| up to 120 (exp clamps)",
  make: (rng) => ({ out: new Float32Array(3 * 11), dGateUp: new Float32Array(3 * 22), dOut: rand(rng, 3 * 11), gateUp: rand(rng, 3 * 22, 120) }),
  run: (k, b) => {
    k.swigluForward(f32(b, "out"), f32(b, "gateUp"), { rows: 3, I: 11 });
    k.swigluBackward(f32(b, "dGateUp"), f32(b, "dOut"), f32(b, "gateUp"), { rows: 3, I: 11 });
  },
  check: { out: 1e-5, dGateUp: 1e-5 },
});

for (const [rows, D, scale] of [[1, 1, 20], [3, 82, 20], [7, 1001, 20], [82, 82, 20], [5, 9, 200]] as const) {
  cases.push({
    name: `softmaxForward rows=${rows} D=${D} |x| ≤ ${scale}`,
    make: (rng) => ({ out: new Float32Array(rows * D), x: rand(rng, rows * D, scale) }),
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

// 2^20 + 5 crosses the 1 Mi-element chunk of the elementwise kernels
for (const n of [1, 7, 1001, (1 << 20) + 5]) {
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
    name: `axpy n=${n}`,
    make: (rng) => ({ dst: rand(rng, n), src: rand(rng, n) }),
    run: (k, b) => k.axpy(f32(b, "dst"), f32(b, "src"), -1 / 3, n),
    check: { dst: "exact" },
  });
  cases.push({
    name: `roundBf16 n=${n} (ties, NaN, ±Inf, overflow, denormals)`,
    make: (rng) => {
      const a = rand(rng, n, 1000);
      const special = [0.5, 1 + 2 ** -8, 1 + 3 * 2 ** -8, -(1 + 2 ** -8), NaN, Infinity, -Infinity, 3.4e38, 1e-40, -0];
      for (let i = 0; i < Math.min(n, special.length); i++) a[i] = special[i]!;
      return { out: new Float32Array(n), a };
    },
    run: (k, b) => k.roundBf16(f32(b, "out"), f32(b, "a"), n),
    check: { out: "exact" },
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
  for (const [buf, tol] of Object.entries(c.check)) compare(`${c.name}: ${buf}`, checked(got, buf), checked(want, buf), tol, "wasm");
}

test("the WASM build loads (simd)", () => {
  assert.ok(wasm !== null, `wasm kernels did not load: ${wasmLoadError() ?? "?"}. Build them: npm run build:wasm`);
  assert.equal(wasm.name, "wasm");
  assert.equal(wasm.variant, "simd");
});

if (wasm !== null) {
  const k = wasm;

  test("every kernel of the interface is implemented in WASM and has a parity case", () => {
    for (const n of kernelNames) assert.equal(typeof k[n], "function", n);
    const covered = new Set(cases.map((c) => c.name.split(" ")[0]!.split("/")[0]!));
    assert.deepEqual(kernelNames.filter((n) => !covered.has(n)), []);
  });

  let seed = 1;
  for (const c of cases) {
    const s = seed++;
    test(`wasm ${c.name}`, () => runCase(k, c, s));
  }

  test("hrm-tiny-a: all golden tensors match with the WASM kernels", () => {
    const report = checkReference("../shared/reference/hrm-tiny-a", { kernels: k });
    const failures = report.results.filter((r) => !r.pass).map((r) => `${r.name}: ${r.detail}`);
    assert.deepEqual(failures, []);
    assert.ok(report.passed >= 530, `expected every one of the ~532 golden tensors to be compared, got ${report.passed}`);
  });

  test("wasm kernels refuse Float64Array with a clear TypeError", () => {
    assert.throws(
      () => k.matmul(new Float64Array(4), new Float64Array(4), new Float64Array(4), { M: 2, K: 2, N: 2 }),
      (e: unknown) => e instanceof TypeError && /hrm wasm matmul: out must be a Float32Array, got Float64Array.*reference/.test(e.message),
    );
    assert.throws(() => k.scale(new Float32Array(3), new Float64Array(3), 2, 3), /hrm wasm scale: a must be a Float32Array, got Float64Array/);
  });

  test("wasm kernels name the kernel, the buffer and the expected size on a size mismatch", () => {
    assert.throws(
      () => k.matmul(new Float32Array(6), new Float32Array(5), new Float32Array(6), { M: 2, K: 3, N: 2, transA: true }),
      (e: unknown) => e instanceof RangeError && e.message === "hrm wasm matmul: a has 5 elements, expected at least K*M = 3*2 = 6",
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

  test("the arena grows with the largest call and is reused", () => {
    const before = k.memoryBytes();
    const M = 8 << 20; // out and a of 32 MiB each: more than any earlier case needed at once
    const a = new Float32Array(M).fill(1.5), b = new Float32Array([2]), out = new Float32Array(M);
    k.matmul(out, a, b, { M, K: 1, N: 1 });
    const grown = k.memoryBytes();
    assert.ok(grown > before && grown >= 64 << 20, `memory ${before} -> ${grown}`);
    assert.ok(out[0] === 3 && out[M - 1] === 3);
    k.matmul(out, a, b, { M, K: 1, N: 1, accumulate: true });
    assert.equal(k.memoryBytes(), grown);
    assert.ok(out[M - 1] === 6);
  });
}

test("loadWasmKernels: a missing build gives null and the reason", () => {
  assert.equal(loadWasmKernels({ wasmDir: "/nonexistent/wasm" }), null);
  assert.match(wasmLoadError() ?? "", /wasm kernels not built: \/nonexistent\/wasm\/hrm-kernels.wasm is missing \(npm run build:wasm\)/);
});

test("the relaxed-SIMD build passes the matmul and attention cases (child process with the V8 flag)", { skip: wasm === null ? "no build" : false }, () => {
  const url = (p: string): string => new URL(p, import.meta.url).href;
  // a few cases with real FMA contraction: the criterion is the same 1e-5 of max|ref|
  const script = `
    import { loadWasmKernels } from ${JSON.stringify(url("../../src/kernels/wasm/index.js"))};
    import { referenceKernels as ref } from ${JSON.stringify(url("../../src/kernels/reference/index.js"))};
    import { relError } from ${JSON.stringify(url("./parity.js"))};
    const k = loadWasmKernels({ variant: "relaxed" });
    const rnd = (n, s) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + s) * 2);
    const errs = [];
    for (const [M, K, N] of [[1, 1, 1], [17, 31, 29], [125, 263, 131]]) for (let c = 0; c < 8; c++) for (const precision of ["f32", "bf16"]) {
      const d = { M, K, N, transA: (c & 1) !== 0, transB: (c & 2) !== 0, accumulate: (c & 4) !== 0, precision };
      const a = rnd(M * K, 1), b = rnd(K * N, 2), want = rnd(M * N, 3), got = want.slice();
      ref.matmul(want, a, b, d); k.matmul(got, a, b, d);
      errs.push(relError(got, want));
    }
    const d = { B: 2, T: 82, NH: 2, HD: 64, scale: 0.125 }, n = 2 * 82 * 3 * 128, nO = 2 * 82 * 128, nP = 2 * 2 * 82 * 82;
    const qkv = rnd(n, 4), g = rnd(nO, 5);
    const o1 = new Float32Array(nO), p1 = new Float32Array(nP), o2 = o1.slice(), p2 = p1.slice(), d1 = new Float32Array(n), d2 = d1.slice();
    ref.attentionForward(o1, p1, qkv, d); k.attentionForward(o2, p2, qkv, d);
    ref.attentionBackward(d1, g, qkv, p1, d); k.attentionBackward(d2, g, qkv, p1, d);
    errs.push(relError(o2, o1), relError(p2, p1), relError(d2, d1));
    console.log(JSON.stringify({ variant: k.variant, maxRel: Math.max(...errs) }));`;
  const r = spawnSync(process.execPath, ["--experimental-wasm-relaxed-simd", "--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { variant: string; maxRel: number };
  assert.equal(out.variant, "relaxed");
  assert.ok(out.maxRel <= 1e-5, `relaxed build: max relative error ${out.maxRel} > 1e-5`);
});

test("variant auto is relaxed exactly when the engine validates the relaxed build", { skip: wasm === null ? "no build" : false }, () => {
  const relaxedOk = WebAssembly.validate(readFileSync(join(wasmBuildDir(), wasmFiles.relaxed)));
  assert.equal(loadWasmKernels()?.variant, relaxedOk ? "relaxed" : "simd");
  if (!relaxedOk) assert.throws(() => loadWasmKernels({ variant: "relaxed" }), /does not accept relaxed SIMD.*--experimental-wasm-relaxed-simd/);
});

test("browser path: instantiateWasmKernels from bytes; core.js imports nothing from Node", { skip: wasm === null ? "no build" : false }, async () => {
  const dir = wasmBuildDir();
  const k = await instantiateWasmKernels({ simd: readFileSync(join(dir, wasmFiles.simd)), relaxed: readFileSync(join(dir, wasmFiles.relaxed)) });
  const out = new Float32Array(4);
  k.matmul(out, new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6, 7, 8]), { M: 2, K: 2, N: 2 });
  assert.deepEqual([...out], [19, 22, 43, 50]);
  const core = readFileSync(new URL("../../src/kernels/wasm/core.js", import.meta.url), "utf8");
  assert.deepEqual(core.match(/^import .*$/gm)?.filter((l) => !/^import type /.test(l) && /from "node:|from "fs"|require\(/.test(l)) ?? [], []);
});

// ---- selection (in a child process: the fallback line is said once per process) ---------------------

test('selectKernels: "auto" without the addon uses wasm, said once; "wasm" loads it or says why', { skip: wasm === null ? "no build" : false }, () => {
  const selectUrl = new URL("../../src/kernels/select.js", import.meta.url).href;
  const script = `
    import { selectKernels } from ${JSON.stringify(selectUrl)};
    const missing = "/nonexistent/hrm_native.node";
    const a = selectKernels("auto", { addonPath: missing });
    const b = selectKernels("auto", { addonPath: missing });
    let threw = "";
    try { selectKernels("wasm", { wasmDir: "/nonexistent/wasm" }); } catch (e) { threw = e.message; }
    console.log(JSON.stringify({ a: a.name, b: b.name, wasm: selectKernels("wasm").name, threw }));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { a: string; b: string; wasm: string; threw: string };
  assert.deepEqual({ a: out.a, b: out.b, wasm: out.wasm }, { a: "wasm", b: "wasm", wasm: "wasm" });
  assert.match(out.threw, /^hrm: wasm kernels unavailable \(wasm kernels not built: \/nonexistent\/wasm\/hrm-kernels.wasm is missing/);
  assert.deepEqual(r.stderr.trim().split("\n"), [
    "hrm: native kernels unavailable (addon not built: /nonexistent/hrm_native.node is missing); using wasm kernels (simd, 1 thread)." +
    " For the fast path: apt install libdnnl-dev && npm rebuild",
  ]);
});
