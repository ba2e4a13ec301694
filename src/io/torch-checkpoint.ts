// Official PyTorch checkpoints (torch.save zip format of a tensor state_dict) read and written without Python.

import { constants as bufferConstants } from "node:buffer";
import { basename } from "node:path";
import { CheckpointError } from "../engine/errors.js";
import { writeFileAtomicSync } from "../util/atomic.js";
import { bytesSource, withFileSource, type ByteSource } from "./byte-source.js";
import { PickleWriter } from "./pickle-writer.js";
import { describePy, PyDict, PyHost, PyGlobal, PyTuple, unpickle, type GlobalHandler, type PyValue } from "./pickle-reader.js";
import { quoteText } from "../util/message-text.js";
import {
  checkStoredTensor,
  dtypeItemSize,
  requireLittleEndianHost,
  shapeNumel,
  tensorBytes,
  typedArrayOnBuffer,
  type SafeDType,
  type StoredTensor,
} from "./stored-tensor.js";
import { ZipReader } from "./zip-reader.js";
import { ZipWriter } from "./zip-writer.js";

const STORAGE_DTYPES: Readonly<Record<string, SafeDType>> = {
  FloatStorage: "F32",
  DoubleStorage: "F64",
  HalfStorage: "F16",
  BFloat16Storage: "BF16",
  LongStorage: "I64",
  IntStorage: "I32",
  ShortStorage: "I16",
  CharStorage: "I8",
  ByteStorage: "U8",
  BoolStorage: "BOOL",
};

const STORAGE_OF_DTYPE: Readonly<Record<SafeDType, string>> = Object.fromEntries(
  Object.entries(STORAGE_DTYPES).map(([k, v]) => [v, k]),
) as Record<SafeDType, string>;

/**
 * Memory a checkpoint may expand to: the storages it loads plus the tensors it builds, at most this many times the
 * file size (a state dict's tensors are its storages, rarely shared) or MIN_EXPANSION_BYTES for small files.
 */
export const MAX_EXPANSION_RATIO = 4;
export const MIN_EXPANSION_BYTES = 64 << 20;
/**
 * An overlapping view (more elements than its storage holds: stride 0 / broadcast) may build at most this many bytes
 * or as many as the file has, whichever is larger; a 1-element storage viewed as [16384, 16384] would be 1 GiB.
 */
export const MIN_OVERLAP_VIEW_BYTES = 16 << 20;

const REFUSAL = "only tensor state dicts (OrderedDict of torch tensors) are accepted, and nothing in a checkpoint is ever executed";

class StorageRef {
  constructor(
    readonly dtype: SafeDType,
    readonly key: string,
    readonly location: string,
    readonly numel: number,
  ) {}
}

class TensorView {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly size: number[],
    readonly stride: number[],
  ) {}
}

function asInt(v: PyValue | undefined, what: string): number {
  if (typeof v === "number" && Number.isSafeInteger(v)) return v;
  throw new CheckpointError(`${what}: expected an integer, found ${describePy(v)}`);
}

function asIntTuple(v: PyValue | undefined, what: string): number[] {
  if (!(v instanceof PyTuple)) throw new CheckpointError(`${what}: expected a tuple of integers, found ${describePy(v)}`);
  return v.items.map((x) => asInt(x, what));
}

/** Copies the (possibly strided) view of `storage` into a new contiguous byte buffer. */
function gather(storage: Uint8Array, itemSize: number, offset: number, size: number[], stride: number[]): ArrayBuffer {
  const numel = size.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(numel * itemSize);
  if (numel === 0) return out.buffer;
  let contiguous = true;
  for (let d = size.length - 1, expect = 1; d >= 0; d--) {
    if ((size[d] as number) !== 1 && stride[d] !== expect) contiguous = false;
    expect *= size[d] as number;
  }
  if (contiguous) {
    out.set(storage.subarray(offset * itemSize, (offset + numel) * itemSize));
    return out.buffer;
  }
  const nd = size.length;
  const last = nd - 1;
  const rowLen = size[last] as number;
  const rowStride = stride[last] as number;
  const idx = new Array<number>(nd).fill(0);
  let o = 0;
  for (let rows = numel / rowLen; rows > 0; rows--) {
    let base = offset;
    for (let d = 0; d < last; d++) base += (idx[d] as number) * (stride[d] as number);
    if (rowStride === 1) {
      out.set(storage.subarray(base * itemSize, (base + rowLen) * itemSize), o);
      o += rowLen * itemSize;
    } else {
      // Byte by byte: a subarray per element would make a 16 MiB broadcast take seconds.
      for (let j = 0; j < rowLen; j++) {
        const s = (base + j * rowStride) * itemSize;
        for (let b = 0; b < itemSize; b++) out[o++] = storage[s + b] as number;
      }
    }
    for (let d = last - 1; d >= 0; d--) {
      idx[d] = (idx[d] as number) + 1;
      if ((idx[d] as number) < (size[d] as number)) break;
      idx[d] = 0;
    }
  }
  return out.buffer;
}

