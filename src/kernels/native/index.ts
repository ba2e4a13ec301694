// The native backend: a Node-API addon (C++ in native/ at the repo root) running the kernels on the
// engine's Float32Arrays in place (no copies): oneDNN matmul primitives for the matrix products (f32, and
// bf16 with f32 accumulation), vectorised OpenMP loops for the rest. Float64Array is refused with a clear
// TypeError (the reference kernels run the f64 gradient checks).
//
// The addon is built at `npm install` by scripts/build-native.mjs when oneDNN is present; when it is
// missing, loadNativeKernels returns null and nativeLoadError() says why.
// Legend: B batch, T tokens, NH heads, HD head dim, D hidden, I MLP width, V table rows.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { ConfigError, KernelError } from "../../engine/errors.js";
import { packageRoot } from "../../util/package-root.js";
import { withFallback } from "../fallback.js";
import type { Buf, KernelName, Kernels } from "../../engine/kernels.js";
import { kernelNames } from "../../engine/kernels.js";
import { adamAtan2Scalars } from "../reference/adam-atan2.js";
import { referenceKernels } from "../reference/index.js";

/** What the addon reports about itself. */
export interface NativeInfo {
  /** Threads the kernels and oneDNN use. */
  readonly threads: number;
  /** oneDNN version, e.g. "2.6.3". */
  readonly onednn: string;
  /** The instruction set oneDNN dispatches to, e.g. "avx2", "avx512_core_bf16". */
  readonly isa: string;
  /** How bf16 products run: natively in oneDNN, or on bf16-rounded operands with the f32 primitive. */
  readonly bf16: "onednn-bf16" | "f32-emulated";
  /** The instruction set of the fused attention kernels: "avx512", "avx2" (HRM_NATIVE_ISA=avx2 forces it) or "vec8". */
  readonly attention: "avx512" | "avx2" | "vec8";
}

/** The addon's exports (native/src/addon.cc): dims are passed positionally. */
interface NativeAddon {
  setNumThreads(threads: number): void;
  info(): NativeInfo;
  matmul(out: Buf, a: Buf, b: Buf, M: number, K: number, N: number, transA: boolean, transB: boolean,
    accumulate: boolean, bf16: boolean, aRounded: boolean, bRounded: boolean, count: number, strideA: number,
    strideB: number, strideOut: number): void;
  rmsNormForward(out: Buf, rstd: Buf, x: Buf, rows: number, D: number, inner: number, eps: number): void;
  rmsNormBackward(dX: Buf, dOut: Buf, y: Buf, rstd: Buf, rows: number, D: number, inner: number): void;
  addRmsNormForward(out: Buf, rstd: Buf, a: Buf, b: Buf, rows: number, D: number, inner: number, eps: number, roundSum: boolean): void;
  ropeForward(out: Buf, qkv: Buf, cos: Buf, sin: Buf, B: number, T: number, NH: number, HD: number): void;
  ropeBackward(dQkv: Buf, dOut: Buf, cos: Buf, sin: Buf, B: number, T: number, NH: number, HD: number): void;
  attentionForward(out: Buf, stats: Buf, qkv: Buf, B: number, T: number, NH: number, HD: number, scale: number): void;
  attentionBackward(dQkv: Buf, dOut: Buf, qkv: Buf, stats: Buf, B: number, T: number, NH: number, HD: number,
    scale: number): void;
  swigluForward(out: Buf, gateUp: Buf, rows: number, I: number): void;
  swigluBackward(dGateUp: Buf, dOut: Buf, gateUp: Buf, rows: number, I: number): void;
  softmaxForward(out: Buf, x: Buf, rows: number, D: number): void;
  embeddingForward(out: Buf, table: Buf, ids: Int32Array, n: number, D: number, V: number): void;
  embeddingBackward(dTable: Buf, dOut: Buf, ids: Int32Array, n: number, D: number, V: number): void;
  add(out: Buf, a: Buf, b: Buf, n: number): void;
  scale(out: Buf, a: Buf, alpha: number, n: number): void;
  axpy(dst: Buf, src: Buf, alpha: number, n: number): void;
  transpose(out: Buf, x: Buf, B: number, X: number, Y: number, accumulate: boolean): void;
  roundBf16(out: Buf, a: Buf, n: number): void;
  packBf16(dst: Uint16Array, src: Buf, n: number): void;
  unpackBf16(dst: Buf, src: Uint16Array, n: number): void;
  adamAtan2Update(param: Buf, grad: Buf, expAvg: Buf, expAvgSq: Buf, n: number, decay: number, w1: number,
    w2: number, stepSize: number, sqrtBc2: number): void;
}

export interface NativeOptions {
  /** Threads for the kernels and oneDNN; default: the number of cores. A process-wide setting of the addon. */
  readonly threads?: number;
  /** Addon file to load instead of native/build/Release/hrm_native.node (tests). */
  readonly addonPath?: string;
  /** Told once which kernels fall back to the reference (none today). */
  readonly log?: (msg: string) => void;
}


/** Where the install step puts the addon. */
export function nativeAddonPath(): string {
  return join(packageRoot(), "native", "build", "Release", "hrm_native.node");
}

let lastError: string | null = null;
let loaded: { path: string; addon: NativeAddon } | null = null;

/** Why the last loadNativeKernels returned null (null after a successful load). */
export function nativeLoadError(): string | null {
  return lastError;
}

