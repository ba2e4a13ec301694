import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { DataError } from "../../src/engine/errors.js";
import { NpyFile, NpyStreamWriter, formatNpyHeader, parseNpyHeader, writeNpy } from "../../src/data/npy.js";
import { tempDir } from "./helpers.js";

const tmp = tempDir("npy");
after(tmp.cleanup);

/** A hand-made .npy file: header dict text plus raw data bytes. */
function rawNpy(dict: string, data: Buffer, version = 1): Buffer {
  const prefix = version === 1 ? 10 : 12;
  let len = dict.length + 1;
  while ((prefix + len) % 64 !== 0) len++;
  const head = Buffer.alloc(prefix + len, 0x20);
  head.write("\x93NUMPY", 0, "latin1");
  head[6] = version; head[7] = 0;
  if (version === 1) head.writeUInt16LE(len, 8); else head.writeUInt32LE(len, 8);
  head.write(dict, prefix, "latin1");
  head[head.length - 1] = 0x0a;
  return Buffer.concat([head, data]);
}

describe("npy header", () => {
  it("formats a v1 header aligned to 64 bytes that parses back", () => {
    const h = formatNpyHeader("|u1", [3, 81]);
    assert.equal(h.length % 64, 0);
    assert.equal(h.subarray(0, 8).toString("latin1"), "\x93NUMPY\x01\x00");
    assert.match(h.toString("latin1"), /\{'descr': '\|u1', 'fortran_order': False, 'shape': \(3, 81\), \} *\n$/);
    const p = parseNpyHeader(h, "x");
    assert.deepEqual(p, { descr: "|u1", fortranOrder: false, shape: [3, 81], dataOffset: h.length });
    assert.deepEqual(parseNpyHeader(formatNpyHeader("<i4", [7]), "x").shape, [7]);
  });

  it("rejects files without the magic", () => {
    assert.throws(() => parseNpyHeader(Buffer.from("PK\x03\x04 not numpy"), "bad.npy"), (e: unknown) => e instanceof DataError && /bad\.npy.*magic/.test(e.message));
  });
});

describe("npy read/write", () => {
  it("round-trips uint8 and int32 arrays", () => {
    const u8 = Uint8Array.from({ length: 6 * 5 }, (_, i) => (i * 37) % 256);
    const i32 = Int32Array.from([0, -5, 2147483647, -2147483648, 12]);
    writeNpy(join(tmp.dir, "a.npy"), u8, [6, 5]);
    writeNpy(join(tmp.dir, "b.npy"), i32, [5]);
    const a = NpyFile.open(join(tmp.dir, "a.npy"));
    assert.deepEqual([a.dtype.descr, a.shape, a.rows, a.rowLength], ["|u1", [6, 5], 6, 5]);
    assert.deepEqual(Array.from(a.readAll()), Array.from(u8));
    assert.deepEqual(Array.from(a.readRows(2, 1)), Array.from(u8.subarray(10, 15)));
    a.close();
    const b = NpyFile.open(join(tmp.dir, "b.npy"));
    assert.deepEqual(Array.from(b.readAll()), Array.from(i32));
    b.close();
  });

  it("streams rows and patches the shape on close", () => {
    const path = join(tmp.dir, "s.npy");
    const w = new NpyStreamWriter(path, "|u1", 4);
    for (let r = 0; r < 1000; r++) w.append(Uint8Array.from([r % 256, 1, 2, 3]));
    w.close();
    const f = NpyFile.open(path);
    assert.deepEqual(f.shape, [1000, 4]);
    assert.deepEqual(Array.from(f.readRows(999, 1)), [999 % 256, 1, 2, 3]);
    f.close();
    const ints = join(tmp.dir, "i.npy");
    const wi = new NpyStreamWriter(ints, "<i4", 0);
    for (let k = 0; k < 5; k++) wi.appendInt(k * 1000 - 1);
    wi.close();
    const fi = NpyFile.open(ints);
    assert.deepEqual(Array.from(fi.readAll()), [-1, 999, 1999, 2999, 3999]);
    fi.close();
  });

  it("reads int64, int16, big-endian and v2 headers as int32", () => {
    const i8 = Buffer.alloc(24);
    i8.writeBigInt64LE(5n, 0); i8.writeBigInt64LE(-7n, 8); i8.writeBigInt64LE(2147483647n, 16);
    writeFileSync(join(tmp.dir, "i8.npy"), rawNpy("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", i8));
    const be = Buffer.alloc(8);
    be.writeInt32BE(-3, 0); be.writeInt32BE(70000, 4);
    writeFileSync(join(tmp.dir, "be.npy"), rawNpy("{'descr': '>i4', 'fortran_order': False, 'shape': (1, 2), }", be, 2));
    const i2 = Buffer.alloc(4);
    i2.writeInt16LE(-300, 0); i2.writeInt16LE(300, 2);
    writeFileSync(join(tmp.dir, "i2.npy"), rawNpy("{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }", i2));
    for (const [name, want] of [["i8", [5, -7, 2147483647]], ["be", [-3, 70000]], ["i2", [-300, 300]]] as const) {
      const f = NpyFile.open(join(tmp.dir, `${name}.npy`));
      assert.deepEqual(Array.from(f.readAll()), want, name);
      f.close();
    }
  });

  it("rejects int64 values beyond int32, truncated data, Fortran order and float dtypes", () => {
    const big = Buffer.alloc(8);
    big.writeBigInt64LE(1n << 40n, 0);
    writeFileSync(join(tmp.dir, "big.npy"), rawNpy("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", big));
    const f = NpyFile.open(join(tmp.dir, "big.npy"));
    assert.throws(() => f.readAll(), /does not fit in int32/);
    f.close();
    writeFileSync(join(tmp.dir, "short.npy"), rawNpy("{'descr': '|u1', 'fortran_order': False, 'shape': (10, 10), }", Buffer.alloc(50)));
    assert.throws(() => NpyFile.open(join(tmp.dir, "short.npy")), (e: unknown) => e instanceof DataError && /short\.npy: truncated/.test(e.message));
    writeFileSync(join(tmp.dir, "f.npy"), rawNpy("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 2), }", Buffer.alloc(4)));
    assert.throws(() => NpyFile.open(join(tmp.dir, "f.npy")), /Fortran/);
    writeFileSync(join(tmp.dir, "fl.npy"), rawNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", Buffer.alloc(4)));
    assert.throws(() => NpyFile.open(join(tmp.dir, "fl.npy")), /unsupported dtype "<f4"/);
  });

  it("writes exactly header + data bytes", () => {
    writeNpy(join(tmp.dir, "z.npy"), new Uint8Array(10), [2, 5]);
    assert.equal(readFileSync(join(tmp.dir, "z.npy")).length, 128 + 10); // a 72-byte header rounds up to 128
  });
});
