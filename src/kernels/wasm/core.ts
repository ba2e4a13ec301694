// The WASM backend's host side, browser-safe (no Node imports): it takes a compiled module of the kernels in
// wasm/assembly/ (built to wasm/build/*.wasm) and wraps its exports as a Kernels object.
//
// Memory: the engine's buffers are Float32Arrays in JS memory, so each call copies its inputs into the
// module's linear memory (a bump arena reset per call, grown on demand and never shrunk), runs one export
// and copies its outputs back. The copies cost about 1-2 ms per 10 MB; that is ~5-10% of a matrix product at
// the paper's sizes (2 GFLOP over ~25 MB of operands) but dominates the memory-bound kernels (add, scale,
// axpy, AdamATan2, RMSNorm), which run 2-4x slower than they would in place. Elementwise kernels and
// AdamATan2 go in chunks of 1 Mi elements so the arena stays small. Keeping engine buffers inside the
// module's memory would remove the copies; that needs a pool that survives memory growth (views detach
// when memory grows) and is left for later.
//
// Float64Array buffers are refused with a TypeError (the reference runs the float64 gradient checks).
// Single-threaded: one instance, one thread.
// Legend: B batch, T tokens, NH heads, HD head dim, D hidden, I MLP width, V table rows.
import { KernelError } from "../../engine/errors.js";
import type {
  AdamAtan2Dims, AddRmsNormDims, AttentionDims, Buf, EmbeddingDims, Kernels, MatmulBatch, MatmulDims, NormDims, RmsNormDims, RopeDims, RowsDims, SwigluDims, TransposeDims,
} from "../../engine/kernels.js";
import { adamAtan2Scalars } from "../reference/adam-atan2.js";
import { packBf16, unpackBf16 } from "../reference/elementwise.js";
import * as refNorm from "../reference/rms-norm.js";
import { transpose } from "../reference/transpose.js";

/** "simd": WebAssembly SIMD (mul + add). "relaxed": relaxed SIMD as well (fused multiply-add in matmul). */
export type WasmVariant = "simd" | "relaxed";

/** The module's exports (wasm/assembly/index.ts): pointers are byte offsets, sizes element counts. */
export interface WasmKernelExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  matmulScratchBytes(): number;
  attentionScratchBytes(T: number): number;
  matmul(out: number, a: number, b: number, M: number, K: number, N: number, transA: number, transB: number,
    accumulate: number, bf16: number, scratch: number): void;
  softmaxForward(out: number, x: number, rows: number, D: number): void;
  rmsNormForward(out: number, rstd: number, x: number, rows: number, D: number, eps: number): void;
  rmsNormBackward(dX: number, dOut: number, y: number, rstd: number, rows: number, D: number): void;
  addRmsNormForward(out: number, rstd: number, a: number, b: number, rows: number, D: number, eps: number, roundSum: number): void;
  ropeForward(out: number, qkv: number, cos: number, sin: number, B: number, T: number, NH: number, HD: number): void;
  ropeBackward(dQkv: number, dOut: number, cos: number, sin: number, B: number, T: number, NH: number, HD: number): void;
  attentionForward(out: number, stats: number, qkv: number, B: number, T: number, NH: number, HD: number, scale: number,
    scratch: number): void;
  attentionBackward(dQkv: number, dOut: number, qkv: number, stats: number, B: number, T: number, NH: number, HD: number,
    scale: number, scratch: number): void;
  swigluForward(out: number, gateUp: number, rows: number, I: number): void;
  swigluBackward(dGateUp: number, dOut: number, gateUp: number, rows: number, I: number): void;
  embeddingForward(out: number, table: number, ids: number, n: number, D: number): void;
  embeddingBackward(dTable: number, dOut: number, ids: number, n: number, D: number): void;
  add(out: number, a: number, b: number, n: number): void;
  scale(out: number, a: number, alpha: number, n: number): void;
  axpy(dst: number, src: number, alpha: number, n: number): void;
  roundBf16(out: number, a: number, n: number): void;
  adamAtan2Update(param: number, grad: number, expAvg: number, expAvgSq: number, n: number, decay: number, w1: number,
    w2: number, stepSize: number, sqrtBc2: number): void;
}

