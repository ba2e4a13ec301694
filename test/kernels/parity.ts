// Helpers for backend-vs-reference kernel tests: seeded buffers and a comparison that reports the first
// mismatches and the max difference; shared by the native and WASM kernel tests.
import assert from "node:assert/strict";
import { Rng } from "../../src/engine/rng.js";
import type { Kernels } from "../../src/engine/kernels.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";

/** A number: max|got − ref| ≤ tol · max|ref|. "exact": bitwise. "ulp1": within one float32 ulp. */
export type Tol = number | "exact" | "ulp1";
export type Bufs = Record<string, Float32Array | Int32Array | Uint16Array>;

export interface Case {
  readonly name: string;
  /** Fresh inputs (and initial outputs) for one run; each backend gets its own copy. */
  readonly make: (rng: Rng) => Bufs;
  readonly run: (k: Kernels, b: Bufs) => void;
  /** Buffers to compare and their tolerance. */
  readonly check: Readonly<Record<string, Tol>>;
}

export function rand(rng: Rng, n: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (rng.uniform() * 2 - 1) * scale;
  return a;
}

export function ids(rng: Rng, n: number, V: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.int(0, V - 1);
  return a;
}

export function f32(b: Bufs, k: string): Float32Array {
  const v = b[k];
  if (!(v instanceof Float32Array)) throw new Error(`test buffer ${k} is not a Float32Array`);
  return v;
}

export function u16(b: Bufs, k: string): Uint16Array {
  const v = b[k];
  if (!(v instanceof Uint16Array)) throw new Error(`test buffer ${k} is not a Uint16Array`);
  return v;
}

/** A buffer to compare: a Float32Array as is, bf16 bits (Uint16Array) as their integer values. */
export function checked(b: Bufs, k: string): Float32Array {
  const v = b[k];
  return v instanceof Uint16Array ? Float32Array.from(v) : f32(b, k);
}

export function i32(b: Bufs, k: string): Int32Array {
  const v = b[k];
  if (!(v instanceof Int32Array)) throw new Error(`test buffer ${k} is not an Int32Array`);
  return v;
}

export function clone(b: Bufs): Bufs {
  const out: Bufs = {};
  for (const [k, v] of Object.entries(b)) out[k] = v.slice();
  return out;
}

const ulpScratch = new Float32Array(1);
const ulpBits = new Int32Array(ulpScratch.buffer);
function ulpDistance(a: number, b: number): number {
  ulpScratch[0] = a; const ia = ulpBits[0]!;
  ulpScratch[0] = b; const ib = ulpBits[0]!;
  return Math.abs((ia < 0 ? -2147483648 - ia : ia) - (ib < 0 ? -2147483648 - ib : ib));
}

/** max|got − want| / max|want| (0 for an all-zero reference that is matched). */
export function relError(got: Float32Array, want: Float32Array): number {
  let maxRef = 0, maxDiff = 0;
  for (let i = 0; i < want.length; i++) {
    maxRef = Math.max(maxRef, Math.abs(want[i]!));
    maxDiff = Math.max(maxDiff, Math.abs(got[i]! - want[i]!));
  }
  return maxDiff / Math.max(maxRef, 1e-30);
}

export function compare(name: string, got: Float32Array, want: Float32Array, tol: Tol, backend: string): void {
  assert.equal(got.length, want.length, `${name}: length`);
  let maxRef = 0, maxDiff = 0, bad = 0;
  const first: string[] = [];
  for (let i = 0; i < want.length; i++) maxRef = Math.max(maxRef, Math.abs(want[i]!));
  const limit = typeof tol === "number" ? tol * Math.max(maxRef, 1e-30) : 0;
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!, w = want[i]!;
    const diff = Math.abs(g - w);
    const ok = tol === "exact" ? Object.is(g, w) || g === w
      : tol === "ulp1" ? ulpDistance(g, w) <= 1
        : diff <= limit || (Number.isNaN(g) && Number.isNaN(w));
    if (Number.isFinite(diff)) maxDiff = Math.max(maxDiff, diff);
    if (!ok) {
      bad++;
      if (first.length < 5) first.push(`[${i}] ${backend} ${g} vs reference ${w}`);
    }
  }
  if (bad > 0) {
    assert.fail(`${name}: ${bad}/${want.length} elements off (tolerance ${tol}, max|ref| ${maxRef}, max diff ${maxDiff}` +
      ` = ${(maxDiff / Math.max(maxRef, 1e-30)).toExponential(2)} relative); first: ${first.join("; ")}`);
  }
}

/** Run a case on the reference and on backend k from the same inputs, and compare the checked buffers. */
export function runCase(k: Kernels, c: Case, seed: number): void {
  const inputs = c.make(new Rng(seed));
  const want = clone(inputs), got = clone(inputs);
  c.run(referenceKernels, want);
  c.run(k, got);
  for (const [buf, tol] of Object.entries(c.check)) compare(`${c.name}: ${buf}`, checked(got, buf), checked(want, buf), tol, k.name);
}

/** The kernels a table covers: a case is named after its kernel(s), "matmul M=…", "swigluForward/Backward …". */
export function coveredKernels(cases: readonly Case[]): Set<string> {
  return new Set(cases.map((c) => c.name.split(" ")[0]!.split("/")[0]!));
}
