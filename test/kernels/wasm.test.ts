// The WASM backend's own checks (its kernel-by-kernel parity runs in backends.test.ts with every other
// backend): the golden checker on hrm-tiny-a with the WASM kernels, the relaxed-SIMD build (in a child process
// with --experimental-wasm-relaxed-simd), the arena, the browser path, the errors and selection.
// If the build is missing (npm run build:wasm) the parity tests fail: the build is part of `npm ci`.
import { KernelError } from "../../src/engine/errors.js";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { kernelNames } from "../../src/engine/kernels.js";
import { instantiateWasmKernels, loadWasmKernels, wasmBuildDir, wasmFiles, wasmLoadError } from "../../src/kernels/wasm/index.js";
import { checkReference } from "../../src/parity/replay.js";

const wasm = loadWasmKernels({ variant: "simd" });

// ---- running it --------------------------------------------------------------------------------------

test("the WASM build loads (simd)", () => {
  assert.ok(wasm !== null, `wasm kernels did not load: ${wasmLoadError() ?? "?"}. Build them: npm run build:wasm`);
  assert.equal(wasm.name, "wasm");
  assert.equal(wasm.variant, "simd");
});

if (wasm !== null) {
  const k = wasm;

  test("every kernel of the interface is implemented in WASM", () => {
    for (const n of kernelNames) assert.equal(typeof k[n], "function", n);
  });

  test("hrm-tiny-a: all golden tensors match with the WASM kernels", () => {
    const report = checkReference("../shared/reference/hrm-tiny-a", { kernels: k });
    const failures = report.results.filter((r) => !r.pass).map((r) => `${r.name}: ${r.detail}`);
    assert.deepEqual(failures, []);
    assert.ok(report.passed >= 530, `expected every one of the ~532 golden tensors to be compared, got ${report.passed}`);
  });

  test("wasm kernels refuse Float64Array with a clear TypeError", () => {
    assert.throws(
      () => k.matmul(new Float64Array(4), new Float64Array(4), new Float64Array(4), { M: 2, K: 2, N: 2 }),
      (e: unknown) => e instanceof KernelError && e.kind === "type" && e.op === "matmul" && /hrm wasm matmul: out must be a Float32Array, got Float64Array.*reference/.test(e.message),
    );
    assert.throws(() => k.scale(new Float32Array(3), new Float64Array(3), 2, 3), /hrm wasm scale: a must be a Float32Array, got Float64Array/);
  });

  test("wasm kernels name the kernel, the buffer and the expected size on a size mismatch", () => {
    assert.throws(
      () => k.matmul(new Float32Array(6), new Float32Array(5), new Float32Array(6), { M: 2, K: 3, N: 2, transA: true }),
      (e: unknown) => e instanceof KernelError && e.kind === "range" && e.op === "matmul" && e.message === "hrm wasm matmul: a has 5 elements, expected at least K*M = 3*2 = 6",
    );
    assert.throws(
      () => k.attentionForward(new Float32Array(8), new Float32Array(3), new Float32Array(24), { B: 1, T: 2, NH: 1, HD: 4, scale: 0.5 }),
      /attentionForward: stats has 3 elements, expected at least B\*NH\*T\*2 = 1\*1\*2\*2 = 4/,
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
    const d = { B: 2, T: 82, NH: 2, HD: 64, scale: 0.125 }, n = 2 * 82 * 3 * 128, nO = 2 * 82 * 128, nS = 2 * 2 * 82 * 2;
    const qkv = rnd(n, 4), g = rnd(nO, 5);
    const o1 = new Float32Array(nO), p1 = new Float32Array(nS), o2 = o1.slice(), p2 = p1.slice(), d1 = new Float32Array(n), d2 = d1.slice();
    ref.attentionForward(o1, p1, qkv, d); k.attentionForward(o2, p2, qkv, d);
    ref.attentionBackward(d1, g, qkv, p1, d); k.attentionBackward(d2, g, qkv, p2, d); // each from its own stats
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