function findRoot(zip: ZipReader, source: string): string {
  const roots = zip.entries.map((e) => /^([^/]+)\/data\.pkl$/.exec(e.name)?.[1]).filter((r): r is string => r !== undefined);
  if (roots.length !== 1) {
    throw new CheckpointError(
      roots.length === 0
        ? `${source}: zip has no <root>/data.pkl record; not a torch.save checkpoint`
        : `${source}: zip has several data.pkl records (${roots.slice(0, 5).map((r) => quoteText(r)).join(", ")}); expected one`,
    );
  }
  return roots[0] as string;
}

function decodeFromSource(src: ByteSource, source: string): Map<string, StoredTensor> {
  requireLittleEndianHost(source);
  const magic = src.size >= 4 ? src.read(0, 4) : new Uint8Array(0);
  if (magic[0] === 0x80 && magic[1] === 0x02) {
    throw new CheckpointError(
      `${source}: this is the legacy (pre-1.6, non-zip) torch.save format, which is not supported; re-save it with a current torch.save`,
    );
  }
  if (magic[0] !== 0x50 || magic[1] !== 0x4b) {
    throw new CheckpointError(`${source}: not a zip-format torch checkpoint (expected "PK" magic, found ${[...magic].map((b) => b.toString(16)).join(" ")})`);
  }
  const zip = new ZipReader(src, source);
  const root = findRoot(zip, source);
  const byteorder = zip.get(`${root}/byteorder`);
  if (byteorder !== undefined) {
    const order = new TextDecoder().decode(zip.read(byteorder)).trim();
    if (order !== "little") throw new CheckpointError(`${source}: byteorder record says ${quoteText(order)}; only little-endian checkpoints are supported`);
  }
  const storages = new Map<string, { dtype: SafeDType; bytes: Uint8Array }>();
  const budget = Math.max(MIN_EXPANSION_BYTES, MAX_EXPANSION_RATIO * src.size);
  let expanded = 0;
  const spend = (bytes: number, what: string, purpose: string): void => {
    expanded += bytes;
    if (expanded > budget) {
      throw new CheckpointError(
        `${what}: ${purpose} would bring the checkpoint's tensors to ${expanded} bytes in memory; at most ${budget} allowed for a ${src.size}-byte file (views repeating storage data?)`,
      );
    }
  };
  const loadStorage = (ref: StorageRef, what: string): Uint8Array => {
    const cached = storages.get(ref.key);
    if (cached !== undefined) {
      if (cached.dtype !== ref.dtype) throw new CheckpointError(`${what}: storage ${quoteText(ref.key)} used as both ${cached.dtype} and ${ref.dtype}`);
      return cached.bytes;
    }
    const name = `${root}/data/${ref.key}`;
    const entry = zip.get(name);
    if (entry === undefined) throw new CheckpointError(`${what}: storage record ${quoteText(name)} is missing from the archive`);
    const expected = ref.numel * dtypeItemSize(ref.dtype);
    if (entry.size !== expected) {
      throw new CheckpointError(`${what}: storage record ${quoteText(name)} has ${entry.size} bytes, expected ${expected} (${ref.numel} x ${ref.dtype})`);
    }
    spend(entry.size, what, `storage record ${quoteText(name)}`);
    const bytes = zip.read(entry);
    storages.set(ref.key, { dtype: ref.dtype, bytes });
    return bytes;
  };

  // Rebuilding only records the view; it is checked and copied once the tensor's key is known (for error messages).
  const rebuildTensor = (args: readonly PyValue[], what: string): PyValue => {
    if (args.length < 6 || args.length > 7) throw new CheckpointError(`${what}: expected 6 or 7 arguments, found ${args.length}`);
    const st = args[0];
    if (!(st instanceof PyHost) || !(st.value instanceof StorageRef)) {
      throw new CheckpointError(`${what}: first argument must be a storage, found ${describePy(st)}`);
    }
    const view = new TensorView(
      st.value,
      asInt(args[1], `${what} storage_offset`),
      asIntTuple(args[2], `${what} size`),
      asIntTuple(args[3], `${what} stride`),
    );
    return new PyHost("torch.Tensor", view);
  };

  const materialize = (view: TensorView, what: string): StoredTensor => {
    const { storage: ref, offset, size, stride } = view;
    if (size.length !== stride.length) throw new CheckpointError(`${what}: size has ${size.length} dims but stride has ${stride.length}`);
    const numel = shapeNumel(size, what);
    if (offset < 0 || stride.some((x) => x < 0)) throw new CheckpointError(`${what}: negative storage offset or stride`);
    if (numel > 0) {
      let maxIndex = offset;
      for (let d = 0; d < size.length; d++) maxIndex += ((size[d] as number) - 1) * (stride[d] as number);
      if (maxIndex >= ref.numel) {
        throw new CheckpointError(
          `${what}: view (offset ${offset}, size [${size.join(", ")}], stride [${stride.join(", ")}]) reaches element ${maxIndex} of a ${ref.numel}-element storage`,
        );
      }
    }
    const nbytes = numel * dtypeItemSize(ref.dtype);
    if (numel > ref.numel) {
      const limit = Math.max(MIN_OVERLAP_VIEW_BYTES, src.size);
      if (nbytes > limit) {
        throw new CheckpointError(
          `${what}: overlapping view (size [${size.join(", ")}], stride [${stride.join(", ")}]) expands a ${ref.numel}-element storage to ${numel} elements (${nbytes} bytes); at most ${limit} bytes allowed for a ${src.size}-byte file`,
        );
      }
    }
    if (nbytes > bufferConstants.MAX_LENGTH) {
      throw new CheckpointError(`${what}: ${nbytes} bytes (size [${size.join(", ")}] x ${ref.dtype}) is larger than one buffer can hold (${bufferConstants.MAX_LENGTH})`);
    }
    const storage = loadStorage(ref, what);
    spend(nbytes, what, "this tensor");
    const buf = gather(storage, dtypeItemSize(ref.dtype), offset, size, stride);
    return { dtype: ref.dtype, shape: size, data: typedArrayOnBuffer(ref.dtype, buf) };
  };

  const globals = new Map<string, GlobalHandler>([
    ["collections OrderedDict", {
      call: (args, what) => {
        if (args.length !== 0) throw new CheckpointError(`${what}: only OrderedDict() with no arguments is supported`);
        return new PyDict("OrderedDict");
      },
    }],
    ["torch._utils _rebuild_tensor_v2", { call: rebuildTensor }],
    ["torch._utils _rebuild_parameter", {
      call: (args, what) => {
        const t = args[0];
        if (args.length !== 3 || !(t instanceof PyHost) || !(t.value instanceof TensorView)) {
          throw new CheckpointError(`${what}: expected (tensor, requires_grad, hooks)`);
        }
        return t;
      },
    }],
    ...Object.keys(STORAGE_DTYPES).map((n): [string, GlobalHandler] => [`torch ${n}`, {}]),
  ]);

  const persistentLoad = (pid: PyValue): PyValue => {
    const what = `${source}: persistent id`;
    if (!(pid instanceof PyTuple) || pid.items.length !== 5 || pid.items[0] !== "storage") {
      throw new CheckpointError(`${what}: expected ('storage', type, key, location, numel), found ${describePy(pid)}`);
    }
    const [, type, key, location, numel] = pid.items;
    if (!(type instanceof PyGlobal) || type.module !== "torch" || STORAGE_DTYPES[type.name] === undefined) {
      throw new CheckpointError(`${what}: unsupported storage type ${describePy(type)}`);
    }
    if (typeof key !== "string" || typeof location !== "string") {
      throw new CheckpointError(`${what}: storage key and location must be strings`);
    }
    const n = asInt(numel, `${what} numel`);
    if (n < 0) throw new CheckpointError(`${what}: negative numel`);
    return new PyHost("torch.Storage", new StorageRef(STORAGE_DTYPES[type.name] as SafeDType, key, location, n));
  };

  const pklName = `${root}/data.pkl`;
  const root_ = unpickle(zip.read(pklName), { source: `${source}: ${pklName}`, globals, refusal: REFUSAL, persistentLoad });
  if (!(root_ instanceof PyDict)) {
    throw new CheckpointError(`${source}: expected the checkpoint to hold a state dict (OrderedDict of tensors), found ${describePy(root_)}`);
  }
  const out = new Map<string, StoredTensor>();
  for (const [k, v] of root_.map) {
    if (typeof k !== "string") throw new CheckpointError(`${source}: state dict key ${String(k)} is not a string`);
    if (!(v instanceof PyHost) || !(v.value instanceof TensorView)) {
      throw new CheckpointError(`${source}: state dict entry ${quoteText(k)} is ${describePy(v)}, expected a tensor; ${REFUSAL}`);
    }
    out.set(k, materialize(v.value, `${source}: tensor ${quoteText(k)}`));
  }
  return out;
}

