// safetensors reader and writer (own code): 8-byte little-endian header length, JSON header, raw data.

import { CheckpointError } from "../engine/errors.js";
import { clipText, describeValue, quoteText } from "../util/message-text.js";
import {
  checkStoredTensor,
  dtypeItemSize,
  isSafeDType,
  requireLittleEndianHost,
  shapeNumel,
  tensorBytes,
  typedArrayFromBytes,
  type StoredTensor,
} from "./stored-tensor.js";

export { bf16ToF32, f32ToBf16, f16ToF32 } from "./half.js";
export { toFloat32, toFloat64, toInt32 } from "./stored-tensor.js";
export type { SafeDType, StoredData, StoredTensor } from "./stored-tensor.js";

export interface SafetensorsFile {
  readonly tensors: Map<string, StoredTensor>;
  readonly metadata: Record<string, string>;
}

/** Headers larger than this are refused as absurd (the reference implementation's limit). */
const MAX_HEADER_BYTES = 100_000_000;

interface Entry {
  readonly name: string;
  readonly tensor: { dtype: StoredTensor["dtype"]; shape: number[] };
  readonly begin: number;
  readonly end: number;
}

function parseEntry(src: string, name: string, raw: unknown, dataLen: number): Entry {
  const what = `${src}: tensor ${quoteText(name)}`;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new CheckpointError(`${what}: header entry must be an object, found ${describeValue(raw)}`);
  }
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (k !== "dtype" && k !== "shape" && k !== "data_offsets") {
      throw new CheckpointError(`${what}: unexpected header field ${quoteText(k)} (expected dtype, shape, data_offsets)`);
    }
  }
  if (!isSafeDType(o.dtype)) {
    throw new CheckpointError(
      `${what}: unknown dtype ${describeValue(o.dtype)} (expected F64, F32, F16, BF16, I64, I32, I16, I8, U8 or BOOL)`,
    );
  }
  const dtype = o.dtype;
  const shape = o.shape;
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === "number" && Number.isSafeInteger(d) && d >= 0)) {
    throw new CheckpointError(`${what}: shape must be an array of non-negative integers, found ${describeValue(shape)}`);
  }
  const dims = shape as number[];
  const numel = shapeNumel(dims, what);
  const offs = o.data_offsets;
  if (
    !Array.isArray(offs) ||
    offs.length !== 2 ||
    !offs.every((x) => typeof x === "number" && Number.isSafeInteger(x) && x >= 0)
  ) {
    throw new CheckpointError(`${what}: data_offsets must be [begin, end] non-negative integers, found ${describeValue(offs)}`);
  }
  const [begin, end] = offs as [number, number];
  if (begin > end || end > dataLen) {
    throw new CheckpointError(
      `${what}: data_offsets [${begin}, ${end}] are not within the data area of ${dataLen} bytes (file truncated or header wrong)`,
    );
  }
  const expected = numel * dtypeItemSize(dtype);
  if (end - begin !== expected) {
    throw new CheckpointError(
      `${what}: data_offsets [${begin}, ${end}] span ${end - begin} bytes but ${dtype} [${dims.join(", ")}] needs ${expected}`,
    );
  }
  return { name, tensor: { dtype, shape: dims }, begin, end };
}

/** Parses a safetensors file held in memory. `source` (a file name) prefixes every error message. */
export function decodeSafetensors(bytes: Uint8Array, source = "<safetensors>"): SafetensorsFile {
  requireLittleEndianHost(source);
  if (bytes.length < 8) {
    throw new CheckpointError(`${source}: file is ${bytes.length} bytes, shorter than the 8-byte safetensors header length`);
  }
  const headerLen = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLen > BigInt(bytes.length - 8)) {
    throw new CheckpointError(
      `${source}: header length ${headerLen} exceeds the ${bytes.length - 8} bytes after the length field (truncated or not a safetensors file)`,
    );
  }
  if (headerLen > BigInt(MAX_HEADER_BYTES)) {
    throw new CheckpointError(`${source}: header length ${headerLen} is absurd (limit ${MAX_HEADER_BYTES})`);
  }
  const hLen = Number(headerLen);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + hLen)));
  } catch (e) {
    throw new CheckpointError(`${source}: header is not valid UTF-8 JSON (${clipText((e as Error).message, 160)})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    throw new CheckpointError(`${source}: header must be a JSON object, found ${Array.isArray(header) ? "an array" : typeof header}`);
  }
  const dataStart = 8 + hLen;
  const dataLen = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        throw new CheckpointError(`${source}: __metadata__ must be an object of strings`);
      }
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== "string") {
          throw new CheckpointError(`${source}: __metadata__[${quoteText(k)}] must be a string, found ${describeValue(v)}`);
        }
        metadata[k] = v;
      }
      continue;
    }
    entries.push(parseEntry(source, name, raw, dataLen));
  }
  // Tensors come out in data order (the order they were written), which JSON key order cannot keep for numeric names.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let prev: Entry | undefined;
  for (const e of entries) {
    if (prev !== undefined && e.begin < prev.end) {
      throw new CheckpointError(
        `${source}: tensor ${quoteText(e.name)} data [${e.begin}, ${e.end}] overlaps tensor ${quoteText(prev.name)} [${prev.begin}, ${prev.end}]`,
      );
    }
    if (e.end > e.begin) prev = e;
  }
  const tensors = new Map<string, StoredTensor>();
  for (const e of entries) {
    const data = typedArrayFromBytes(e.tensor.dtype, bytes, dataStart + e.begin, e.end - e.begin);
    if (e.tensor.dtype === "BOOL") {
      const bad = (data as Uint8Array).findIndex((v) => v > 1);
      if (bad >= 0) throw new CheckpointError(`${source}: tensor ${quoteText(e.name)}: BOOL value ${data[bad]} at index ${bad} is not 0 or 1`);
    }
    tensors.set(e.name, { dtype: e.tensor.dtype, shape: e.tensor.shape, data });
  }
  return { tensors, metadata };
}

function entriesOf(tensors: Map<string, StoredTensor> | Record<string, StoredTensor>): [string, StoredTensor][] {
  return tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
}

/**
 * Serialises tensors to safetensors bytes. Tensors are laid out by item size (largest first, then in the
 * given order) after a header padded with spaces to a multiple of 8, so every tensor is naturally aligned.
 */
export function encodeSafetensors(
  tensors: Map<string, StoredTensor> | Record<string, StoredTensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  requireLittleEndianHost("encodeSafetensors");
  const list = entriesOf(tensors);
  const seen = new Set<string>();
  for (const [name, t] of list) {
    if (name === "__metadata__" || name === "") throw new CheckpointError(`encodeSafetensors: invalid tensor name "${name}"`);
    if (seen.has(name)) throw new CheckpointError(`encodeSafetensors: duplicate tensor name "${name}"`);
    seen.add(name);
    checkStoredTensor(name, t);
  }
  const order = list
    .map((e, i) => ({ e, i }))
    .sort((a, b) => dtypeItemSize(b.e[1].dtype) - dtypeItemSize(a.e[1].dtype) || a.i - b.i)
    .map((x) => x.e);
  const header: Record<string, unknown> = {};
  if (metadata !== undefined && Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== "string") throw new CheckpointError(`encodeSafetensors: metadata "${k}" must be a string`);
    }
    header.__metadata__ = { ...metadata };
  }
  let offset = 0;
  for (const [name, t] of order) {
    const n = t.data.byteLength;
    header[name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + n] };
    offset += n;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let pos = 8 + json.length;
  for (const [, t] of order) {
    out.set(tensorBytes(t), pos);
    pos += t.data.byteLength;
  }
  return out;
}
