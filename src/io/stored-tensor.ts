// The on-disk tensor model shared by the safetensors and torch-checkpoint readers/writers:
// dtype names, item sizes, typed-array kinds, validation and numeric conversion.

import { CheckpointError } from "../engine/errors.js";
import { bf16ToF32, f16ToF32 } from "./half.js";

export type SafeDType = "F64" | "F32" | "F16" | "BF16" | "I64" | "I32" | "I16" | "I8" | "U8" | "BOOL";

export type StoredData =
  | Float64Array
  | Float32Array
  | Uint16Array
  | BigInt64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array;

/** A dense, row-major tensor as stored in a file. F16/BF16 data are raw Uint16Array bits; BOOL is Uint8Array of 0/1. */
export interface StoredTensor {
  readonly dtype: SafeDType;
  readonly shape: readonly number[];
  readonly data: StoredData;
}

interface DTypeInfo {
  readonly itemSize: number;
  /** Builds a typed array of this dtype over a fresh, aligned copy of the given little-endian bytes. */
  readonly fromBytes: (buf: ArrayBuffer) => StoredData;
  readonly arrayName: string;
}

const DTYPES: Readonly<Record<SafeDType, DTypeInfo>> = {
  F64: { itemSize: 8, fromBytes: (b) => new Float64Array(b), arrayName: "Float64Array" },
  F32: { itemSize: 4, fromBytes: (b) => new Float32Array(b), arrayName: "Float32Array" },
  F16: { itemSize: 2, fromBytes: (b) => new Uint16Array(b), arrayName: "Uint16Array" },
  BF16: { itemSize: 2, fromBytes: (b) => new Uint16Array(b), arrayName: "Uint16Array" },
  I64: { itemSize: 8, fromBytes: (b) => new BigInt64Array(b), arrayName: "BigInt64Array" },
  I32: { itemSize: 4, fromBytes: (b) => new Int32Array(b), arrayName: "Int32Array" },
  I16: { itemSize: 2, fromBytes: (b) => new Int16Array(b), arrayName: "Int16Array" },
  I8: { itemSize: 1, fromBytes: (b) => new Int8Array(b), arrayName: "Int8Array" },
  U8: { itemSize: 1, fromBytes: (b) => new Uint8Array(b), arrayName: "Uint8Array" },
  BOOL: { itemSize: 1, fromBytes: (b) => new Uint8Array(b), arrayName: "Uint8Array" },
};

export function isSafeDType(x: unknown): x is SafeDType {
  return typeof x === "string" && Object.prototype.hasOwnProperty.call(DTYPES, x);
}

/** Bytes per element of a dtype. */
export function dtypeItemSize(dtype: SafeDType): number {
  return DTYPES[dtype].itemSize;
}

/** Product of a shape (1 for a scalar); throws unless every dim is a non-negative safe integer. */
export function shapeNumel(shape: readonly number[], what: string): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new CheckpointError(`${what}: shape must be non-negative integers, found [${shape.join(", ")}]`);
    }
    n *= d;
    if (!Number.isSafeInteger(n)) throw new CheckpointError(`${what}: shape [${shape.join(", ")}] is too large`);
  }
  return n;
}

const IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Throws unless the host is little-endian (the on-disk byte order of both formats). */
export function requireLittleEndianHost(what: string): void {
  if (!IS_LITTLE_ENDIAN) throw new CheckpointError(`${what}: only little-endian hosts are supported`);
}

/**
 * Copies `nbytes` little-endian bytes from `bytes` at `offset` (any alignment) into a new,
 * aligned typed array of `dtype`.
 */
export function typedArrayFromBytes(dtype: SafeDType, bytes: Uint8Array, offset: number, nbytes: number): StoredData {
  const buf = new ArrayBuffer(nbytes);
  new Uint8Array(buf).set(bytes.subarray(offset, offset + nbytes));
  return DTYPES[dtype].fromBytes(buf);
}