/** The kernels plus what the backend reports about itself. */
export interface WasmKernels extends Kernels {
  readonly name: "wasm";
  readonly variant: WasmVariant;
  /** Current size of the module's linear memory (the arena's high-water mark plus static data). */
  memoryBytes(): number;
}

/** Elements per chunk of the elementwise kernels and AdamATan2 (4 MiB per buffer). */
const CHUNK = 1 << 20;
const PAGE = 65536;

/** Bump allocator over the module's linear memory, reset at the start of every kernel call. */
class Arena {
  private top = 0;
  constructor(private readonly memory: WebAssembly.Memory, private readonly base: number) {}

  reset(): void {
    this.top = align(this.base);
  }

  /** Reserve `bytes` (64-byte aligned), growing the memory when needed; returns the byte offset. */
  alloc(bytes: number, kernel: string): number {
    const p = this.top;
    this.top = align(p + bytes);
    const have = this.memory.buffer.byteLength;
    if (this.top > have) {
      const pages = Math.ceil((this.top - have) / PAGE);
      try {
        this.memory.grow(pages);
      } catch (e) {
        throw new KernelError(`hrm wasm ${kernel}: cannot grow the module's memory to ${(this.top / 2 ** 20).toFixed(0)} MiB ` +
          `(32-bit WebAssembly memory holds at most 4 GiB): ${e instanceof Error ? e.message : String(e)}. ` +
          "Use smaller batches, or the native or reference backend", kernel, "range");
      }
    }
    return p;
  }

  f32(ptr: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, n);
  }

  /** Copy the first n elements of src (from element `from`) into a fresh region. */
  in(src: Float32Array, n: number, kernel: string, from = 0): number {
    const p = this.alloc(n * 4, kernel);
    this.f32(p, n).set(from === 0 && src.length === n ? src : src.subarray(from, from + n));
    return p;
  }

  inIds(ids: Int32Array, n: number, kernel: string): number {
    const p = this.alloc(n * 4, kernel);
    new Int32Array(this.memory.buffer, p, n).set(ids.length === n ? ids : ids.subarray(0, n));
    return p;
  }

  /** Copy n elements from the region at p into dst (from element `at`). */
  out(dst: Float32Array, p: number, n: number, at = 0): void {
    dst.set(this.f32(p, n), at);
  }
}

function align(p: number): number {
  return Math.ceil(p / 64) * 64;
}

/** The buffer as a Float32Array of at least n elements, or a KernelError naming kernel and buffer. */
function f32(kernel: string, name: string, buf: Buf, n: number, expr: string): Float32Array {
  if (!(buf instanceof Float32Array)) {
    throw new KernelError(`hrm wasm ${kernel}: ${name} must be a Float32Array, got ${(buf as object).constructor.name}; ` +
      "the reference kernels handle Float64Array (gradient checks)", kernel, "type");
  }
  if (buf.length < n) throw new KernelError(`hrm wasm ${kernel}: ${name} has ${buf.length} elements, expected at least ${expr} = ${n}`, kernel, "range");
  return buf;
}

function u16(kernel: string, name: string, buf: Uint16Array, n: number): void {
  if (!(buf instanceof Uint16Array)) throw new KernelError(`hrm wasm ${kernel}: ${name} must be a Uint16Array, got ${(buf as object).constructor.name}`, kernel, "type");
  if (buf.length < n) throw new KernelError(`hrm wasm ${kernel}: ${name} has ${buf.length} elements, expected at least n = ${n}`, kernel, "range");
}

function checkIds(kernel: string, ids: Int32Array, n: number, V: number): void {
  if (ids.length < n) throw new KernelError(`hrm wasm ${kernel}: ids has ${ids.length} elements, expected at least n = ${n}`, kernel, "range");
  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    if (!(id >= 0 && id < V)) throw new KernelError(`hrm wasm ${kernel}: ids[${i}] = ${id} is outside [0, V = ${V})`, kernel, "range");
  }
}

function checkDims(kernel: string, dims: Readonly<Record<string, number>>): void {
  for (const [k, v] of Object.entries(dims)) {
    if (!Number.isInteger(v) || v < 0) throw new KernelError(`hrm wasm ${kernel}: ${k} must be a non-negative integer, got ${v}`, kernel, "range");
  }
}


