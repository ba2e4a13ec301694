// A streaming covariance of d-dimensional samples in float64: add rows in any number of calls, read the
// covariance C [d, d] (divided by n − 1) at any time, e.g. after each of 10, 20, 50, ... puzzles.
//
// Numerics: the "shifted data" algorithm. Every sample is stored relative to the first one (y = x − x₀),
// so that the sums Σy and Σyyᵀ stay near the data's spread instead of its offset, and
//   C = (Σ y yᵀ − n ȳ ȳᵀ) / (n − 1)
// loses little to cancellation even when the states have a large mean.
// The product Σ y yᵀ of each chunk of rows is taken either in float64 by the loops below (the reference) or
// by a caller's `GramFn` (e.g. a kernel matmul in float32, for d = 512 and millions of samples), and is
// always summed into the float64 total.
// Legend: n samples so far, d dims, r rows in one chunk.
import { ShapeError } from "../engine/errors.js";

/** out[d, d] = yᵀ y for y [rows, d] (row-major, float32). */
export type GramFn = (out: Float32Array, y: Float32Array, rows: number, d: number) => void;

/** Rows per chunk of the Gram update. */
const CHUNK = 256;

export class CovarianceAccumulator {
  private n = 0;
  private readonly shift: Float64Array;
  private readonly sum: Float64Array;
  /** Σ y yᵀ, upper triangle filled (i ≤ j) on the float64 path, full on the GramFn path. */
  private readonly gram: Float64Array;
  /** One chunk of shifted rows: transposed [d, r] (float64 path) or [r, d] (GramFn path). */
  private readonly chunk: Float64Array | Float32Array;
  private readonly chunkGram: Float32Array | null;

  constructor(readonly d: number, private readonly gramFn?: GramFn) {
    if (!(Number.isInteger(d) && d >= 1)) throw new ShapeError(`CovarianceAccumulator: d must be a positive integer, got ${d}`);
    this.shift = new Float64Array(d);
    this.sum = new Float64Array(d);
    this.gram = new Float64Array(d * d);
    this.chunk = gramFn ? new Float32Array(CHUNK * d) : new Float64Array(CHUNK * d);
    this.chunkGram = gramFn ? new Float32Array(d * d) : null;
  }

  /** Samples added so far. */
  get count(): number {
    return this.n;
  }

  /** Add `rows` samples x [rows, d] (row-major), starting at element `offset` of x. */
  add(x: ArrayLike<number>, rows: number, offset = 0): void {
    const d = this.d;
    if (offset + rows * d > x.length) throw new ShapeError(`CovarianceAccumulator.add: [rows=${rows}, d=${d}] from offset ${offset} overruns ${x.length} values`);
    if (rows === 0) return;
    if (this.n === 0) for (let j = 0; j < d; j++) this.shift[j] = x[offset + j]!;
    for (let r0 = 0; r0 < rows; r0 += CHUNK) {
      const r = Math.min(CHUNK, rows - r0);
      if (this.gramFn) this.addChunkGramFn(x, offset + r0 * d, r);
      else this.addChunk64(x, offset + r0 * d, r);
    }
    this.n += rows;
  }

  /** Float64 reference: y stored transposed [d, r] so that each (i, j) entry is one contiguous dot product. */
  private addChunk64(x: ArrayLike<number>, at: number, r: number): void {
    const d = this.d, y = this.chunk, g = this.gram, sum = this.sum, shift = this.shift;
    for (let k = 0; k < r; k++) {
      for (let j = 0; j < d; j++) {
        const v = x[at + k * d + j]! - shift[j]!;
        y[j * r + k] = v;
        sum[j]! += v;
      }
    }
    for (let i = 0; i < d; i++) {
      const oi = i * r;
      for (let j = i; j < d; j++) {
        const oj = j * r;
        let s = 0;
        for (let k = 0; k < r; k++) s += y[oi + k]! * y[oj + k]!;
        g[i * d + j]! += s;
      }
    }
  }

  private addChunkGramFn(x: ArrayLike<number>, at: number, r: number): void {
    const d = this.d, y = this.chunk as Float32Array, cg = this.chunkGram!, g = this.gram, sum = this.sum, shift = this.shift;
    for (let k = 0; k < r; k++) {
      for (let j = 0; j < d; j++) {
        const v = x[at + k * d + j]! - shift[j]!;
        y[k * d + j] = v;
        sum[j]! += Math.fround(v); // the same (float32) values the Gram sees
      }
    }
    this.gramFn!(cg, y.subarray(0, r * d), r, d);
    for (let i = 0; i < d; i++) for (let j = i; j < d; j++) g[i * d + j]! += cg[i * d + j]!;
  }

  /** Mean of the samples [d]. */
  mean(): Float64Array {
    const m = new Float64Array(this.d);
    for (let j = 0; j < this.d; j++) m[j] = this.shift[j]! + this.sum[j]! / Math.max(this.n, 1);
    return m;
  }

  /** Sample covariance C [d, d] (full, symmetric, float64, divided by n − 1); zeros for n < 2. */
  covariance(): Float64Array {
    const d = this.d, n = this.n, c = new Float64Array(d * d);
    if (n < 2) return c;
    for (let i = 0; i < d; i++) {
      const mi = this.sum[i]! / n;
      for (let j = i; j < d; j++) {
        const v = (this.gram[i * d + j]! - n * mi * (this.sum[j]! / n)) / (n - 1);
        c[i * d + j] = v;
        c[j * d + i] = v;
      }
    }
    return c;
  }
}
