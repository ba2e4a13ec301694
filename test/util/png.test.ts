import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inflateSync } from "node:zlib";
import { RgbaCanvas, crc32, encodePng } from "../../src/viz/png.js";

describe("PNG encoder", () => {
  it("computes the standard CRC-32", () => {
    assert.equal(crc32(Buffer.from("123456789")), 0xcbf43926);
    assert.equal(crc32(Buffer.from("IEND")), 0xae426082);
  });

  it("writes signature, IHDR, IDAT with filter-0 rows, IEND", () => {
    const cv = new RgbaCanvas(3, 2, "#ffffff");
    cv.fillRect(1, 0, 1, 2, "#ff0000");
    const png = cv.toPng();
    assert.deepEqual(Array.from(png.subarray(0, 8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(png.readUInt32BE(8), 13);
    assert.equal(png.subarray(12, 16).toString("latin1"), "IHDR");
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25]], [3, 2, 8, 6]);
    assert.equal(png.readUInt32BE(29), crc32(png.subarray(12, 29)));
    const idatLen = png.readUInt32BE(33);
    assert.equal(png.subarray(37, 41).toString("latin1"), "IDAT");
    const raw = inflateSync(png.subarray(41, 41 + idatLen));
    assert.equal(raw.length, 2 * (1 + 3 * 4));
    assert.deepEqual(Array.from(raw.subarray(0, 13)), [0, 255, 255, 255, 255, 255, 0, 0, 255, 255, 255, 255, 255]);
    assert.equal(png.subarray(png.length - 8, png.length - 4).toString("latin1"), "IEND");
  });

  it("rejects a buffer of the wrong size", () => {
    assert.throws(() => encodePng(new Uint8Array(10), 2, 2), /needs 16 bytes, got 10/);
  });
});
