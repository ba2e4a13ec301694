// NumPy .npy files (format versions 1.0, 2.0 and 3.0): header parsing and formatting, a streaming
// writer (the header is patched with the final row count on close, so a multi-GB array never sits in
// memory), and a random-access reader that converts any integer dtype to int32 rows on demand.
// Layout: "\x93NUMPY", major, minor, header length (u16 LE for v1, u32 LE for v2/v3), then a Python
// dict literal {'descr': ..., 'fortran_order': ..., 'shape': (...), } padded with spaces and '\n' so
// that the data starts at a multiple of 64 bytes.
import { constants as bufferConstants } from "node:buffer";
import { closeSync, fstatSync, openSync, readSync, writeSync } from "node:fs";
import { endianness } from "node:os";
import { DataError, ShapeError } from "../engine/errors.js";
import { clipText, quoteText } from "../util/message-text.js";

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // "\x93NUMPY"
const ALIGN = 64;
/** Reserved header size of streamed files: room for a shape with up to ~40 digits. */
const STREAM_HEADER_BYTES = 128;
/** Longest header dict accepted (NumPy's own np.load refuses more than 10 000 bytes by default). */
export const MAX_NPY_HEADER_BYTES = 1 << 20;
/** The most elements one typed array may have (V8: 2^32 on 64-bit hosts). */
const MAX_TYPED_ARRAY_ELEMENTS = 2 ** 32;

if (endianness() !== "LE") throw new DataError("hrm data: a little-endian host is required for .npy I/O");

/** Integer dtypes this project reads; it writes `|u1` and `<i4`. */
export interface IntDtype {
  readonly descr: string;
  readonly signed: boolean;
  readonly bytes: 1 | 2 | 4 | 8;
  readonly littleEndian: boolean;
}

export function parseDescr(descr: string, file: string): IntDtype {
  const m = /^([<>|=])([iu])([1248])$/.exec(descr);
  if (m === null) {
    throw new DataError(`${file}: unsupported dtype ${quoteText(descr, 40)}; expected an integer dtype such as '|u1', '<i4' or '<i8'`);
  }
  const bytes = Number(m[3]) as 1 | 2 | 4 | 8;
  return { descr, signed: m[2] === "i", bytes, littleEndian: m[1] !== ">" };
}

export interface NpyHeader {
  readonly descr: string;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
  /** Byte offset of the first element. */
  readonly dataOffset: number;
}

function shapeLiteral(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(", ")})`;
}

/** The header bytes (magic through '\n'), padded to `minBytes` and to a multiple of 64. */
export function formatNpyHeader(descr: string, shape: readonly number[], minBytes = 0): Buffer {
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeLiteral(shape)}, }`;
  let version = 1;
  let prefix = 10; // magic 6 + version 2 + u16 length
  let total = Math.max(minBytes, Math.ceil((prefix + dict.length + 1) / ALIGN) * ALIGN);
  if (total - prefix > 0xffff) {
    version = 2;
    prefix = 12;
    total = Math.max(minBytes, Math.ceil((prefix + dict.length + 1) / ALIGN) * ALIGN);
  }
  const headerLen = total - prefix;
  const out = Buffer.alloc(total, 0x20);
  MAGIC.copy(out, 0);
  out[6] = version;
  out[7] = 0;
  if (version === 1) out.writeUInt16LE(headerLen, 8);
  else out.writeUInt32LE(headerLen, 8);
  out.write(dict, prefix, "latin1");
  out[total - 1] = 0x0a;
  return out;
}

/** The magic, version and header length at the start of a .npy file; `fileBytes` bounds the length it may claim. */
export function npyHeaderExtent(buf: Uint8Array, file: string, fileBytes = buf.byteLength): { major: number; prefix: number; headerLen: number } {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 10 || !b.subarray(0, 6).equals(MAGIC)) {
    throw new DataError(`${file}: not a .npy file (missing the \\x93NUMPY magic)`);
  }
  const major = b[6]!;
  let prefix: number;
  let headerLen: number;
  if (major === 1) { prefix = 10; headerLen = b.readUInt16LE(8); }
  else if (major === 2 || major === 3) {
    if (b.length < 12) throw new DataError(`${file}: truncated .npy header`);
    prefix = 12; headerLen = b.readUInt32LE(8);
  } else throw new DataError(`${file}: unsupported .npy format version ${major}.${b[7]}; expected 1.0, 2.0 or 3.0`);
  if (headerLen > MAX_NPY_HEADER_BYTES) {
    throw new DataError(`${file}: .npy header length ${headerLen} is absurd (limit ${MAX_NPY_HEADER_BYTES} bytes)`);
  }
  if (fileBytes < prefix + headerLen) {
    throw new DataError(`${file}: truncated .npy header (the header length field says ${prefix + headerLen} bytes, the file has ${fileBytes})`);
  }
  return { major, prefix, headerLen };
}

