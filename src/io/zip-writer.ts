// Zip archive writer: stored entries, each record's data aligned (PyTorch-style "FB" padding extra field), zip64 when needed.

import { CheckpointError } from "../engine/errors.js";
import { crc32 } from "./crc32.js";

export interface ZipWriterOptions {
  /** Alignment of each record's data in the file; PyTorch uses 64. */
  readonly alignment?: number;
  /** Write zip64 records even for small archives (tests the zip64 path without a 4 GiB file). */
  readonly forceZip64?: boolean;
}

interface Written {
  readonly name: Uint8Array;
  readonly crc: number;
  readonly size: number;
  readonly offset: number;
}

const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;
const DOS_DATE_1980_01_01 = 0x0021;
const FLAG_UTF8 = 0x0800;

/** Streams a zip archive into `sink`, one stored entry at a time; call `finish` once at the end. */
export class ZipWriter {
  private offset = 0;
  private readonly written: Written[] = [];
  private readonly names = new Set<string>();
  private finished = false;
  private readonly alignment: number;
  private readonly forceZip64: boolean;

  constructor(
    private readonly sink: (chunk: Uint8Array) => void,
    opts: ZipWriterOptions = {},
  ) {
    this.alignment = opts.alignment ?? 64;
    this.forceZip64 = opts.forceZip64 ?? false;
    if (!Number.isInteger(this.alignment) || this.alignment < 1 || this.alignment > 4096) {
      throw new CheckpointError(`zip alignment must be an integer in [1, 4096], found ${this.alignment}`);
    }
  }

  private emit(chunk: Uint8Array): void {
    this.sink(chunk);
    this.offset += chunk.length;
  }

  /** Adds a stored (uncompressed) entry. */
  add(name: string, data: Uint8Array): void {
    if (this.finished) throw new CheckpointError("zip writer: add after finish");
    if (this.names.has(name)) throw new CheckpointError(`zip writer: duplicate entry "${name}"`);
    this.names.add(name);
    const nameBytes = new TextEncoder().encode(name);
    if (nameBytes.length > U16_MAX) throw new CheckpointError(`zip writer: entry name too long`);
    const zip64 = this.forceZip64 || data.length >= U32_MAX;
    const zip64Extra = zip64 ? 20 : 0;
    const start = this.offset + 30 + nameBytes.length + zip64Extra + 4;
    const pad = (this.alignment - (start % this.alignment)) % this.alignment;
    const extraLen = zip64Extra + 4 + pad;
    const header = new Uint8Array(30 + nameBytes.length + extraLen);
    const dv = new DataView(header.buffer);
    const crc = crc32(data);
    dv.setUint32(0, 0x04034b50, true);
    dv.setUint16(4, zip64 ? 45 : 20, true);
    dv.setUint16(6, FLAG_UTF8, true);
    dv.setUint16(8, 0, true); // stored
    dv.setUint16(10, 0, true); // time
    dv.setUint16(12, DOS_DATE_1980_01_01, true);
    dv.setUint32(14, crc, true);
    dv.setUint32(18, zip64 ? U32_MAX : data.length, true);
    dv.setUint32(22, zip64 ? U32_MAX : data.length, true);
    dv.setUint16(26, nameBytes.length, true);
    dv.setUint16(28, extraLen, true);
    header.set(nameBytes, 30);
    let e = 30 + nameBytes.length;
    if (zip64) {
      dv.setUint16(e, 0x0001, true);
      dv.setUint16(e + 2, 16, true);
      dv.setBigUint64(e + 4, BigInt(data.length), true);
      dv.setBigUint64(e + 12, BigInt(data.length), true);
      e += 20;
    }
    header[e] = 0x46; // 'F'
    header[e + 1] = 0x42; // 'B'
    dv.setUint16(e + 2, pad, true);
    header.fill(0x5a, e + 4, e + 4 + pad); // 'Z'
    const offset = this.offset;
    this.emit(header);
    this.emit(data);
    this.written.push({ name: nameBytes, crc, size: data.length, offset });
  }