/** Parses an in-memory torch.save checkpoint (zip format) of a tensor state dict. Keys as stored. */
export function decodeTorchCheckpoint(bytes: Uint8Array, source = "<torch checkpoint>"): Map<string, StoredTensor> {
  return decodeFromSource(bytesSource(bytes, source), source);
}

/** Reads a torch.save checkpoint (zip format) of a tensor state dict; records are read from disk on demand. */
export function readTorchCheckpoint(path: string): Map<string, StoredTensor> {
  return withFileSource(path, (src) => decodeFromSource(src, path));
}

/** Maps an official checkpoint key (`_orig_mod.model.inner.X` or `model.inner.X`) to `X`; other keys unchanged. */
export function stripOfficialPrefix(key: string): string {
  for (const p of ["_orig_mod.model.inner.", "model.inner."]) if (key.startsWith(p)) return key.slice(p.length);
  return key;
}

export interface TorchWriteOptions {
  /** Root folder inside the zip; default: the file name without extension (as torch.save does), else "archive". */
  readonly archiveName?: string;
  /** Internal/testing: write zip64 records even when not needed. */
  readonly forceZip64?: boolean;
}

function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  for (let d = shape.length - 1, acc = 1; d >= 0; d--) {
    s[d] = acc;
    acc *= Math.max(1, shape[d] as number);
  }
  return s;
}