function loadAddon(path: string): NativeAddon | null {
  if (loaded !== null && loaded.path === path) return loaded.addon;
  if (!existsSync(path)) {
    lastError = `addon not built: ${path} is missing`;
    return null;
  }
  try {
    const addon = createRequire(import.meta.url)(path) as NativeAddon;
    loaded = { path, addon };
    return addon;
  } catch (e) {
    lastError = `addon failed to load: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`;
    return null;
  }
}

/** The addon's own report (threads, oneDNN version and ISA, bf16 mode), or null if it is not loaded. */
export function nativeInfo(): NativeInfo | null {
  return loaded === null ? null : loaded.addon.info();
}

/**
 * Load the native backend, or return null (see nativeLoadError()) when the addon is missing or does not
 * load. Sets the addon's thread count (default: all cores).
 */
export function loadNativeKernels(opts: NativeOptions = {}): Kernels | null {
  const addon = loadAddon(opts.addonPath ?? nativeAddonPath());
  if (addon === null) return null;
  const threads = opts.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new ConfigError(`loadNativeKernels: threads must be a positive integer, got ${threads}`);
  }
  addon.setNumThreads(threads);
  lastError = null;
  return withFallback(withKernelErrors(makeKernels(addon)), referenceKernels, opts.log);
}


/**
 * The addon checks every call (buffer types and sizes, indices, dimensions) and throws plain TypeError /
 * RangeError / Error from C++; this turns them into KernelErrors that keep the message and name the kernel.
 */
function withKernelErrors(k: Kernels): Kernels {
  const wrap = (name: KernelName): unknown => {
    const f = k[name] as (...args: unknown[]) => void;
    return (...args: unknown[]): void => {
      try {
        f(...args);
      } catch (e) {
        if (e instanceof KernelError || !(e instanceof Error)) throw e;
        throw new KernelError(e.message, name, e instanceof TypeError ? "type" : e instanceof RangeError ? "range" : "other");
      }
    };
  };
  const out: Kernels = { ...k };
  return Object.assign(out, Object.fromEntries(kernelNames.map((n) => [n, wrap(n)])));
}

function makeKernels(n: NativeAddon): Kernels {
  return {
    name: "native",
    // the addon reads batch count 0 as "no batch" (one product); an empty batch writes nothing
    matmul: (out, a, b, d) => {
      if (d.batch?.count === 0) return;
      n.matmul(out, a, b, d.M, d.K, d.N, d.transA === true, d.transB === true, d.accumulate === true, d.precision === "bf16",
        d.aRounded === true, d.bRounded === true, d.batch?.count ?? 0, d.batch?.strideA ?? 0, d.batch?.strideB ?? 0,
        d.batch?.strideOut ?? 0);
    },
    rmsNormForward: (out, rstd, x, d) => n.rmsNormForward(out, rstd, x, d.rows, d.D, d.inner ?? 1, d.eps),
    rmsNormBackward: (dX, dOut, y, rstd, d) => n.rmsNormBackward(dX, dOut, y, rstd, d.rows, d.D, d.inner ?? 1),
    addRmsNormForward: (out, rstd, a, b, d) => n.addRmsNormForward(out, rstd, a, b, d.rows, d.D, d.inner ?? 1, d.eps, d.roundSum === true),
    ropeForward: (out, qkv, cos, sin, d) => n.ropeForward(out, qkv, cos, sin, d.B, d.T, d.NH, d.HD),
    ropeBackward: (dQkv, dOut, cos, sin, d) => n.ropeBackward(dQkv, dOut, cos, sin, d.B, d.T, d.NH, d.HD),
    attentionForward: (out, stats, qkv, d) => n.attentionForward(out, stats, qkv, d.B, d.T, d.NH, d.HD, d.scale),
    attentionBackward: (dQkv, dOut, qkv, stats, d) =>
      n.attentionBackward(dQkv, dOut, qkv, stats, d.B, d.T, d.NH, d.HD, d.scale),
    swigluForward: (out, gateUp, d) => n.swigluForward(out, gateUp, d.rows, d.I),
    swigluBackward: (dGateUp, dOut, gateUp, d) => n.swigluBackward(dGateUp, dOut, gateUp, d.rows, d.I),
    softmaxForward: (out, x, d) => n.softmaxForward(out, x, d.rows, d.D),
    embeddingForward: (out, table, ids, d) => n.embeddingForward(out, table, ids, d.n, d.D, d.V),
    embeddingBackward: (dTable, dOut, ids, d) => n.embeddingBackward(dTable, dOut, ids, d.n, d.D, d.V),
    transpose: (out, x, d) => n.transpose(out, x, d.B, d.X, d.Y, d.accumulate === true),
    add: (out, a, b, len) => n.add(out, a, b, len),
    scale: (out, a, alpha, len) => n.scale(out, a, alpha, len),
    axpy: (dst, src, alpha, len) => n.axpy(dst, src, alpha, len),
    roundBf16: (out, a, len) => n.roundBf16(out, a, len),
    packBf16: (dst, src, len) => n.packBf16(dst, src, len),
    unpackBf16: (dst, src, len) => n.unpackBf16(dst, src, len),
    adamAtan2Update: (param, grad, expAvg, expAvgSq, d) => {
      const c = adamAtan2Scalars(d);
      n.adamAtan2Update(param, grad, expAvg, expAvgSq, d.n, c.decay, c.w1, c.w2, c.stepSize, c.sqrtBc2);
    },
  };
}

