// Tensor: a shape over a flat typed array, plus a gradient buffer when it takes part in autograd.
import { ShapeError } from "./errors.js";
import type { DType, FloatArray } from "./dtype.js";
import { allocFloat, dtypeOf } from "./dtype.js";

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

export class Tensor {
  readonly shape: readonly number[];
  readonly data: FloatArray;
  /** Gradient of the loss with respect to this tensor (same size as data), allocated on first use. */
  grad: FloatArray | null = null;
  /** Whether operations on this tensor are recorded on the tape. */
  requiresGrad: boolean;
  /** Optional name (official parameter name for parameters) used in error messages. */
  readonly name: string | undefined;
  /** The data buffer went back to the pool before the step ended (ops/grad.ts releaseData); never read it. */
  dataReleased = false;
  /** Its values are bfloat16 numbers (an activation of a bf16 forward), so a 2-byte copy is lossless. */
  bf16Values = false;
  /** A 2-byte copy of the values kept for backward readers (ops/grad.ts keepForBackward), or null. */
  packed: Uint16Array | null = null;

  constructor(data: FloatArray, shape: readonly number[], opts: { requiresGrad?: boolean; name?: string } = {}) {
    if (data.length !== numel(shape)) {
      throw new ShapeError(`Tensor${opts.name ? ` ${opts.name}` : ""}: shape ${formatShape(shape)} needs ${numel(shape)} elements, data has ${data.length}`);
    }
    this.data = data;
    this.shape = [...shape];
    this.requiresGrad = opts.requiresGrad ?? false;
    this.name = opts.name;
  }

  static zeros(shape: readonly number[], dtype: DType = "f32", opts: { requiresGrad?: boolean; name?: string } = {}): Tensor {
    return new Tensor(allocFloat(dtype, numel(shape)), shape, opts);
  }

  get dtype(): DType {
    return dtypeOf(this.data);
  }

  get size(): number {
    return this.data.length;
  }

  /** The gradient buffer, allocated (zeros) if needed. */
  gradBuffer(): FloatArray {
    if (this.grad === null) this.grad = allocFloat(this.dtype, this.data.length);
    return this.grad;
  }


  toString(): string {
    return `Tensor(${this.name ?? "?"}, ${formatShape(this.shape)}, ${this.dtype})`;
  }
}

/** Throw a ShapeError unless t has exactly the expected shape. */
export function expectShape(op: string, what: string, t: Tensor, expected: readonly number[]): void {
  if (t.shape.length !== expected.length || t.shape.some((s, i) => s !== expected[i])) {
    throw new ShapeError(`${op}: ${what} should be ${formatShape(expected)}, got ${formatShape(t.shape)}${t.name ? ` (${t.name})` : ""}`);
  }
}