  /** Writes the central directory and end records. */
  finish(): void {
    if (this.finished) throw new CheckpointError("zip writer: finish called twice");
    this.finished = true;
    const cdStart = this.offset;
    for (const w of this.written) {
      const bigSize = this.forceZip64 || w.size >= U32_MAX;
      const bigOff = this.forceZip64 || w.offset >= U32_MAX;
      const extraLen = bigSize || bigOff ? 4 + (bigSize ? 16 : 0) + (bigOff ? 8 : 0) : 0;
      const rec = new Uint8Array(46 + w.name.length + extraLen);
      const dv = new DataView(rec.buffer);
      dv.setUint32(0, 0x02014b50, true);
      dv.setUint16(4, bigSize || bigOff ? 45 : 20, true);
      dv.setUint16(6, bigSize || bigOff ? 45 : 20, true);
      dv.setUint16(8, FLAG_UTF8, true);
      dv.setUint16(10, 0, true);
      dv.setUint16(12, 0, true);
      dv.setUint16(14, DOS_DATE_1980_01_01, true);
      dv.setUint32(16, w.crc, true);
      dv.setUint32(20, bigSize ? U32_MAX : w.size, true);
      dv.setUint32(24, bigSize ? U32_MAX : w.size, true);
      dv.setUint16(28, w.name.length, true);
      dv.setUint16(30, extraLen, true);
      dv.setUint16(32, 0, true);
      dv.setUint16(34, 0, true);
      dv.setUint16(36, 0, true);
      dv.setUint32(38, 0, true);
      dv.setUint32(42, bigOff ? U32_MAX : w.offset, true);
      rec.set(w.name, 46);
      if (extraLen > 0) {
        let e = 46 + w.name.length;
        dv.setUint16(e, 0x0001, true);
        dv.setUint16(e + 2, extraLen - 4, true);
        e += 4;
        if (bigSize) {
          dv.setBigUint64(e, BigInt(w.size), true);
          dv.setBigUint64(e + 8, BigInt(w.size), true);
          e += 16;
        }
        if (bigOff) dv.setBigUint64(e, BigInt(w.offset), true);
      }
      this.emit(rec);
    }
    const cdSize = this.offset - cdStart;
    const n = this.written.length;
    const zip64 = this.forceZip64 || n >= U16_MAX || cdStart >= U32_MAX || cdSize >= U32_MAX;
    if (zip64) {
      const e64Off = this.offset;
      const r = new Uint8Array(56 + 20);
      const dv = new DataView(r.buffer);
      dv.setUint32(0, 0x06064b50, true);
      dv.setBigUint64(4, 44n, true);
      dv.setUint16(12, 45, true);
      dv.setUint16(14, 45, true);
      dv.setUint32(16, 0, true);
      dv.setUint32(20, 0, true);
      dv.setBigUint64(24, BigInt(n), true);
      dv.setBigUint64(32, BigInt(n), true);
      dv.setBigUint64(40, BigInt(cdSize), true);
      dv.setBigUint64(48, BigInt(cdStart), true);
      dv.setUint32(56, 0x07064b50, true);
      dv.setUint32(60, 0, true);
      dv.setBigUint64(64, BigInt(e64Off), true);
      dv.setUint32(72, 1, true);
      this.emit(r);
    }
    const end = new Uint8Array(22);
    const dv = new DataView(end.buffer);
    dv.setUint32(0, 0x06054b50, true);
    dv.setUint16(8, zip64 ? U16_MAX : n, true);
    dv.setUint16(10, zip64 ? U16_MAX : n, true);
    dv.setUint32(12, zip64 ? U32_MAX : cdSize, true);
    dv.setUint32(16, zip64 ? U32_MAX : cdStart, true);
    this.emit(end);
  }
}
