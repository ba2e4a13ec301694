// Builders of small hostile files (fuzzing-campaign findings) for the robustness tests: tiny torch
// checkpoints whose views, deflated records or pickles would expand to gigabytes, and lying .npy headers.

import { deflateRawSync, constants as zlibConstants } from "node:zlib";
import { crc32 } from "../../src/io/crc32.js";
import { PickleWriter } from "../../src/io/pickle-writer.js";
import { ZipWriter } from "../../src/io/zip-writer.js";

/** A stored-entry zip of the given records (our writer, 64-byte aligned like torch.save). */
export function storedZip(entries: readonly [string, Uint8Array][]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const w = new ZipWriter((c) => chunks.push(c.slice()));
  for (const [n, d] of entries) w.add(n, d);
  w.finish();
  return new Uint8Array(Buffer.concat(chunks));
}

export interface RawZipEntry {
  readonly name: string;
  /** The bytes as they lie in the file (already deflated when method is 8). */
  readonly raw: Uint8Array;
  readonly method: 0 | 8;
  /** The uncompressed size the directory declares. */
  readonly size: number;
  readonly crc: number;
}

/** A zip whose directory says exactly what the entries claim (sizes and CRCs may lie). */
export function rawZip(entries: readonly RawZipEntry[]): Uint8Array {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, "utf8");
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(e.raw.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(e.method, 10);
    c.writeUInt32LE(e.crc >>> 0, 16);
    c.writeUInt32LE(e.raw.length, 20);
    c.writeUInt32LE(e.size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(offset, 42);
    parts.push(local, name, Buffer.from(e.raw));
    central.push(c, name);
    offset += 30 + name.length + e.raw.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...parts, cd, end]));
}

/** A raw deflate stream that inflates to `mib` MiB of zero bytes, built from repeated 1 MiB blocks (about 1 KB each). */
export function zeroDeflateStream(mib: number): Uint8Array {
  const block = deflateRawSync(new Uint8Array(1 << 20), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  const last = deflateRawSync(new Uint8Array(0));
  const out = new Uint8Array(block.length * mib + last.length);
  for (let i = 0; i < mib; i++) out.set(block, i * block.length);
  out.set(last, block.length * mib);
  return out;
}

/** A deflated zip entry of real data (honest size and CRC). */
export function deflatedEntry(name: string, data: Uint8Array): RawZipEntry {
  return { name, raw: deflateRawSync(data), method: 8, size: data.length, crc: crc32(data) };
}

export interface ViewSpec {
  readonly key: string;
  readonly size: readonly number[];
  readonly stride: readonly number[];
  readonly offset?: number;
}

/** The pickle of a state dict whose tensors are views of one F32 storage "0" of `storageNumel` elements. */
export function viewsPickle(views: readonly ViewSpec[], storageNumel: number): Uint8Array {
  const w = new PickleWriter();
  w.global("collections", "OrderedDict").emptyTuple().reduce().mark();
  for (const v of views) {
    w.str(v.key).global("torch._utils", "_rebuild_tensor_v2").mark();
    w.mark().str("storage").global("torch", "FloatStorage").str("0").str("cpu").int(storageNumel).tuple().binPersId();
    w.int(v.offset ?? 0).intTuple(v.size).intTuple(v.stride).bool(false).global("collections", "OrderedDict").emptyTuple().reduce();
    w.tuple().reduce();
  }
  return w.setItems().finish();
}

/** The pickle of a one-tensor state dict {"w": view (size, stride) of an F32 storage of `storageNumel` elements}. */
export function viewPickle(size: readonly number[], stride: readonly number[], storageNumel: number): Uint8Array {
  return viewsPickle([{ key: "w", size, stride }], storageNumel);
}

/** A torch checkpoint with one view of a one-element F32 storage: stride 0 makes any size "fit". */
export function strideZeroCheckpoint(size: readonly number[]): Uint8Array {
  return storedZip([
    ["archive/data.pkl", viewPickle(size, size.map(() => 0), 1)],
    ["archive/data/0", new Uint8Array(new Float32Array([1.5]).buffer)],
  ]);
}

/** A torch checkpoint whose data.pkl is deflated and declares `mib` MiB (a zip bomb; CRC of the real pickle). */
export function inflatedPickleCheckpoint(mib: number): Uint8Array {
  return rawZip([{ name: "archive/data.pkl", raw: zeroDeflateStream(mib), method: 8, size: mib << 20, crc: 0 }]);
}

/** A protocol-2 pickle of `n` lists nested inside each other (2 bytes per list). */
export function nestedListsPickle(n: number): Uint8Array {
  const out = new Uint8Array(2 + 2 * n);
  out[0] = 0x80;
  out[1] = 2;
  out.fill(0x5d, 2, 2 + n); // EMPTY_LIST
  out.fill(0x61, 2 + n, 1 + 2 * n); // APPEND (n - 1 times)
  out[1 + 2 * n] = 0x2e; // STOP
  return out;
}

/** A torch checkpoint whose data.pkl is `nestedListsPickle(n)`. */
export function nestedListsCheckpoint(n: number): Uint8Array {
  return storedZip([["archive/data.pkl", nestedListsPickle(n)]]);
}

/** A .npy file (format 2.0) whose 4-byte header length says `headerLen`, padded with spaces to `fileBytes`. */
export function lyingNpy(headerLen: number, fileBytes: number): Uint8Array {
  const b = Buffer.alloc(fileBytes, 0x20);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0]).copy(b, 0);
  b.writeUInt32LE(headerLen >>> 0, 8);
  b.write("{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }", 12, "latin1");
  return new Uint8Array(b);
}
