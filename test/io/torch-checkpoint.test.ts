// Official PyTorch checkpoints: the reference checkpoints load exactly, views become contiguous,
// hostile or broken files are refused clearly, and our writer's files read back bit-exactly.

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesSource } from "../../src/io/byte-source.js";
import { PickleWriter } from "../../src/io/pickle-writer.js";
import { toFloat32, type StoredTensor } from "../../src/io/safetensors.js";
import { readSafetensors } from "../../src/io/safetensors-node.js";
import {
  decodeTorchCheckpoint,
  encodeTorchCheckpoint,
  readTorchCheckpoint,
  stripOfficialPrefix,
  writeTorchCheckpoint,
} from "../../src/io/torch-checkpoint.js";
import { ZipReader } from "../../src/io/zip-reader.js";
import { ZipWriter } from "../../src/io/zip-writer.js";
import { assertCheckpointError, bytesOf } from "./helpers.js";

const REF = "../shared/reference/hrm-tiny-a";

function zipOf(entries: [string, Uint8Array][]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const w = new ZipWriter((c) => chunks.push(c.slice()));
  for (const [n, d] of entries) w.add(n, d);
  w.finish();
  return new Uint8Array(Buffer.concat(chunks));
}

function assertSameTensor(actual: StoredTensor | undefined, expected: StoredTensor | undefined, what: string): void {
  assert.ok(actual, `${what}: missing`);
  assert.ok(expected, `${what}: no expected value`);
  assert.equal(actual.dtype, expected.dtype, what);
  assert.deepEqual([...actual.shape], [...expected.shape], what);
  assert.deepEqual(bytesOf(actual.data), bytesOf(expected.data), what);
}

test("stripOfficialPrefix maps official keys to model keys", () => {
  assert.equal(stripOfficialPrefix("_orig_mod.model.inner.H_init"), "H_init");
  assert.equal(stripOfficialPrefix("model.inner.q_head.bias"), "q_head.bias");
  assert.equal(stripOfficialPrefix("lm_head.weight"), "lm_head.weight");
  assert.equal(stripOfficialPrefix("_orig_mod.model.x"), "_orig_mod.model.x");
});

test("checkpoint_step_0 equals init/ of golden.safetensors exactly", () => {
  const ck = readTorchCheckpoint(`${REF}/checkpoint_step_0`);
  const golden = readSafetensors(`${REF}/golden.safetensors`).tensors;
  const initKeys = [...golden.keys()].filter((k) => k.startsWith("init/")).map((k) => k.slice("init/model.inner.".length));
  assert.equal(ck.size, 23);
  assert.deepEqual([...ck.keys()].map(stripOfficialPrefix).sort(), initKeys.sort());
  for (const [k, t] of ck) {
    assert.ok(k.startsWith("_orig_mod.model.inner."), k);
    assert.equal(t.dtype, "F32", k);
    assertSameTensor(t, golden.get(`init/model.inner.${stripOfficialPrefix(k)}`), k);
  }
  assert.deepEqual([...toFloat32(ck.get("_orig_mod.model.inner.q_head.bias") as StoredTensor)], [-5, -5]);
});

test("checkpoint-bf16 loads with BF16 H_init/L_init and equals expected.safetensors", () => {
  const dir = `${REF}/checkpoint-bf16`;
  const config = JSON.parse(readFileSync(`${dir}/config.json`, "utf8")) as {
    checkpoint_key_order: string[];
    checkpoint_dtypes: Record<string, string>;
  };
  const ck = readTorchCheckpoint(`${dir}/checkpoint_step_0`);
  const expected = readSafetensors(`${dir}/expected.safetensors`).tensors;
  assert.deepEqual([...ck.keys()], config.checkpoint_key_order);
  const dtypeName: Record<string, string> = { BF16: "bfloat16", F32: "float32" };
  for (const [k, t] of ck) {
    assert.equal(dtypeName[t.dtype], config.checkpoint_dtypes[k], k);
    const e = expected.get(k);
    assert.ok(e, k);
    assert.equal(e.dtype, "F32");
    assert.deepEqual([...t.shape], [...e.shape], k);
    assert.deepEqual(toFloat32(t), e.data, k);
  }
  assert.equal(ck.get("_orig_mod.model.inner.H_init")?.dtype, "BF16");
});

function hostileCheckpoint(module: string, name: string, arg: string): Uint8Array {
  const enc = new TextEncoder();
  const a = enc.encode(arg);
  const pkl = Uint8Array.from([
    0x80, 2,
    ...enc.encode(`c${module}\n${name}\n`),
    0x58, a.length, 0, 0, 0, ...a, // BINUNICODE arg
    0x85, 0x52, 0x2e, // TUPLE1 REDUCE STOP
  ]);
  return zipOf([["evil/data.pkl", pkl], ["evil/version", enc.encode("3\n")]]);
}

