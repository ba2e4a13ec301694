// Zip archive reader: central directory (with zip64), stored and deflated entries, CRC-checked.

import { constants as bufferConstants } from "node:buffer";
import { inflateRawSync } from "node:zlib";
import { CheckpointError } from "../engine/errors.js";
import type { ByteSource } from "./byte-source.js";
import { crc32 } from "./crc32.js";
import { quoteText } from "../util/message-text.js";

export interface ZipEntry {
  readonly name: string;
  /** 0 = stored, 8 = deflate. */
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly crc32: number;
  readonly localHeaderOffset: number;
}

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_EOCD64_LOCATOR = 0x07064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;
/**
 * A deflated entry may declare at most this many times its compressed size (above MIN_INFLATE_LIMIT): deflate can
 * reach ~1000:1 on constant data, which is how a 0.5 MB zip "holds" 512 MiB. torch.save writes stored records, and
 * real deflated pickles and tensors compress far less than this.
 */
export const MAX_INFLATE_RATIO = 64;
/** Declared sizes up to this many bytes are always inflated, whatever the ratio. */
export const MIN_INFLATE_LIMIT = 1 << 20;

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function u64(dv: DataView, off: number, what: string): number {
  const v = dv.getBigUint64(off, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new CheckpointError(`${what}: 64-bit value ${v} is too large`);
  return Number(v);
}

/** Reads a zip archive's directory up front; entries are read (and CRC-checked) on demand. */
export class ZipReader {
  private readonly byName = new Map<string, ZipEntry>();
  readonly entries: readonly ZipEntry[];

  constructor(
    private readonly src: ByteSource,
    private readonly name: string,
  ) {
    this.entries = this.readDirectory();
    for (const e of this.entries) {
      if (this.byName.has(e.name)) throw new CheckpointError(`${name}: zip has two entries named ${quoteText(e.name)}`);
      this.byName.set(e.name, e);
    }
  }

  get(entryName: string): ZipEntry | undefined {
    return this.byName.get(entryName);
  }

  private readDirectory(): ZipEntry[] {
    const { src, name } = this;
    if (src.size < 22) {
      throw new CheckpointError(`${name}: ${src.size} bytes is too short for a zip archive (truncated or not a torch checkpoint)`);
    }
    const tailLen = Math.min(src.size, 22 + U16_MAX);
    const tailStart = src.size - tailLen;
    const tail = src.read(tailStart, tailLen);
    const tdv = view(tail);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tdv.getUint32(i, true) === SIG_EOCD && i + 22 + tdv.getUint16(i + 20, true) <= tailLen) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) {
      throw new CheckpointError(
        `${name}: zip end-of-central-directory record not found (file truncated, or not a zip-format torch checkpoint)`,
      );
    }
    let count = tdv.getUint16(eocd + 10, true);
    let cdSize = tdv.getUint32(eocd + 12, true);
    let cdOffset = tdv.getUint32(eocd + 16, true);
    if (tdv.getUint16(eocd + 4, true) !== 0 || tdv.getUint16(eocd + 6, true) !== 0) {
      throw new CheckpointError(`${name}: multi-disk zip archives are not supported`);
    }
    const eocdAbs = tailStart + eocd;
    if (count === U16_MAX || cdSize === U32_MAX || cdOffset === U32_MAX) {
      if (eocdAbs < 20) throw new CheckpointError(`${name}: zip64 locator missing`);
      const loc = view(src.read(eocdAbs - 20, 20));
      if (loc.getUint32(0, true) !== SIG_EOCD64_LOCATOR) throw new CheckpointError(`${name}: zip64 locator missing`);
      const e64Off = u64(loc, 8, name);
      const e64 = view(src.read(e64Off, 56));
      if (e64.getUint32(0, true) !== SIG_EOCD64) throw new CheckpointError(`${name}: zip64 end-of-central-directory record not found at ${e64Off}`);
      count = u64(e64, 32, name);
      cdSize = u64(e64, 40, name);
      cdOffset = u64(e64, 48, name);
    }
    if (cdOffset + cdSize > src.size) {
      throw new CheckpointError(
        `${name}: central directory [${cdOffset}, ${cdOffset + cdSize}) lies past the end of the ${src.size}-byte file (truncated?)`,
      );
    }
    const cd = src.read(cdOffset, cdSize);
    const dv = view(cd);
    const out: ZipEntry[] = [];
    let p = 0;
    const utf8 = new TextDecoder("utf-8", { fatal: false });
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || dv.getUint32(p, true) !== SIG_CENTRAL) {
        throw new CheckpointError(`${name}: central directory entry ${i} of ${count} is malformed`);
      }
      const flags = dv.getUint16(p + 8, true);
      const method = dv.getUint16(p + 10, true);
      const crc = dv.getUint32(p + 16, true);
      let compressedSize = dv.getUint32(p + 20, true);
      let size = dv.getUint32(p + 24, true);
      const nameLen = dv.getUint16(p + 28, true);
      const extraLen = dv.getUint16(p + 30, true);
      const commentLen = dv.getUint16(p + 32, true);
      let localHeaderOffset = dv.getUint32(p + 42, true);
      if (p + 46 + nameLen + extraLen + commentLen > cd.length) {
        throw new CheckpointError(`${name}: central directory entry ${i} runs past the directory`);
      }
      const entryName = utf8.decode(cd.subarray(p + 46, p + 46 + nameLen));
      // zip64 extended information: the fields whose 32-bit value is saturated, in this order.
      let q = p + 46 + nameLen;
      const extraEnd = q + extraLen;
      while (q + 4 <= extraEnd) {
        const id = dv.getUint16(q, true);
        const len = dv.getUint16(q + 2, true);
        if (id === 0x0001) {
          let r = q + 4;
          const need = (): number => {
            if (r + 8 > q + 4 + len) throw new CheckpointError(`${name}: ${quoteText(entryName)}: zip64 extra field too short`);
            const v = u64(dv, r, name);
            r += 8;
            return v;
          };
          if (size === U32_MAX) size = need();
          if (compressedSize === U32_MAX) compressedSize = need();
          if (localHeaderOffset === U32_MAX) localHeaderOffset = need();
        }
        q += 4 + len;
      }
      if (flags & 1) throw new CheckpointError(`${name}: ${quoteText(entryName)} is encrypted; encrypted archives are not supported`);
      if (method !== 0 && method !== 8) {
        throw new CheckpointError(`${name}: ${quoteText(entryName)} uses compression method ${method}; only stored (0) and deflate (8) are supported`);
      }
      if (method === 0 && compressedSize !== size) {
        throw new CheckpointError(`${name}: stored entry ${quoteText(entryName)} has compressed size ${compressedSize} != size ${size}`);
      }
      out.push({ name: entryName, method, compressedSize, size, crc32: crc, localHeaderOffset });
      p += 46 + nameLen + extraLen + commentLen;
    }
    return out;
  }

  /** The entry's uncompressed bytes (a fresh copy or a view of memory that must not be written). */
  read(entryOrName: ZipEntry | string): Uint8Array {
    const e = typeof entryOrName === "string" ? this.byName.get(entryOrName) : entryOrName;
    if (e === undefined) throw new CheckpointError(`${this.name}: zip has no entry ${quoteText(String(entryOrName))}`);
    const what = `${this.name}: entry ${quoteText(e.name)}`;
    if (e.localHeaderOffset + 30 > this.src.size) throw new CheckpointError(`${what}: local header lies past the end of the file (truncated?)`);
    const lh = view(this.src.read(e.localHeaderOffset, 30));
    if (lh.getUint32(0, true) !== SIG_LOCAL) throw new CheckpointError(`${what}: bad local header signature`);
    const dataStart = e.localHeaderOffset + 30 + lh.getUint16(26, true) + lh.getUint16(28, true);
    if (dataStart + e.compressedSize > this.src.size) {
      throw new CheckpointError(
        `${what}: data [${dataStart}, ${dataStart + e.compressedSize}) lies past the end of the ${this.src.size}-byte file (truncated?)`,
      );
    }
    if (e.method === 8) {
      const limit = Math.min(bufferConstants.MAX_LENGTH, Math.max(MIN_INFLATE_LIMIT, MAX_INFLATE_RATIO * e.compressedSize));
      if (e.size > limit) {
        throw new CheckpointError(
          `${what}: deflated entry declares ${e.size} bytes from ${e.compressedSize} compressed bytes; at most ${limit} allowed ` +
            `(${MAX_INFLATE_RATIO}:1, a zip bomb?; torch.save writes stored records)`,
        );
      }
    }
    const raw = this.src.read(dataStart, e.compressedSize);
    let data: Uint8Array;
    if (e.method === 0) {
      data = raw;
    } else {
      try {
        data = inflateRawSync(raw, { maxOutputLength: Math.max(1, e.size) });
      } catch (err) {
        throw new CheckpointError(`${what}: deflate data is corrupt (${(err as Error).message})`);
      }
      if (data.length !== e.size) throw new CheckpointError(`${what}: inflated to ${data.length} bytes, expected ${e.size}`);
    }
    const c = crc32(data);
    if (c !== e.crc32) {
      throw new CheckpointError(`${what}: CRC-32 mismatch (expected ${e.crc32.toString(16)}, found ${c.toString(16)}): file is corrupt`);
    }
    // A plain Uint8Array view (inflate returns a Buffer), so callers get one type.
    return data.constructor === Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
}
