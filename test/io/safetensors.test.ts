// safetensors: round trips of every dtype, the golden reference files, and clear errors on bad files.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bf16ToF32, decodeSafetensors, encodeSafetensors, f32ToBf16, toFloat32, toFloat64, toInt32, type StoredTensor } from "../../src/io/safetensors.js";
import { readSafetensors, writeSafetensors } from "../../src/io/safetensors-node.js";
import { assertCheckpointError } from "./helpers.js";

const REF = "../shared/reference/hrm-tiny-a";

function allDtypes(): Map<string, StoredTensor> {
  return new Map<string, StoredTensor>([
    ["f64", { dtype: "F64", shape: [2, 2], data: new Float64Array([1.5, -0, Math.PI, 1e300]) }],
    ["f32", { dtype: "F32", shape: [3], data: new Float32Array([NaN, -Infinity, 0.1]) }],
    ["f16", { dtype: "F16", shape: [2], data: new Uint16Array([0x3c00, 0xfbff]) }],
    ["bf16", { dtype: "BF16", shape: [1, 2], data: new Uint16Array([0x3f80, 0xc0a0]) }],
    ["i64", { dtype: "I64", shape: [2], data: new BigInt64Array([-(2n ** 63n), 2n ** 62n + 1n]) }],
    ["i32", { dtype: "I32", shape: [1], data: new Int32Array([-2147483648]) }],
    ["i16", { dtype: "I16", shape: [3], data: new Int16Array([-32768, 0, 32767]) }],
    ["i8", { dtype: "I8", shape: [1], data: new Int8Array([-128]) }],
    ["u8", { dtype: "U8", shape: [3], data: new Uint8Array([0, 128, 255]) }],
    ["bool", { dtype: "BOOL", shape: [2], data: new Uint8Array([1, 0]) }],
    ["scalar", { dtype: "F32", shape: [], data: new Float32Array([7]) }],
    ["empty", { dtype: "I32", shape: [0, 4], data: new Int32Array(0) }],
  ]);
}

/** A raw safetensors file from a header object (or raw header text) and data bytes. */
function rawFile(header: unknown, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

test("every dtype round-trips bit-exactly, with metadata, from an unaligned buffer", () => {
  const src = allDtypes();
  const bytes = encodeSafetensors(src, { format: "pt", note: "hé" });
  // Place the file at an odd offset so typed-array views on it would be misaligned.
  const shifted = new Uint8Array(bytes.length + 3);
  shifted.set(bytes, 3);
  const back = decodeSafetensors(shifted.subarray(3), "mem");
  assert.deepEqual(back.metadata, { format: "pt", note: "hé" });
  assert.deepEqual([...back.tensors.keys()].sort(), [...src.keys()].sort());
  for (const [name, t] of src) {
    const r = back.tensors.get(name);
    assert.ok(r, name);
    assert.equal(r.dtype, t.dtype, name);
    assert.deepEqual([...r.shape], [...t.shape], name);
    assert.equal(r.data.constructor, t.data.constructor, name);
    assert.equal(r.data.byteOffset % Math.max(1, r.data.BYTES_PER_ELEMENT), 0);
    assert.deepEqual(
      new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength),
      new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
      name,
    );
  }
  // Header length is a multiple of 8 so tensors are naturally aligned in the file.
  assert.equal(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8, 0);
});