/** Export names the host calls (everything in WasmKernelExports but the memory). */
const exportNames = [
  "heapBase", "matmulScratchBytes", "attentionScratchBytes", "matmul", "softmaxForward", "rmsNormForward", "rmsNormBackward", "addRmsNormForward",
  "ropeForward", "ropeBackward", "attentionForward", "attentionBackward", "swigluForward", "swigluBackward", "embeddingForward",
  "embeddingBackward", "add", "scale", "axpy", "roundBf16", "adamAtan2Update",
] as const satisfies readonly Exclude<keyof WasmKernelExports, "memory">[];

/** The instance's exports, checked: a stale build (older than this host code) fails here with a hint. */
function checkedExports(instance: WebAssembly.Instance): WasmKernelExports {
  const e = instance.exports;
  const missing: string[] = exportNames.filter((n) => typeof e[n] !== "function");
  if (!(e["memory"] instanceof WebAssembly.Memory)) missing.unshift("memory");
  if (missing.length > 0) {
    throw new KernelError(`hrm wasm: the module lacks exports ${missing.join(", ")} (a stale build? rebuild with npm run build:wasm)`, "load");
  }
  return e as unknown as WasmKernelExports;
}

/** Instantiate a compiled kernels module (synchronously: fine in Node and in a Worker) and wrap it. */
export function createWasmKernels(module: WebAssembly.Module, variant: WasmVariant): WasmKernels {
  return wrapExports(checkedExports(new WebAssembly.Instance(module, {})), variant);
}

/**
 * Compile and instantiate asynchronously (browser main thread): `relaxed` is used when given and the engine
 * validates it, else `simd`.
 */
export async function instantiateWasmKernels(bytes: { simd: BufferSource; relaxed?: BufferSource }): Promise<WasmKernels> {
  const variant = pickWasmVariant(bytes.relaxed);
  const module = await WebAssembly.compile(variant === "relaxed" ? bytes.relaxed! : bytes.simd);
  return createWasmKernels(module, variant);
}

/** "relaxed" when the engine accepts the relaxed-SIMD build (Chromium: yes; Node 20: behind a flag). */
export function pickWasmVariant(relaxed: BufferSource | undefined): WasmVariant {
  return relaxed !== undefined && WebAssembly.validate(relaxed) ? "relaxed" : "simd";
}

/**
 * A norm down a strided axis (NormDims.inner > 1) runs on the host (the reference loop) after the same
 * checks as every WASM kernel: the module's norms read contiguous rows. True when that is the case.
 */
function stridedNorm(kernel: string, d: NormDims, bufs: Readonly<Record<string, Buf>>, rstd: Buf): boolean {
  const inner = d.inner ?? 1;
  if (inner === 1) return false;
  const { rows, D } = d;
  checkDims(kernel, { rows, D, inner });
  for (const [name, buf] of Object.entries(bufs)) f32(kernel, name, buf, rows * D * inner, `rows*D*inner = ${rows}*${D}*${inner}`);
  f32(kernel, "rstd", rstd, rows * inner, `rows*inner = ${rows}*${inner}`);
  return true;
}