/** Parse the header at the start of `buf` (which must hold at least the whole header). */
export function parseNpyHeader(buf: Uint8Array, file: string): NpyHeader {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const { major, prefix, headerLen } = npyHeaderExtent(buf, file);
  const text = b.subarray(prefix, prefix + headerLen).toString(major === 3 ? "utf8" : "latin1");
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]+)['"]/.exec(text)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new DataError(`${file}: malformed .npy header ${quoteText(text.trim())}`);
  }
  const shape = shapeText.split(",").map((s) => s.trim()).filter((s) => s !== "").map((s) => {
    const n = Number(s.replace(/L$/, ""));
    if (!Number.isSafeInteger(n) || n < 0) throw new DataError(`${file}: bad dimension ${quoteText(s, 40)} in .npy shape (${clipText(shapeText)})`);
    return n;
  });
  return { descr, fortranOrder: fortran === "True", shape, dataOffset: prefix + headerLen };
}

/** Typed arrays whose bytes can be written verbatim (host is little-endian). */
export type RawArray = Uint8Array | Int32Array;

function descrOf(a: RawArray): string {
  return a instanceof Uint8Array ? "|u1" : "<i4";
}

function bytesOf(a: RawArray): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** Write a whole array to `path` (the caller makes it atomic, e.g. inside a temp directory). */
export function writeNpy(path: string, data: RawArray, shape: readonly number[]): void {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new ShapeError(`writeNpy ${path}: shape (${shape.join(", ")}) holds ${n} values, data has ${data.length}`);
  const fd = openSync(path, "w");
  try {
    writeSync(fd, formatNpyHeader(descrOf(data), shape));
    const bytes = bytesOf(data);
    for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, Math.min(bytes.length - off, 1 << 26));
  } finally {
    closeSync(fd);
  }
}

/**
 * Appends rows of `rowLength` values to a .npy file; `close()` patches the header with the row count.
 * Writes go through a 4 MiB buffer.
 */
export class NpyStreamWriter {
  private readonly fd: number;
  private readonly buf: Buffer;
  private used = 0;
  private values = 0;
  private closed = false;

  constructor(
    readonly path: string,
    readonly descr: "|u1" | "<i4",
    /** Values per row; 0 means a 1-D array. */
    readonly rowLength: number,
  ) {
    this.fd = openSync(path, "w");
    this.buf = Buffer.alloc(1 << 22);
    writeSync(this.fd, formatNpyHeader(descr, this.shape(), STREAM_HEADER_BYTES));
  }

  private shape(): number[] {
    return this.rowLength === 0 ? [this.values] : [this.values / this.rowLength, this.rowLength];
  }

  /** Append values (a whole number of rows for 2-D files). */
  append(data: RawArray): void {
    if (descrOf(data) !== this.descr) throw new DataError(`${this.path}: appending ${descrOf(data)} to a ${this.descr} file`);
    this.values += data.length;
    const bytes = bytesOf(data);
    if (bytes.length > this.buf.length - this.used) this.flush();
    if (bytes.length >= this.buf.length) {
      for (let off = 0; off < bytes.length;) off += writeSync(this.fd, bytes, off, bytes.length - off);
      return;
    }
    bytes.copy(this.buf, this.used);
    this.used += bytes.length;
  }

  /** Append a single int32 value to a 1-D `<i4` file. */
  appendInt(v: number): void {
    if (this.used + 4 > this.buf.length) this.flush();
    this.buf.writeInt32LE(v, this.used);
    this.used += 4;
    this.values += 1;
  }

  get rows(): number {
    return this.rowLength === 0 ? this.values : this.values / this.rowLength;
  }

  private flush(): void {
    for (let off = 0; off < this.used;) off += writeSync(this.fd, this.buf, off, this.used - off);
    this.used = 0;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.rowLength !== 0 && this.values % this.rowLength !== 0) {
        throw new DataError(`${this.path}: ${this.values} values is not a whole number of rows of ${this.rowLength}`);
      }
      this.flush();
      writeSync(this.fd, formatNpyHeader(this.descr, this.shape(), STREAM_HEADER_BYTES), 0, STREAM_HEADER_BYTES, 0);
    } finally {
      closeSync(this.fd);
    }
  }

  /** Close the file descriptor without patching (after an error; the file is discarded). */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

/** Convert `count` elements of dtype `dt` from `src` to int32, checking the int32 range. */
export function decodeToInt32(src: Buffer, dt: IntDtype, out: Int32Array, outOffset: number, count: number, file: string): void {
  if (dt.bytes === 1) {
    if (dt.signed) for (let i = 0; i < count; i++) out[outOffset + i] = src.readInt8(i);
    else for (let i = 0; i < count; i++) out[outOffset + i] = src[i]!;
    return;
  }
  const le = dt.littleEndian;
  for (let i = 0; i < count; i++) {
    let v: number;
    const o = i * dt.bytes;
    if (dt.bytes === 2) v = dt.signed ? (le ? src.readInt16LE(o) : src.readInt16BE(o)) : (le ? src.readUInt16LE(o) : src.readUInt16BE(o));
    else if (dt.bytes === 4) v = dt.signed ? (le ? src.readInt32LE(o) : src.readInt32BE(o)) : (le ? src.readUInt32LE(o) : src.readUInt32BE(o));
    else {
      const lo = le ? src.readUInt32LE(o) : src.readUInt32BE(o + 4);
      const hi = le ? src.readInt32LE(o + 4) : src.readInt32BE(o);
      v = dt.signed ? hi * 4294967296 + lo : (hi >>> 0) * 4294967296 + lo;
    }
    if (v > 2147483647 || v < -2147483648) throw new DataError(`${file}: value ${v} does not fit in int32`);
    out[outOffset + i] = v;
  }
}