function statePickle(list: readonly [string, StoredTensor][]): Uint8Array {
  const w = new PickleWriter();
  w.global("collections", "OrderedDict").emptyTuple().reduce().mark();
  list.forEach(([key, t], i) => {
    const numel = t.data.length;
    w.str(key).global("torch._utils", "_rebuild_tensor_v2").mark();
    w.mark().str("storage").global("torch", STORAGE_OF_DTYPE[t.dtype]).str(String(i)).str("cpu").int(numel).tuple().binPersId();
    w.int(0).intTuple(t.shape).intTuple(contiguousStrides(t.shape)).bool(false);
    w.global("collections", "OrderedDict").emptyTuple().reduce();
    w.tuple().reduce();
  });
  return w.setItems().finish();
}

function archiveNameFor(path: string, opt: string | undefined): string {
  const name = opt ?? (basename(path).replace(/\.[^.]*$/, "") || "archive");
  if (name === "" || name.includes("/") || name.includes("\\")) throw new CheckpointError(`invalid archive name "${name}"`);
  return name;
}

function emitCheckpoint(
  sink: (chunk: Uint8Array) => void,
  tensors: Map<string, StoredTensor> | Record<string, StoredTensor>,
  archiveName: string,
  forceZip64: boolean,
): void {
  requireLittleEndianHost("writeTorchCheckpoint");
  const list = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  for (const [k, t] of list) {
    if (k === "") throw new CheckpointError("writeTorchCheckpoint: empty tensor name");
    checkStoredTensor(k, t);
  }
  const zip = new ZipWriter(sink, { alignment: 64, forceZip64 });
  zip.add(`${archiveName}/data.pkl`, statePickle(list));
  zip.add(`${archiveName}/byteorder`, new TextEncoder().encode("little"));
  list.forEach(([, t], i) => zip.add(`${archiveName}/data/${i}`, tensorBytes(t)));
  zip.add(`${archiveName}/version`, new TextEncoder().encode("3\n"));
  zip.finish();
}

/** Serialises tensors as a torch.save checkpoint (OrderedDict state dict) in memory. */
export function encodeTorchCheckpoint(
  tensors: Map<string, StoredTensor> | Record<string, StoredTensor>,
  opts: TorchWriteOptions = {},
): Uint8Array {
  const chunks: Uint8Array[] = [];
  emitCheckpoint((c) => chunks.push(c), tensors, archiveNameFor("archive", opts.archiveName), opts.forceZip64 ?? false);
  const out = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** Writes a checkpoint that torch.load accepts (atomic: temp file + rename, via src/util/atomic). */
export function writeTorchCheckpoint(
  path: string,
  tensors: Map<string, StoredTensor> | Record<string, StoredTensor>,
  opts: TorchWriteOptions = {},
): void {
  writeFileAtomicSync(path, encodeTorchCheckpoint(tensors, { ...opts, archiveName: archiveNameFor(path, opts.archiveName) }));
}