/** Wrap an instance's exports as Kernels (copy-in / copy-out through the arena). */
export function wrapExports(x: WasmKernelExports, variant: WasmVariant): WasmKernels {
  const arena = new Arena(x.memory, x.heapBase());
  const gemmScratch = x.matmulScratchBytes();

  /** Run an elementwise kernel chunk by chunk; `call(off, len)` does one chunk. */
  function chunked(n: number, call: (off: number, len: number) => void): void {
    for (let off = 0; off < n; off += CHUNK) {
      arena.reset();
      call(off, Math.min(CHUNK, n - off));
    }
  }

  /**
   * A batch of products (MatmulDims.batch): one module product per item on its strided operands, after
   * checking that every item lies inside its buffer; items summed into one out (strideOut 0) accumulate.
   */
  function batchedMatmul(out: Buf, a: Buf, b: Buf, d: MatmulDims, batch: MatmulBatch): void {
    const { M, K, N } = d, { count, strideA, strideB, strideOut } = batch;
    checkDims("matmul", { M, K, N, count, strideA, strideB, strideOut });
    if (count === 0) return;
    const need = (buf: Buf, name: string, stride: number, strideName: string, rows: number, cols: number, dims: string): Float32Array =>
      f32("matmul", name, buf, (count - 1) * stride + rows * cols, `(count-1)*${strideName} + ${dims} = ${count - 1}*${stride} + ${rows}*${cols}`);
    const o = need(out, "out", strideOut, "strideOut", M, N, "M*N");
    const A = need(a, "a", strideA, "strideA", M, K, "M*K");
    const Bm = need(b, "b", strideB, "strideB", K, N, "K*N");
    for (let p = 0; p < count; p++) {
      k.matmul(o.subarray(p * strideOut, p * strideOut + M * N), A.subarray(p * strideA, p * strideA + M * K),
        Bm.subarray(p * strideB, p * strideB + K * N), { ...d, accumulate: d.accumulate === true || (p > 0 && strideOut === 0) });
    }
  }

  const k: WasmKernels = {
    name: "wasm",
    variant,
    memoryBytes: () => x.memory.buffer.byteLength,

    matmul(out: Buf, a: Buf, b: Buf, d: MatmulDims): void {
      const { batch, ...one } = d;
      if (batch !== undefined) {
        batchedMatmul(out, a, b, one, batch);
        return;
      }
      const { M, K, N } = d;
      checkDims("matmul", { M, K, N });
      const o = f32("matmul", "out", out, M * N, `M*N = ${M}*${N}`);
      const A = f32("matmul", "a", a, M * K, d.transA ? `K*M = ${K}*${M}` : `M*K = ${M}*${K}`);
      const Bm = f32("matmul", "b", b, K * N, d.transB ? `N*K = ${N}*${K}` : `K*N = ${K}*${N}`);
      arena.reset();
      const pa = arena.in(A, M * K, "matmul"), pb = arena.in(Bm, K * N, "matmul");
      const po = d.accumulate ? arena.in(o, M * N, "matmul") : arena.alloc(M * N * 4, "matmul");
      const ps = arena.alloc(gemmScratch, "matmul");
      x.matmul(po, pa, pb, M, K, N, d.transA ? 1 : 0, d.transB ? 1 : 0, d.accumulate ? 1 : 0, d.precision === "bf16" ? 1 : 0, ps);
      arena.out(o, po, M * N);
    },

    rmsNormForward(out: Buf, rstd: Buf, xs: Buf, d: RmsNormDims): void {
      if (stridedNorm("rmsNormForward", d, { out, x: xs }, rstd)) {
        refNorm.rmsNormForward(out, rstd, xs, d);
        return;
      }
      const { rows, D, eps } = d, n = rows * D, e = `rows*D = ${rows}*${D}`;
      checkDims("rmsNormForward", { rows, D });
      const o = f32("rmsNormForward", "out", out, n, e), r = f32("rmsNormForward", "rstd", rstd, rows, "rows");
      const X = f32("rmsNormForward", "x", xs, n, e);
      arena.reset();
      const px = arena.in(X, n, "rmsNormForward"), po = arena.alloc(n * 4, "rmsNormForward"), pr = arena.alloc(rows * 4, "rmsNormForward");
      x.rmsNormForward(po, pr, px, rows, D, eps);
      arena.out(o, po, n);
      arena.out(r, pr, rows);
    },

    addRmsNormForward(out: Buf, rstd: Buf, a: Buf, b: Buf, d: AddRmsNormDims): void {
      if (stridedNorm("addRmsNormForward", d, { out, a, b }, rstd)) {
        refNorm.addRmsNormForward(out, rstd, a, b, d);
        return;
      }
      const { rows, D, eps } = d, n = rows * D, e = `rows*D = ${rows}*${D}`, kn = "addRmsNormForward";
      checkDims(kn, { rows, D });
      const o = f32(kn, "out", out, n, e), r = f32(kn, "rstd", rstd, rows, "rows");
      const A = f32(kn, "a", a, n, e), Bv = f32(kn, "b", b, n, e);
      arena.reset();
      const pa = arena.in(A, n, kn), pb = arena.in(Bv, n, kn), pr = arena.alloc(rows * 4, kn);
      x.addRmsNormForward(pa, pr, pa, pb, rows, D, eps, d.roundSum === true ? 1 : 0); // in place in the arena
      arena.out(o, pa, n);
      arena.out(r, pr, rows);
    },

    rmsNormBackward(dX: Buf, dOut: Buf, y: Buf, rstd: Buf, d: NormDims): void {
      if (stridedNorm("rmsNormBackward", d, { dX, dOut, y }, rstd)) {
        refNorm.rmsNormBackward(dX, dOut, y, rstd, d);
        return;
      }
      const { rows, D } = d, n = rows * D, e = `rows*D = ${rows}*${D}`, kn = "rmsNormBackward";
      checkDims(kn, { rows, D });
      const dx = f32(kn, "dX", dX, n, e), g = f32(kn, "dOut", dOut, n, e), Y = f32(kn, "y", y, n, e);
      const r = f32(kn, "rstd", rstd, rows, "rows");
      arena.reset();
      const pg = arena.in(g, n, kn), py = arena.in(Y, n, kn), pr = arena.in(r, rows, kn), pd = arena.alloc(n * 4, kn);
      x.rmsNormBackward(pd, pg, py, pr, rows, D);
      arena.out(dx, pd, n);
    },

    ropeForward(out: Buf, qkv: Buf, cos: Buf, sin: Buf, d: RopeDims): void {
      rope("ropeForward", out, qkv, cos, sin, d);
    },

    ropeBackward(dQkv: Buf, dOut: Buf, cos: Buf, sin: Buf, d: RopeDims): void {
      rope("ropeBackward", dQkv, dOut, cos, sin, d);
    },

    attentionForward(out: Buf, stats: Buf, qkv: Buf, d: AttentionDims): void {
      const { B, T, NH, HD, scale } = d, kn = "attentionForward";
      checkDims(kn, { B, T, NH, HD });
      const nQkv = B * T * 3 * NH * HD, nOut = B * T * NH * HD, nS = B * NH * T * 2;
      const o = f32(kn, "out", out, nOut, `B*T*NH*HD = ${B}*${T}*${NH}*${HD}`);
      const st = f32(kn, "stats", stats, nS, `B*NH*T*2 = ${B}*${NH}*${T}*2`);
      const q = f32(kn, "qkv", qkv, nQkv, `B*T*3*NH*HD = ${B}*${T}*3*${NH}*${HD}`);
      arena.reset();
      const pq = arena.in(q, nQkv, kn), po = arena.alloc(nOut * 4, kn), pst = arena.alloc(nS * 4, kn);
      const ps = arena.alloc(x.attentionScratchBytes(T), kn);
      x.attentionForward(po, pst, pq, B, T, NH, HD, scale, ps);
      arena.out(o, po, nOut);
      arena.out(st, pst, nS);
    },

    attentionBackward(dQkv: Buf, dOut: Buf, qkv: Buf, stats: Buf, d: AttentionDims): void {
      const { B, T, NH, HD, scale } = d, kn = "attentionBackward";
      checkDims(kn, { B, T, NH, HD });
      const nQkv = B * T * 3 * NH * HD, nOut = B * T * NH * HD, nS = B * NH * T * 2;
      const eQkv = `B*T*3*NH*HD = ${B}*${T}*3*${NH}*${HD}`;
      const dq = f32(kn, "dQkv", dQkv, nQkv, eQkv), g = f32(kn, "dOut", dOut, nOut, `B*T*NH*HD = ${B}*${T}*${NH}*${HD}`);
      const q = f32(kn, "qkv", qkv, nQkv, eQkv), st = f32(kn, "stats", stats, nS, `B*NH*T*2 = ${B}*${NH}*${T}*2`);
      arena.reset();
      const pg = arena.in(g, nOut, kn), pq = arena.in(q, nQkv, kn), pst = arena.in(st, nS, kn);
      const pd = arena.alloc(nQkv * 4, kn), ps = arena.alloc(x.attentionScratchBytes(T), kn);
      x.attentionBackward(pd, pg, pq, pst, B, T, NH, HD, scale, ps);
      arena.out(dq, pd, nQkv);
    },

    swigluForward(out: Buf, gateUp: Buf, d: SwigluDims): void {
      const { rows, I } = d, kn = "swigluForward";
      checkDims(kn, { rows, I });
      const o = f32(kn, "out", out, rows * I, `rows*I = ${rows}*${I}`), gu = f32(kn, "gateUp", gateUp, rows * 2 * I, `rows*2I = ${rows}*${2 * I}`);
      arena.reset();
      const pg = arena.in(gu, rows * 2 * I, kn), po = arena.alloc(rows * I * 4, kn);
      x.swigluForward(po, pg, rows, I);
      arena.out(o, po, rows * I);
    },

    swigluBackward(dGateUp: Buf, dOut: Buf, gateUp: Buf, d: SwigluDims): void {
      const { rows, I } = d, kn = "swigluBackward", n2 = rows * 2 * I, e2 = `rows*2I = ${rows}*${2 * I}`;
      checkDims(kn, { rows, I });
      const dg = f32(kn, "dGateUp", dGateUp, n2, e2), g = f32(kn, "dOut", dOut, rows * I, `rows*I = ${rows}*${I}`);
      const gu = f32(kn, "gateUp", gateUp, n2, e2);
      arena.reset();
      const pg = arena.in(g, rows * I, kn), pgu = arena.in(gu, n2, kn), pd = arena.alloc(n2 * 4, kn);
      x.swigluBackward(pd, pg, pgu, rows, I);
      arena.out(dg, pd, n2);
    },

    softmaxForward(out: Buf, xs: Buf, d: RowsDims): void {
      const { rows, D } = d, n = rows * D, e = `rows*D = ${rows}*${D}`;
      checkDims("softmaxForward", { rows, D });
      const o = f32("softmaxForward", "out", out, n, e), X = f32("softmaxForward", "x", xs, n, e);
      arena.reset();
      const px = arena.in(X, n, "softmaxForward");
      x.softmaxForward(px, px, rows, D); // in place in the arena
      arena.out(o, px, n);
    },

    embeddingForward(out: Buf, table: Buf, ids: Int32Array, d: EmbeddingDims): void {
      const { n, D, V } = d, kn = "embeddingForward";
      checkDims(kn, { n, D, V });
      const o = f32(kn, "out", out, n * D, `n*D = ${n}*${D}`), t = f32(kn, "table", table, V * D, `V*D = ${V}*${D}`);
      checkIds(kn, ids, n, V);
      arena.reset();
      const pt = arena.in(t, V * D, kn), pi = arena.inIds(ids, n, kn), po = arena.alloc(n * D * 4, kn);
      x.embeddingForward(po, pt, pi, n, D);
      arena.out(o, po, n * D);
    },

    embeddingBackward(dTable: Buf, dOut: Buf, ids: Int32Array, d: EmbeddingDims): void {
      const { n, D, V } = d, kn = "embeddingBackward";
      checkDims(kn, { n, D, V });
      const t = f32(kn, "dTable", dTable, V * D, `V*D = ${V}*${D}`), g = f32(kn, "dOut", dOut, n * D, `n*D = ${n}*${D}`);
      checkIds(kn, ids, n, V);
      arena.reset();
      const pt = arena.in(t, V * D, kn), pg = arena.in(g, n * D, kn), pi = arena.inIds(ids, n, kn);
      x.embeddingBackward(pt, pg, pi, n, D);
      arena.out(t, pt, V * D);
    },

    // a transpose moves values without arithmetic: as with bf16 packing, copying into the module and back
    // would cost more than the tiled host loop (the reference one), run after the same checks
    transpose(out: Buf, src: Buf, d: TransposeDims): void {
      const { B, X, Y } = d, kn = "transpose", n = B * X * Y;
      checkDims(kn, { B, X, Y });
      transpose(f32(kn, "out", out, n, `B*X*Y = ${B}*${X}*${Y}`), f32(kn, "x", src, n, `B*X*Y = ${B}*${X}*${Y}`), d);
    },

    add(out: Buf, a: Buf, b: Buf, n: number): void {
      checkDims("add", { n });
      const o = f32("add", "out", out, n, "n"), A = f32("add", "a", a, n, "n"), Bv = f32("add", "b", b, n, "n");
      chunked(n, (off, len) => {
        const pa = arena.in(A, len, "add", off), pb = arena.in(Bv, len, "add", off);
        x.add(pa, pa, pb, len);
        arena.out(o, pa, len, off);
      });
    },

    scale(out: Buf, a: Buf, alpha: number, n: number): void {
      checkDims("scale", { n });
      const o = f32("scale", "out", out, n, "n"), A = f32("scale", "a", a, n, "n");
      chunked(n, (off, len) => {
        const pa = arena.in(A, len, "scale", off);
        x.scale(pa, pa, alpha, len);
        arena.out(o, pa, len, off);
      });
    },

    axpy(dst: Buf, src: Buf, alpha: number, n: number): void {
      checkDims("axpy", { n });
      const dd = f32("axpy", "dst", dst, n, "n"), s = f32("axpy", "src", src, n, "n");
      chunked(n, (off, len) => {
        const pd = arena.in(dd, len, "axpy", off), ps = arena.in(s, len, "axpy", off);
        x.axpy(pd, ps, alpha, len);
        arena.out(dd, pd, len, off);
      });
    },

    roundBf16(out: Buf, a: Buf, n: number): void {
      checkDims("roundBf16", { n });
      const o = f32("roundBf16", "out", out, n, "n"), A = f32("roundBf16", "a", a, n, "n");
      chunked(n, (off, len) => {
        const pa = arena.in(A, len, "roundBf16", off);
        x.roundBf16(pa, pa, len);
        arena.out(o, pa, len, off);
      });
    },

    // bf16 packing moves bits without arithmetic: a copy into the module and back would cost more than the
    // loop, so it runs on the host (the reference loop) after the same checks as every WASM kernel.
    packBf16(dst: Uint16Array, src: Buf, n: number): void {
      checkDims("packBf16", { n });
      u16("packBf16", "dst", dst, n);
      packBf16(dst, f32("packBf16", "src", src, n, "n"), n);
    },

    unpackBf16(dst: Buf, src: Uint16Array, n: number): void {
      checkDims("unpackBf16", { n });
      u16("unpackBf16", "src", src, n);
      unpackBf16(f32("unpackBf16", "dst", dst, n, "n"), src, n);
    },

    adamAtan2Update(param: Buf, grad: Buf, expAvg: Buf, expAvgSq: Buf, d: AdamAtan2Dims): void {
      const { n } = d, kn = "adamAtan2Update";
      checkDims(kn, { n });
      const p = f32(kn, "param", param, n, "n"), g = f32(kn, "grad", grad, n, "n");
      const m = f32(kn, "expAvg", expAvg, n, "n"), v = f32(kn, "expAvgSq", expAvgSq, n, "n");
      const { decay, w1, w2, stepSize, sqrtBc2 } = adamAtan2Scalars(d);
      chunked(n, (off, len) => {
        const pp = arena.in(p, len, kn, off), pg = arena.in(g, len, kn, off);
        const pm = arena.in(m, len, kn, off), pv = arena.in(v, len, kn, off);
        x.adamAtan2Update(pp, pg, pm, pv, len, decay, w1, w2, stepSize, sqrtBc2);
        arena.out(p, pp, len, off);
        arena.out(m, pm, len, off);
        arena.out(v, pv, len, off);
      });
    },
  };

  function rope(kn: "ropeForward" | "ropeBackward", out: Buf, src: Buf, cos: Buf, sin: Buf, d: RopeDims): void {
    const { B, T, NH, HD } = d;
    checkDims(kn, { B, T, NH, HD });
    if (HD % 2 !== 0) throw new KernelError(`hrm wasm ${kn}: HD must be even (rotate-half), got ${HD}`, kn, "range");
    const n = B * T * 3 * NH * HD, e = `B*T*3*NH*HD = ${B}*${T}*3*${NH}*${HD}`;
    const names = kn === "ropeForward" ? ["out", "qkv"] : ["dQkv", "dOut"];
    const o = f32(kn, names[0]!, out, n, e), s = f32(kn, names[1]!, src, n, e);
    const c = f32(kn, "cos", cos, T * HD, `T*HD = ${T}*${HD}`), sn = f32(kn, "sin", sin, T * HD, `T*HD = ${T}*${HD}`);
    arena.reset();
    const ps = arena.in(s, n, kn), pc = arena.in(c, T * HD, kn), psn = arena.in(sn, T * HD, kn), po = arena.alloc(n * 4, kn);
    (kn === "ropeForward" ? x.ropeForward : x.ropeBackward)(po, ps, pc, psn, B, T, NH, HD);
    arena.out(o, po, n);
  }

  return k;
}