test("a Record input and an atomic write to disk read back the same, leaving no temp file", () => {
  const dir = mkdtempSync(join(tmpdir(), "hrm-st-"));
  try {
    const path = join(dir, "x.safetensors");
    writeSafetensors(path, { a: { dtype: "F32", shape: [2], data: new Float32Array([1, 2]) } });
    writeSafetensors(path, { b: { dtype: "I64", shape: [1], data: new BigInt64Array([5n]) } });
    const f = readSafetensors(path);
    assert.deepEqual([...f.tensors.keys()], ["b"]);
    assert.deepEqual(f.metadata, {});
    assert.deepEqual(readdirSync(dir), ["x.safetensors"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("golden.safetensors loads with the documented facts", () => {
  const g = readSafetensors(`${REF}/golden.safetensors`);
  const bias = g.tensors.get("init/model.inner.q_head.bias");
  assert.ok(bias);
  assert.equal(bias.dtype, "F32");
  assert.deepEqual([...toFloat32(bias)], [-5, -5]);
  for (const lvl of ["H", "L"]) {
    for (const i of [0, 1]) {
      const qkv = g.tensors.get(`init/model.inner.${lvl}_level.layers.${i}.self_attn.qkv_proj.weight`);
      assert.ok(qkv);
      assert.deepEqual([...qkv.shape], [192, 64]);
    }
  }
  assert.deepEqual([...(g.tensors.get("init/model.inner.q_head.weight")?.shape ?? [])], [2, 64]);
  assert.ok(toFloat32(g.tensors.get("init/model.inner.q_head.weight") as StoredTensor).every((v) => v === 0));
  assert.deepEqual([...(g.tensors.get("rope/cos_cached")?.shape ?? [])], [17, 16]);
  const halted = g.tensors.get("train/call1/carry/halted");
  assert.equal(halted?.dtype, "BOOL");
  assert.deepEqual([...(halted?.shape ?? [])], [3]);
  const count = g.tensors.get("train/call1/metrics/count");
  assert.equal(count?.dtype, "I64");
  assert.deepEqual([...(count?.shape ?? [-1])], []);
  assert.equal(g.tensors.get("train/call1/batch/inputs")?.dtype, "I32");
  assert.equal(toInt32(g.tensors.get("train/call1/batch/inputs") as StoredTensor).length, 48);
});

test("golden_f64.safetensors holds F64 values that round to golden's F32 values", () => {
  const g32 = readSafetensors(`${REF}/golden.safetensors`).tensors;
  const g64 = readSafetensors(`${REF}/golden_f64.safetensors`).tensors;
  const loss = g64.get("train/call1/loss");
  assert.ok(loss);
  assert.equal(loss.dtype, "F64");
  assert.deepEqual([...loss.shape], []);
  let checked = 0;
  for (const [name, t] of g64) {
    assert.equal(t.dtype, "F64", name);
    const f32 = g32.get(name);
    assert.ok(f32, name);
    assert.deepEqual([...toFloat32(t)], [...toFloat32(f32)], name);
    checked++;
  }
  assert.ok(checked >= 10);
});

test("bf16 conversion: exact widening, round-to-nearest-even narrowing, NaN and overflow", () => {
  assert.equal(bf16ToF32(0x3f80), 1);
  assert.equal(bf16ToF32(0xc0a0), -5);
  assert.equal(f32ToBf16(1), 0x3f80);
  // 1 + 2^-8 is exactly halfway between bf16 1 and 1 + 2^-7: ties to even (1).
  assert.equal(f32ToBf16(1 + 2 ** -8), 0x3f80);
  // 1 + 3*2^-8 is halfway between 1+2^-7 (odd) and 1+2^-6 (even): rounds up.
  assert.equal(f32ToBf16(1 + 3 * 2 ** -8), 0x3f82);
  assert.equal(f32ToBf16(1 + 2 ** -8 + 2 ** -20), 0x3f81);
  assert.ok(Number.isNaN(bf16ToF32(f32ToBf16(NaN))));
  assert.equal(f32ToBf16(3.4e38), 0x7f80); // past bf16 max -> +inf
  assert.equal(f32ToBf16(-0), 0x8000);
  for (let b = 0; b < 0x10000; b += 7) {
    const v = bf16ToF32(b);
    if (!Number.isNaN(v)) assert.equal(f32ToBf16(v), b);
  }
});

test("numeric conversions: F16/BF16 exact, I64 range checked, floats refused by toInt32", () => {
  const t = allDtypes();
  assert.deepEqual([...toFloat32(t.get("f16") as StoredTensor)], [1, -65504]);
  assert.deepEqual([...toFloat64(t.get("bf16") as StoredTensor)], [1, -5]);
  assert.deepEqual([...toFloat32(t.get("bool") as StoredTensor)], [1, 0]);
  assert.deepEqual([...toInt32(t.get("u8") as StoredTensor)], [0, 128, 255]);
  assert.deepEqual([...toInt32({ dtype: "I64", shape: [2], data: new BigInt64Array([-5n, 2147483647n]) })], [-5, 2147483647]);
  assertCheckpointError(() => toInt32(t.get("i64") as StoredTensor), "does not fit in int32");
  assertCheckpointError(() => toInt32(t.get("f32") as StoredTensor), "F32");
});

test("bad files give clear CheckpointErrors", () => {
  const good = encodeSafetensors({ w: { dtype: "F32", shape: [4], data: new Float32Array([1, 2, 3, 4]) } });
  assertCheckpointError(() => decodeSafetensors(good.subarray(0, 5), "f.st"), "f.st", "shorter than the 8-byte");
  assertCheckpointError(() => decodeSafetensors(good.subarray(0, 20), "f.st"), "f.st", "header length");
  // Truncated data area: the header's offsets lie past the end.
  assertCheckpointError(() => decodeSafetensors(good.subarray(0, good.length - 4), "f.st"), "f.st", '"w"', "data_offsets [0, 16]", "12 bytes");
  // A lying header: offsets past the end of an otherwise complete file.
  assertCheckpointError(
    () => decodeSafetensors(rawFile({ w: { dtype: "F32", shape: [4], data_offsets: [0, 16] } }, new Uint8Array(8)), "lie.st"),
    "lie.st", "not within the data area of 8 bytes",
  );
  assertCheckpointError(() => decodeSafetensors(rawFile("{not json"), "bad.st"), "bad.st", "not valid UTF-8 JSON");
  assertCheckpointError(() => decodeSafetensors(rawFile("[1,2]"), "arr.st"), "must be a JSON object");
  const huge = new Uint8Array(16);
  new DataView(huge.buffer).setBigUint64(0, 2n ** 63n, true);
  assertCheckpointError(() => decodeSafetensors(huge, "huge.st"), "header length");
  assertCheckpointError(
    () => decodeSafetensors(rawFile({ w: { dtype: "F8", shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)), "d.st"),
    '"w"', 'unknown dtype "F8"',
  );
  assertCheckpointError(
    () => decodeSafetensors(rawFile({ w: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)), "s.st"),
    "shape must be an array of non-negative integers",
  );
  assertCheckpointError(
    () => decodeSafetensors(rawFile({ w: { dtype: "F32", shape: [1.5], data_offsets: [0, 4] } }, new Uint8Array(4)), "s.st"),
    "shape must be",
  );
  assertCheckpointError(
    () => decodeSafetensors(rawFile({ w: { dtype: "F32", shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), "n.st"),
    "span 8 bytes but F32 [3] needs 12",
  );
  assertCheckpointError(
    () =>
      decodeSafetensors(
        rawFile(
          { a: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, b: { dtype: "F32", shape: [2], data_offsets: [4, 12] } },
          new Uint8Array(12),
        ),
        "o.st",
      ),
    "overlaps",
  );
  assertCheckpointError(
    () => decodeSafetensors(rawFile({ w: { dtype: "BOOL", shape: [1], data_offsets: [0, 1] } }, new Uint8Array([2])), "b.st"),
    "not 0 or 1",
  );
  assertCheckpointError(() => readSafetensors(join(tmpdir(), "definitely-missing-hrm.safetensors")), "cannot read");
});

test("encode refuses tensors whose data disagree with dtype or shape", () => {
  assertCheckpointError(() => encodeSafetensors({ w: { dtype: "F32", shape: [3], data: new Float32Array(2) } }), '"w"', "3 elements");
  assertCheckpointError(() => encodeSafetensors({ w: { dtype: "BF16", shape: [1], data: new Float32Array(1) } }), "Uint16Array");
});