/** Reads up to `buf.length` bytes at `position` (fewer only at the end of the file); returns the count. */
function readFully(fd: number, buf: Buffer, position: number): number {
  let off = 0;
  while (off < buf.length) {
    const r = readSync(fd, buf, off, buf.length - off, position + off);
    if (r === 0) break;
    off += r;
  }
  return off;
}

/** A .npy file opened for random access; any integer dtype, C order, read as int32. */
export class NpyFile {
  readonly dtype: IntDtype;
  readonly shape: readonly number[];
  private readonly dataOffset: number;
  private fd: number;

  private constructor(readonly path: string, fd: number, header: NpyHeader) {
    this.fd = fd;
    this.dtype = parseDescr(header.descr, path);
    this.shape = header.shape;
    this.dataOffset = header.dataOffset;
  }

  static open(path: string): NpyFile {
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch (err) {
      throw new DataError(`${path}: cannot open (${(err as Error).message})`);
    }
    try {
      const have = fstatSync(fd).size;
      const pre = Buffer.alloc(12);
      const { prefix, headerLen } = npyHeaderExtent(pre.subarray(0, readFully(fd, pre, 0)), path, have);
      // The length is bounded by the file size and MAX_NPY_HEADER_BYTES, so this read is too.
      const head = Buffer.alloc(prefix + headerLen);
      const header = parseNpyHeader(head.subarray(0, readFully(fd, head, 0)), path);
      const file = new NpyFile(path, fd, header);
      if (header.fortranOrder && header.shape.length > 1) throw new DataError(`${path}: Fortran-order arrays are not supported; save with C order`);
      const need = header.dataOffset + file.size * file.dtype.bytes;
      if (have < need) throw new DataError(`${path}: truncated: shape (${header.shape.join(", ")}) needs ${need} bytes, file has ${have}`);
      return file;
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /** Total number of elements. */
  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  /** Length of the first axis. */
  get rows(): number {
    return this.shape.length === 0 ? 1 : this.shape[0]!;
  }

  /** Elements per row (product of the trailing axes). */
  get rowLength(): number {
    return this.shape.slice(1).reduce((a, b) => a * b, 1);
  }

  /** Read `count` consecutive rows starting at `start` as int32. */
  readRows(start: number, count: number, out?: Int32Array, outOffset = 0): Int32Array {
    if (start < 0 || count < 0 || start + count > this.rows) {
      throw new DataError(`${this.path}: rows [${start}, ${start + count}) out of range (rows = ${this.rows})`);
    }
    const n = count * this.rowLength;
    if (out === undefined) {
      if (n > MAX_TYPED_ARRAY_ELEMENTS) throw new DataError(`${this.path}: ${n} values are more than one int32 array can hold (${MAX_TYPED_ARRAY_ELEMENTS}); read fewer rows at a time`);
      out = new Int32Array(n);
    }
    const chunkElems = Math.max(1, Math.floor((1 << 24) / this.dtype.bytes));
    const buf = Buffer.alloc(Math.min(n, chunkElems) * this.dtype.bytes);
    for (let done = 0; done < n;) {
      const m = Math.min(chunkElems, n - done);
      const pos = this.dataOffset + (start * this.rowLength + done) * this.dtype.bytes;
      const bytes = m * this.dtype.bytes;
      for (let off = 0; off < bytes;) {
        const r = readSync(this.fd, buf, off, bytes - off, pos + off);
        if (r === 0) throw new DataError(`${this.path}: unexpected end of file`);
        off += r;
      }
      decodeToInt32(buf, this.dtype, out, outOffset + done, m, this.path);
      done += m;
    }
    return out;
  }

  readAll(): Int32Array {
    return this.readRows(0, this.rows);
  }

  /** Bytes per element. */
  get itemBytes(): number {
    return this.dtype.bytes;
  }

  /** All element bytes, undecoded (for in-memory row sources; decode with `decodeToInt32`). */
  readRaw(): Buffer {
    const bytes = this.size * this.dtype.bytes;
    if (bytes > bufferConstants.MAX_LENGTH) throw new DataError(`${this.path}: ${bytes} data bytes are more than one buffer can hold (${bufferConstants.MAX_LENGTH})`);
    const buf = Buffer.allocUnsafe(bytes);
    for (let off = 0; off < bytes;) {
      const r = readSync(this.fd, buf, off, Math.min(bytes - off, 1 << 30), this.dataOffset + off);
      if (r === 0) throw new DataError(`${this.path}: unexpected end of file`);
      off += r;
    }
    return buf;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
