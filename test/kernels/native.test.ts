// The native backend's own checks: its report, thread setting, errors and selection (its kernel-by-kernel
// parity with the reference runs in backends.test.ts, with every other backend).
// If the addon is not built the tests skip with the reason, or fail when HRM_REQUIRE_NATIVE=1 (CI).
import { test } from "node:test";
import { KernelError } from "../../src/engine/errors.js";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { loadNativeKernels, nativeInfo, nativeLoadError } from "../../src/kernels/native/index.js";
import { runCase } from "./parity.js";
import { backendCases } from "./cases.js";

const native = loadNativeKernels();

// ---- running it --------------------------------------------------------------------------------------

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

  test("native kernels give the reference's results with 1 thread too", () => {
    const one = loadNativeKernels({ threads: 1 });
    assert.ok(one !== null);
    try {
      // the HRM-sized cases (rows 164 = 2 sequences of 82 tokens, T=82), which take the parallel paths
      for (const c of backendCases().filter((c) => /\b(164|T=82)\b/.test(c.name))) runCase(one, c, 1000);
      assert.equal(nativeInfo()?.threads, 1);
    } finally {
      loadNativeKernels(); // back to all cores
    }
  });

  test("attention runs on AVX-512 where the CPU has it, else AVX2; HRM_NATIVE_ISA=avx2 forces AVX2 (parity in a child)", () => {
    const isa = nativeInfo()?.attention;
    if (process.arch === "x64") assert.ok(isa === "avx512" || isa === "avx2", `attention ISA ${isa}`);
    const url = (p: string): string => new URL(p, import.meta.url).href;
    // on an AVX-512 machine this process checked the AVX-512 kernels (backends.test.ts); the child checks AVX2
    const script = `
      import { loadNativeKernels, nativeInfo } from ${JSON.stringify(url("../../src/kernels/native/index.js"))};
      import { backendCases } from ${JSON.stringify(url("./cases.js"))};
      import { runCase } from ${JSON.stringify(url("./parity.js"))};
      const k = loadNativeKernels();
      let n = 0;
      for (const c of backendCases().filter((c) => c.name.startsWith("attention"))) { runCase(k, c, 7); n++; }
      console.log(JSON.stringify({ isa: nativeInfo().attention, n }));`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", env: { ...process.env, HRM_NATIVE_ISA: "avx2" } });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { isa: string; n: number };
    if (process.arch === "x64") assert.equal(out.isa, "avx2");
    assert.ok(out.n >= 20, `${out.n} attention cases`);
  });

  test("native kernels refuse Float64Array with a clear TypeError", () => {
    assert.throws(
      () => k.matmul(new Float64Array(4), new Float64Array(4), new Float64Array(4), { M: 2, K: 2, N: 2 }),
      (e: unknown) => e instanceof KernelError && e.kind === "type" && e.op === "matmul" && /matmul: out must be a Float32Array, got Float64Array.*reference/.test(e.message),
    );
    assert.throws(() => k.scale(new Float32Array(3), new Float64Array(3), 2, 3), /scale: a must be a Float32Array, got Float64Array/);
  });

  test("native kernels name the kernel, the buffer and the expected size on a size mismatch", () => {
    assert.throws(
      () => k.matmul(new Float32Array(6), new Float32Array(5), new Float32Array(6), { M: 2, K: 3, N: 2, transA: true }),
      (e: unknown) => e instanceof KernelError && e.kind === "range" && e.op === "matmul" && e.message === "hrm native matmul: a has 5 elements, expected at least K*M = 3*2 = 6",
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