test("a checkpoint whose pickle calls os.system is refused and nothing is executed", () => {
  const dir = mkdtempSync(join(tmpdir(), "hrm-evil-"));
  try {
    const marker = join(dir, "pwned");
    const path = join(dir, "evil.pt");
    writeFileSync(path, hostileCheckpoint("os", "system", `touch ${marker}`));
    assertCheckpointError(() => readTorchCheckpoint(path), path, "os.system", "not allowed", "only tensor state dicts");
    for (const [m, n] of [["posix", "system"], ["builtins", "eval"], ["subprocess", "Popen"], ["torch", "load"]] as const) {
      assertCheckpointError(() => decodeTorchCheckpoint(hostileCheckpoint(m, n, `touch ${marker}`), "x.pt"), `${m}.${n}`, "only tensor state dicts");
    }
    assert.equal(existsSync(marker), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A checkpoint with several views of one 12-element F32 storage, pickled by hand. */
function viewCheckpoint(views: [string, number, number[], number[]][], storageNumel = 12, recordNumel = storageNumel): Uint8Array {
  const w = new PickleWriter();
  w.global("collections", "OrderedDict").emptyTuple().reduce().mark();
  for (const [key, offset, size, stride] of views) {
    w.str(key).global("torch._utils", "_rebuild_tensor_v2").mark();
    w.mark().str("storage").global("torch", "FloatStorage").str("0").str("cuda:0").int(storageNumel).tuple().binPersId();
    w.int(offset).intTuple(size).intTuple(stride).bool(false).global("collections", "OrderedDict").emptyTuple().reduce();
    w.tuple().reduce();
  }
  const storage = new Float32Array(recordNumel).map((_, i) => i);
  return zipOf([["any_name/data.pkl", w.setItems().finish()], ["any_name/data/0", bytesOf(storage)]]);
}

test("tensor views (storage offset, strides, shared storage) become contiguous copies", () => {
  const ck = decodeTorchCheckpoint(
    viewCheckpoint([
      ["transposed", 1, [3, 2], [1, 3]],
      ["rows", 0, [2, 3], [6, 1]],
      ["scalar", 11, [], []],
      ["empty", 5, [2, 0], [0, 1]],
      ["expanded", 4, [2, 2], [0, 1]],
      ["whole", 0, [12], [1]],
    ]),
    "views.pt",
  );
  const vals = (k: string): number[] => [...toFloat32(ck.get(k) as StoredTensor)];
  assert.deepEqual(vals("transposed"), [1, 4, 2, 5, 3, 6]);
  assert.deepEqual(vals("rows"), [0, 1, 2, 6, 7, 8]);
  assert.deepEqual(vals("scalar"), [11]);
  assert.deepEqual([...(ck.get("scalar")?.shape ?? [-1])], []);
  assert.deepEqual(vals("empty"), []);
  assert.deepEqual(vals("expanded"), [4, 5, 4, 5]);
  assert.deepEqual(vals("whole"), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  const t = ck.get("transposed") as StoredTensor;
  assert.ok(t.data instanceof Float32Array);
  assert.equal(t.data.buffer.byteLength, 24); // its own buffer, not a view of the archive
  assertCheckpointError(() => decodeTorchCheckpoint(viewCheckpoint([["bad", 5, [4, 2], [2, 1]]]), "v.pt"), "v.pt", 'tensor "bad"', "reaches element 12 of a 12-element storage");
  assertCheckpointError(() => decodeTorchCheckpoint(viewCheckpoint([["w", 0, [12], [1]]], 13, 12), "v.pt"), "data/0", "48 bytes, expected 52");
});

test("truncated, corrupt, legacy and non-state-dict checkpoints give clear CheckpointErrors", () => {
  const good = new Uint8Array(readFileSync(`${REF}/checkpoint-bf16/checkpoint_step_0`));
  assert.equal(decodeTorchCheckpoint(good, "ok.pt").size, 16);
  const dir = mkdtempSync(join(tmpdir(), "hrm-trunc-"));
  try {
    const path = join(dir, "truncated.pt");
    writeFileSync(path, good.subarray(0, Math.floor(good.length / 2)));
    assertCheckpointError(() => readTorchCheckpoint(path), path, "truncated");
    writeFileSync(path, good.subarray(0, good.length - 1));
    assertCheckpointError(() => readTorchCheckpoint(path), path, "truncated");
    writeFileSync(path, new Uint8Array(0));
    assertCheckpointError(() => readTorchCheckpoint(path), path);
    assertCheckpointError(() => readTorchCheckpoint(join(dir, "missing.pt")), "cannot open");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Flip a byte inside a data record: the CRC catches it.
  const z = new ZipReader(bytesSource(good, "g"), "g");
  const rec = z.get("checkpoint_step_0/data/10");
  assert.ok(rec);
  const bad = good.slice();
  bad[rec.localHeaderOffset + 200] = (bad[rec.localHeaderOffset + 200] as number) ^ 0x40;
  assertCheckpointError(() => decodeTorchCheckpoint(bad, "bad.pt"), "bad.pt", "CRC-32 mismatch");
  assertCheckpointError(() => decodeTorchCheckpoint(Uint8Array.from([0x80, 2, 0x8a, 0x0a]), "old.pt"), "legacy");
  assertCheckpointError(() => decodeTorchCheckpoint(new TextEncoder().encode("hello world, not a zip"), "h.pt"), "not a zip-format");
  const notDict = zipOf([["a/data.pkl", new PickleWriter().int(5).finish()]]);
  assertCheckpointError(() => decodeTorchCheckpoint(notDict, "n.pt"), "expected the checkpoint to hold a state dict");
  const w = new PickleWriter();
  w.global("collections", "OrderedDict").emptyTuple().reduce().mark().str("step").int(3).setItems();
  assertCheckpointError(() => decodeTorchCheckpoint(zipOf([["a/data.pkl", w.finish()]]), "s.pt"), '"step"', "expected a tensor");
  assertCheckpointError(() => decodeTorchCheckpoint(zipOf([["a/b/data.pkl", new Uint8Array(1)]]), "r.pt"), "no <root>/data.pkl");
  const missing = viewCheckpoint([["w", 0, [12], [1]]]);
  const mz = new ZipReader(bytesSource(missing, "m"), "m");
  const onlyPkl = zipOf([["any_name/data.pkl", mz.read("any_name/data.pkl")]]);
  assertCheckpointError(() => decodeTorchCheckpoint(onlyPkl, "m.pt"), '"any_name/data/0" is missing');
});

function roundTripSet(): Map<string, StoredTensor> {
  return new Map<string, StoredTensor>([
    ["_orig_mod.model.inner.H_init", { dtype: "BF16", shape: [4], data: new Uint16Array([0x3f80, 0xc0a0, 0x7fc0, 0x0001]) }],
    ["w.f32", { dtype: "F32", shape: [2, 3], data: new Float32Array([1, -2.5, NaN, Infinity, 1e-45, -0]) }],
    ["w.f64", { dtype: "F64", shape: [1, 1, 2], data: new Float64Array([Math.E, -1e308]) }],
    ["w.f16", { dtype: "F16", shape: [2], data: new Uint16Array([0x3c00, 0x8001]) }],
    ["w.i64", { dtype: "I64", shape: [2], data: new BigInt64Array([-(2n ** 63n), 123n]) }],
    ["w.i32", { dtype: "I32", shape: [1], data: new Int32Array([-7]) }],
    ["w.i16", { dtype: "I16", shape: [1], data: new Int16Array([-300]) }],
    ["w.i8", { dtype: "I8", shape: [1], data: new Int8Array([-8]) }],
    ["w.u8", { dtype: "U8", shape: [1], data: new Uint8Array([250]) }],
    ["w.bool", { dtype: "BOOL", shape: [3], data: new Uint8Array([1, 0, 1]) }],
    ["w.scalar", { dtype: "F32", shape: [], data: new Float32Array([3]) }],
    ["w.empty", { dtype: "F32", shape: [0, 5], data: new Float32Array(0) }],
  ]);
}

test("write -> read round trip (F32, BF16 and every dtype), atomic, with torch's layout", () => {
  const dir = mkdtempSync(join(tmpdir(), "hrm-wr-"));
  try {
    const src = roundTripSet();
    const path = join(dir, "model.pt");
    writeTorchCheckpoint(path, src);
    assert.deepEqual(readdirSync(dir), ["model.pt"]);
    const back = readTorchCheckpoint(path);
    assert.deepEqual([...back.keys()], [...src.keys()]);
    for (const [k, t] of src) assertSameTensor(back.get(k), t, k);
    const bytes = new Uint8Array(readFileSync(path));
    const z = new ZipReader(bytesSource(bytes, path), path);
    assert.deepEqual(
      z.entries.map((e) => e.name),
      ["model/data.pkl", "model/byteorder", ...[...src.keys()].map((_, i) => `model/data/${i}`), "model/version"],
    );
    assert.equal(new TextDecoder().decode(z.read("model/version")), "3\n");
    const named = encodeTorchCheckpoint(src, { archiveName: "checkpoint_step_7" });
    assert.ok(new ZipReader(bytesSource(named, "n"), "n").get("checkpoint_step_7/data.pkl"));
    const z64 = decodeTorchCheckpoint(encodeTorchCheckpoint(src, { forceZip64: true }), "z64");
    for (const [k, t] of src) assertSameTensor(z64.get(k), t, k);
    assertCheckpointError(
      () => writeTorchCheckpoint(join(dir, "bad.pt"), { x: { dtype: "BF16", shape: [2], data: new Float32Array(2) } }),
      '"x"', "Uint16Array",
    );
    assert.deepEqual(readdirSync(dir), ["model.pt"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
