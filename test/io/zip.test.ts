// Zip reader/writer: round trips, 64-byte data alignment, zip64, deflate entries, CRC and truncation errors.

import { test } from "node:test";
import assert from "node:assert/strict";
import { deflateRawSync } from "node:zlib";
import { bytesSource } from "../../src/io/byte-source.js";
import { crc32, crc32Portable } from "../../src/io/crc32.js";
import { ZipReader } from "../../src/io/zip-reader.js";
import { ZipWriter } from "../../src/io/zip-writer.js";
import { assertCheckpointError } from "./helpers.js";

function build(entries: [string, Uint8Array][], forceZip64 = false): Uint8Array {
  const chunks: Uint8Array[] = [];
  const w = new ZipWriter((c) => chunks.push(c.slice()), { forceZip64 });
  for (const [n, d] of entries) w.add(n, d);
  w.finish();
  return new Uint8Array(Buffer.concat(chunks));
}

function sample(): [string, Uint8Array][] {
  const big = new Uint8Array(1000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 37) & 0xff;
  return [
    ["root/data.pkl", new TextEncoder().encode("hello")],
    ["root/data/0", new Uint8Array(0)],
    ["root/data/1", big],
    ["root/ü ñ", new Uint8Array([1, 2, 3])],
  ];
}

test("crc32: known value, and the portable table agrees with the native one", () => {
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
  assert.equal(crc32Portable(new TextEncoder().encode("123456789")), 0xcbf43926);
  const r = new Uint8Array(4097).map((_, i) => (i * 7919 + 13) & 0xff);
  assert.equal(crc32Portable(r), crc32(r));
  assert.equal(crc32Portable(r.subarray(100), crc32Portable(r.subarray(0, 100))), crc32(r));
});

for (const forceZip64 of [false, true]) {
  test(`zip writer -> reader round trip with 64-byte aligned data${forceZip64 ? " (zip64)" : ""}`, () => {
    const file = build(sample(), forceZip64);
    const z = new ZipReader(bytesSource(file, "t.zip"), "t.zip");
    assert.deepEqual(z.entries.map((e) => e.name), sample().map(([n]) => n));
    const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
    for (const [n, d] of sample()) {
      const e = z.get(n);
      assert.ok(e);
      assert.deepEqual(z.read(n), d);
      assert.equal(e.method, 0);
      const start = e.localHeaderOffset + 30 + dv.getUint16(e.localHeaderOffset + 26, true) + dv.getUint16(e.localHeaderOffset + 28, true);
      assert.equal(start % 64, 0, `${n} data starts at ${start}`);
    }
    if (forceZip64) assert.equal(dv.getUint32(file.length - 22 + 16, true), 0xffffffff);
  });
}

/** A zip with one deflated entry, built by hand (independent of ZipWriter). */
function deflatedZip(name: string, data: Uint8Array): Uint8Array {
  const comp = deflateRawSync(data);
  const nm = new TextEncoder().encode(name);
  const crc = crc32Portable(data);
  const local = Buffer.alloc(30 + nm.length);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(comp.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(nm.length, 26);
  local.set(nm, 30);
  const central = Buffer.alloc(46 + nm.length);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(comp.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(nm.length, 28);
  central.set(nm, 46);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length, 12);
  end.writeUInt32LE(local.length + comp.length, 16);
  return new Uint8Array(Buffer.concat([local, comp, central, end]));
}

test("deflated entries are inflated and CRC-checked", () => {
  const data = new TextEncoder().encode("abcabcabcabc".repeat(100));
  const file = deflatedZip("x/y", data);
  const z = new ZipReader(bytesSource(file, "d.zip"), "d.zip");
  assert.equal(z.get("x/y")?.method, 8);
  assert.deepEqual(z.read("x/y"), data);
  const bad = file.slice();
  bad[40] = (bad[40] as number) ^ 0xff; // inside the compressed stream
  assertCheckpointError(() => new ZipReader(bytesSource(bad, "bad.zip"), "bad.zip").read("x/y"), "bad.zip", '"x/y"');
});

test("corrupt, truncated and non-zip inputs give clear errors", () => {
  const file = build(sample());
  const z = new ZipReader(bytesSource(file, "t.zip"), "t.zip");
  const e = z.get("root/data/1");
  assert.ok(e);
  const corrupt = file.slice();
  corrupt[e.localHeaderOffset + 200] = (corrupt[e.localHeaderOffset + 200] as number) ^ 1;
  assertCheckpointError(() => new ZipReader(bytesSource(corrupt, "c.zip"), "c.zip").read("root/data/1"), "c.zip", "CRC-32 mismatch");
  assertCheckpointError(() => new ZipReader(bytesSource(file.subarray(0, file.length - 30), "t.zip"), "t.zip"), "end-of-central-directory record not found");
  assertCheckpointError(() => new ZipReader(bytesSource(file.subarray(0, 10), "t.zip"), "t.zip"), "too short");
  assertCheckpointError(() => new ZipReader(bytesSource(new Uint8Array(100), "z.zip"), "z.zip"), "not found");
  assertCheckpointError(() => z.read("nope"), 'no entry "nope"');
  // A directory that points past the end of the file (lying header).
  const lying = file.slice();
  new DataView(lying.buffer).setUint32(lying.length - 22 + 16, file.length + 100, true);
  assertCheckpointError(() => new ZipReader(bytesSource(lying, "l.zip"), "l.zip"), "past the end");
  const w = new ZipWriter(() => undefined);
  w.add("a", new Uint8Array(0));
  assertCheckpointError(() => w.add("a", new Uint8Array(0)), 'duplicate entry "a"');
});
