// Buffer pool with scopes, so a training step does not churn the allocator (fresh typed arrays cost a
// page fault per 4 KiB on first touch). Buffers allocated inside a scope return to the pool when the
// scope ends, except those the scope hands back (they move to the enclosing scope). A scope whose tape is
// recording keeps everything alive (backward closures read it) by moving it to the enclosing scope; the
// outermost scope of a training step releases all once backward has run. During backward the tape hands
// back each op's output gradient (and, where the op owns it, its output) as soon as that op's backward
// has run (`release`), so gradients reuse the buffers of activations already consumed, as PyTorch frees
// saved tensors during its backward.
import type { DType, FloatArray, PoolArray } from "./dtype.js";
import { allocFloat } from "./dtype.js";
import { InternalError } from "./errors.js";

export class BufferPool {
  private readonly free = new Map<string, PoolArray[]>();
  private readonly scopes: PoolArray[][] = [];
  /** Buffers handed out and not yet returned (a buffer released early is skipped when its scope ends). */
  private readonly live = new Set<PoolArray>();
  /** Counters for tests and profiling. */
  readonly stats = { fresh: 0, reused: 0, released: 0, freshBytes: 0, liveBytes: 0, peakLiveBytes: 0 };
  /** Fill every returned buffer with NaN (bf16 copies: NaN bits), so a read after release shows (tests). */
  poisonReleased = false;

  /** A buffer of n elements (zeroed when asked; otherwise contents are arbitrary). */
  alloc(dtype: DType, n: number, zero = false): FloatArray {
    return this.take(dtype, n, zero, () => allocFloat(dtype, n)) as FloatArray;
  }

  /** Number of open scopes (0 outside any). */
  get depth(): number {
    return this.scopes.length;
  }

  /**
   * As alloc, but the buffer belongs to the enclosing scope at `depth` (as depth read it then), not to the
   * innermost one: it lives until that scope ends (a weight's rounded copy made inside a no-grad pass of a step).
   */
  allocAt(depth: number, dtype: DType, n: number): FloatArray {
    if (depth > this.scopes.length) throw new InternalError(`BufferPool.allocAt: scope depth ${depth} is not open (${this.scopes.length} are)`);
    return this.take(dtype, n, false, () => allocFloat(dtype, n), depth) as FloatArray;
  }

  /** A buffer for n bfloat16 values (a packed copy of an activation; contents arbitrary). */
  allocBf16(n: number): Uint16Array {
    return this.take("bf16", n, false, () => new Uint16Array(n)) as Uint16Array;
  }

  private take(kind: string, n: number, zero: boolean, make: () => PoolArray, depth = this.scopes.length): PoolArray {
    const list = this.free.get(`${kind}:${n}`);
    let b = list?.pop();
    if (b === undefined) {
      b = make();
      this.stats.fresh++;
      this.stats.freshBytes += b.byteLength;
    } else {
      this.stats.reused++;
      if (zero) b.fill(0);
    }
    this.live.add(b);
    this.stats.liveBytes += b.byteLength;
    if (this.stats.liveBytes > this.stats.peakLiveBytes) this.stats.peakLiveBytes = this.stats.liveBytes;
    if (depth > 0) this.scopes[depth - 1]!.push(b);
    return b;
  }

  /**
   * Run fn in a scope. When it ends: with `release`, every buffer allocated in it returns to the pool except
   * those `keep(result)` names, which move to the enclosing scope; without, all move to the enclosing scope.
   */
  scope<T>(fn: () => T, keep: (result: T) => readonly PoolArray[], release: boolean): T {
    this.scopes.push([]);
    let result: T | undefined;
    let ok = false;
    try {
      result = fn();
      ok = true;
      return result;
    } finally {
      const mine = this.scopes.pop()!;
      const parent = this.scopes.at(-1);
      if (!release || !ok) {
        parent?.push(...mine);
      } else {
        const kept = new Set<PoolArray>(keep(result as T));
        for (const b of mine) {
          if (kept.has(b)) parent?.push(b);
          else this.release(b);
        }
      }
    }
  }

  /**
   * Return a buffer before its scope ends; the caller guarantees nothing reads it any more. Buffers that
   * did not come from this pool (parameter gradients, views) or were already returned are ignored.
   */
  release(b: PoolArray): void {
    if (!this.live.delete(b)) return;
    this.stats.liveBytes -= b.byteLength;
    if (this.poisonReleased) b.fill(b instanceof Uint16Array ? 0x7fc0 : NaN);
    const key = `${b instanceof Float32Array ? "f32" : b instanceof Float64Array ? "f64" : "bf16"}:${b.length}`;
    let list = this.free.get(key);
    if (list === undefined) this.free.set(key, (list = []));
    list.push(b);
    this.stats.released++;
  }

  /** Drop every pooled buffer (e.g. between runs of different shapes). */
  clear(): void {
    this.free.clear();
    this.live.clear();
    this.stats.liveBytes = 0;
  }
}