/** A typed array of `dtype` viewing `buf` (no copy; `buf` must be sized in whole elements). */
export function typedArrayOnBuffer(dtype: SafeDType, buf: ArrayBuffer): StoredData {
  return DTYPES[dtype].fromBytes(buf);
}

/** The little-endian bytes of a tensor's data (a view, no copy). */
export function tensorBytes(t: StoredTensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

function dataMatchesDType(dtype: SafeDType, data: StoredData): boolean {
  switch (dtype) {
    case "F64": return data instanceof Float64Array;
    case "F32": return data instanceof Float32Array;
    case "F16":
    case "BF16": return data instanceof Uint16Array;
    case "I64": return data instanceof BigInt64Array;
    case "I32": return data instanceof Int32Array;
    case "I16": return data instanceof Int16Array;
    case "I8": return data instanceof Int8Array;
    case "U8":
    case "BOOL": return data instanceof Uint8Array;
  }
}

/** Throws a CheckpointError unless dtype, shape and data agree (used before writing). */
export function checkStoredTensor(name: string, t: StoredTensor): void {
  if (!isSafeDType(t.dtype)) throw new CheckpointError(`tensor "${name}": unknown dtype ${String(t.dtype)}`);
  if (!Array.isArray(t.shape)) throw new CheckpointError(`tensor "${name}": shape must be an array`);
  const numel = shapeNumel(t.shape, `tensor "${name}"`);
  if (!dataMatchesDType(t.dtype, t.data)) {
    throw new CheckpointError(
      `tensor "${name}": dtype ${t.dtype} needs a ${DTYPES[t.dtype].arrayName}, found ${t.data.constructor.name}`,
    );
  }
  if (t.data.length !== numel) {
    throw new CheckpointError(
      `tensor "${name}": shape [${t.shape.join(", ")}] has ${numel} elements but data has ${t.data.length}`,
    );
  }
}

function toNumbers<T extends Float32Array | Float64Array>(t: StoredTensor, out: T): T {
  const d = t.data;
  switch (t.dtype) {
    case "BF16":
      for (let i = 0; i < d.length; i++) out[i] = bf16ToF32(d[i] as number);
      return out;
    case "F16":
      for (let i = 0; i < d.length; i++) out[i] = f16ToF32(d[i] as number);
      return out;
    case "I64": {
      const b = d as BigInt64Array;
      for (let i = 0; i < b.length; i++) out[i] = Number(b[i] as bigint);
      return out;
    }
    default: {
      const n = d as Exclude<StoredData, BigInt64Array>;
      for (let i = 0; i < n.length; i++) out[i] = n[i] as number;
      return out;
    }
  }
}

/** The tensor's values as float32 (BF16/F16 exactly; F64 and big I64 values rounded). A new array. */
export function toFloat32(t: StoredTensor): Float32Array {
  return toNumbers(t, new Float32Array(t.data.length));
}

/** The tensor's values as float64 (exact except I64 beyond 2^53). A new array. */
export function toFloat64(t: StoredTensor): Float64Array {
  return toNumbers(t, new Float64Array(t.data.length));
}

/** The values of an integer or BOOL tensor as int32; throws for float dtypes and out-of-range I64. A new array. */
export function toInt32(t: StoredTensor, name = "tensor"): Int32Array {
  const out = new Int32Array(t.data.length);
  switch (t.dtype) {
    case "I64": {
      const b = t.data as BigInt64Array;
      for (let i = 0; i < b.length; i++) {
        const v = b[i] as bigint;
        if (v < -2147483648n || v > 2147483647n) {
          throw new CheckpointError(`${name}: I64 value ${v} at index ${i} does not fit in int32`);
        }
        out[i] = Number(v);
      }
      return out;
    }
    case "I32":
    case "I16":
    case "I8":
    case "U8":
    case "BOOL":
      out.set(t.data as Int32Array | Int16Array | Int8Array | Uint8Array);
      return out;
    default:
      throw new CheckpointError(`${name}: expected an integer or BOOL dtype for int32 conversion, found ${t.dtype}`);
  }
}
