// Fuzzing the binary parsers (issue 11): a few hundred deterministic malformed inputs each for .npy, safetensors,
// zip and pickle / torch checkpoints (truncations, bit flips, huge header fields, random header values, random
// opcode streams, deep nesting). Every input must parse or fail with one line of a typed HrmError, quickly.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatNpyHeader, NpyFile, parseNpyHeader } from "../../src/data/npy.js";
import { CheckpointError } from "../../src/engine/errors.js";
import { Rng } from "../../src/engine/rng.js";
import { bytesSource } from "../../src/io/byte-source.js";
import { PyList, unpickle, type GlobalHandler } from "../../src/io/pickle-reader.js";
import { decodeSafetensors, encodeSafetensors } from "../../src/io/safetensors.js";
import { decodeTorchCheckpoint, encodeTorchCheckpoint } from "../../src/io/torch-checkpoint.js";
import { ZipReader } from "../../src/io/zip-reader.js";
import { ZipWriter } from "../../src/io/zip-writer.js";
import { deflatedEntry, rawZip, storedZip } from "./hostile-files.js";
import { concat, FuzzLog, mutate } from "./mutate-bytes.js";

/** Longer campaigns on demand: HRM_FUZZ_SCALE=20 runs 20 times as many inputs, HRM_FUZZ_SEED=k shifts every seed. */
const SCALE = Math.max(1, Number(process.env["HRM_FUZZ_SCALE"] ?? 1) || 1);
const SEED_SHIFT = Number(process.env["HRM_FUZZ_SEED"] ?? 0) || 0;
/** Wall-clock limit of each parser's whole campaign (they take about a second here). */
const CAMPAIGN_MS = 5000 * SCALE;

function campaign(name: string, baseSeed: number, body: (rng: Rng, log: FuzzLog) => void): void {
  const seed = baseSeed + SEED_SHIFT;
  test(`fuzz ${name}: typed one-line errors only, no hang (seed ${seed})`, { timeout: 4 * CAMPAIGN_MS }, () => {
    const log = new FuzzLog();
    const t0 = performance.now();
    body(new Rng(seed), log);
    const ms = performance.now() - t0;
    assert.deepEqual(log.problems.slice(0, 8), [], `${log.problems.length} of ${log.runs} inputs failed badly`);
    assert.ok(log.runs >= 300, `only ${log.runs} inputs`);
    // The campaign must exercise the error paths, not only valid files.
    assert.ok(log.failures >= log.runs / 4, `only ${log.failures} of ${log.runs} inputs were refused`);
    assert.ok(ms < CAMPAIGN_MS, `${name}: ${log.runs} inputs took ${ms.toFixed(0)} ms`);
  });
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(0, xs.length - 1)] as T;

// ---- .npy -------------------------------------------------------------------------------------------------------

function npyFile(descr: string, shape: readonly number[], data: Uint8Array): Uint8Array {
  return concat([formatNpyHeader(descr, shape), data]);
}

/** A header dict with random, often wrong, fields. */
function randomNpyHeader(rng: Rng): Uint8Array {
  const descr = pick(rng, ["<i4", "|u1", "<i8", ">i2", "<f4", "O", "<i16", "", "|b1", "<U3", "'", "<i4'"]);
  const dims = Array.from({ length: rng.int(0, 4) }, () =>
    pick(rng, ["0", "1", "3", "-1", "1e3", "0x10", "2**40", "9007199254740993", "4294967296", "abc", "", " ", "12L", "None"]),
  );
  const shape = pick(rng, [`(${dims.join(", ")})`, `(${dims.join(", ")},)`, `[${dims.join(", ")}]`, "(", ")", "()"]);
  const fortran = pick(rng, ["False", "True", "0", "None"]);
  const dict = pick(rng, [
    `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`,
    `{'shape': ${shape}, 'descr': '${descr}', 'fortran_order': ${fortran}}`,
    `{'descr': '${descr}'}`,
    `{"descr": "${descr}", "fortran_order": ${fortran}, "shape": ${shape}}`,
    "{" + "(".repeat(rng.int(1, 5000)),
  ]);
  const version = pick(rng, [1, 2, 3, 0, 4]);
  const prefix = version === 1 ? 10 : 12;
  const head = Buffer.alloc(prefix + dict.length + 1, 0x20);
  head.write("\x93NUMPY", 0, "latin1");
  head[6] = version;
  if (version === 1) head.writeUInt16LE(Math.min(0xffff, dict.length + 1), 8);
  else head.writeUInt32LE(dict.length + 1, 8);
  head.write(dict, prefix, "latin1");
  head[head.length - 1] = 0x0a;
  return concat([head, new Uint8Array(rng.int(0, 64)).map(() => rng.int(0, 255))]);
}

campaign(".npy", 11, (rng, log) => {
  const bases = [
    npyFile("<i4", [3, 4], new Uint8Array(48).map((_, i) => i)),
    npyFile("|u1", [5], new Uint8Array([1, 2, 3, 4, 5])),
    npyFile("<i8", [2], new Uint8Array(16)),
  ];
  const hot = [6, 7, 8, 9, 10, 11];
  const dir = mkdtempSync(join(tmpdir(), "hrm-fuzz-npy-"));
  try {
    for (let i = 0; i < 400 * SCALE; i++) {
      const bytes = i % 2 === 0 ? mutate(rng, pick(rng, bases), hot) : randomNpyHeader(rng);
      log.check(`npy #${i}`, () => parseNpyHeader(bytes, `fuzz-${i}.npy`));
      // Every fourth input also goes through the file reader (open, read all rows as int32, close).
      if (i % 4 === 0) {
        const path = join(dir, `fuzz-${i}.npy`);
        writeFileSync(path, bytes);
        log.check(`npy file #${i}`, () => {
          const f = NpyFile.open(path);
          try {
            f.readAll();
          } finally {
            f.close();
          }
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---- safetensors ------------------------------------------------------------------------------------------------

const SAMPLE_TENSORS = {
  w: { dtype: "F32", shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
  h: { dtype: "BF16", shape: [2], data: new Uint16Array([0x3f80, 0x4000]) },
  n: { dtype: "I64", shape: [], data: new BigInt64Array([7n]) },
  b: { dtype: "BOOL", shape: [3], data: new Uint8Array([0, 1, 1]) },
} as const;

const WEIRD_VALUES: readonly unknown[] = [
  null, true, -1, 0, 1.5, 2 ** 53, 2 ** 64, 1e308, "F32", "F8", "", [], {}, [0], [-1, 2], [2 ** 40, 2 ** 40], [1, 2, 3],
  [[1]], ["a"], { dtype: "F32" },
];

/** A safetensors file whose header has one field (or one whole entry) replaced by a weird value. */
function randomSafetensorsHeader(rng: Rng, base: Uint8Array): Uint8Array {
  const len = Number(new DataView(base.buffer, base.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(Buffer.from(base.subarray(8, 8 + len)).toString("utf8")) as Record<string, Record<string, unknown>>;
  const names = Object.keys(header);
  const name = pick(rng, names);
  const field = pick(rng, ["dtype", "shape", "data_offsets", "extra", "__whole__", "__metadata__", "__nest__"]);
  const value = pick(rng, WEIRD_VALUES);
  if (field === "__whole__") header[name] = value as Record<string, unknown>;
  else if (field === "__metadata__") header["__metadata__"] = value as Record<string, unknown>;
  else if (field === "__nest__") header[name] = JSON.parse("[".repeat(2000) + "]".repeat(2000)) as Record<string, unknown>;
  else (header[name] as Record<string, unknown>)[field] = value;
  const json = Buffer.from(JSON.stringify(header));
  const lenField = Buffer.alloc(8);
  lenField.writeBigUint64LE(BigInt(json.length));
  return concat([lenField, json, base.subarray(8 + len)]);
}

campaign("safetensors", 12, (rng, log) => {
  const base = encodeSafetensors(SAMPLE_TENSORS, { format: "pt" });
  const len = Number(new DataView(base.buffer, base.byteOffset).getBigUint64(0, true));
  const hot = [0, 4, 8, 8 + len - 1, 8 + len];
  for (let i = 0; i < 400 * SCALE; i++) {
    const bytes = i % 2 === 0 ? mutate(rng, base, hot) : randomSafetensorsHeader(rng, base);
    log.check(`safetensors #${i}`, () => decodeSafetensors(bytes, `fuzz-${i}.safetensors`));
  }
});

// ---- zip --------------------------------------------------------------------------------------------------------

function zipBases(): Uint8Array[] {
  const data = new Uint8Array(300).map((_, i) => (i * 7) & 0xff);
  const entries: [string, Uint8Array][] = [["a/data.pkl", new TextEncoder().encode("pickle")], ["a/data/0", data], ["a/ü", new Uint8Array(0)]];
  const z64: Uint8Array[] = [];
  const w = new ZipWriter((c) => z64.push(c.slice()), { forceZip64: true });
  for (const [n, d] of entries) w.add(n, d);
  w.finish();
  return [storedZip(entries), concat(z64), rawZip([deflatedEntry("x/y", new TextEncoder().encode("abc".repeat(200))), deflatedEntry("x/z", data)])];
}

/** Offsets of the size, offset and count fields of every zip record in `b`, for targeted mutations. */
function zipFieldOffsets(b: Uint8Array): number[] {
  const out: number[] = [];
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i + 4 <= b.length; i++) {
    const sig = dv.getUint32(i, true);
    if (sig === 0x04034b50) out.push(i + 8, i + 14, i + 18, i + 22, i + 26, i + 28);
    else if (sig === 0x02014b50) out.push(i + 10, i + 20, i + 24, i + 28, i + 30, i + 32, i + 42);
    else if (sig === 0x06054b50) out.push(i + 4, i + 8, i + 10, i + 12, i + 16, i + 20);
    else if (sig === 0x06064b50) out.push(i + 24, i + 32, i + 40, i + 48);
    else if (sig === 0x07064b50) out.push(i + 8);
  }
  return out;
}

campaign("zip", 13, (rng, log) => {
  const bases = zipBases().map((b) => ({ b, hot: zipFieldOffsets(b) }));
  for (let i = 0; i < 450 * SCALE; i++) {
    const { b, hot } = bases[i % bases.length] as { b: Uint8Array; hot: number[] };
    const bytes = mutate(rng, b, hot);
    log.check(`zip #${i}`, () => {
      const z = new ZipReader(bytesSource(bytes, `fuzz-${i}.zip`), `fuzz-${i}.zip`);
      for (const e of z.entries) z.read(e);
    });
  }
});

// ---- pickle / torch checkpoints ---------------------------------------------------------------------------------

const enc = new TextEncoder();
const u32 = (n: number): Uint8Array => new Uint8Array(new Uint32Array([n >>> 0]).buffer);
const binunicode = (s: string): Uint8Array => concat([Uint8Array.of(0x58), u32(enc.encode(s).length), enc.encode(s)]);

/** Opcode snippets a random pickle is made of: containers, ints, strings, memo, torch globals, calls. */
const SNIPPETS: readonly Uint8Array[] = [
  ...["(", "]", "}", ")", "t", "l", "d", "a", "e", "s", "u", "0", "1", "2", "N", "R", "Q", "b", "\x85", "\x86", "\x87", "\x88", "\x89", "\x94", "\x93", "."]
    .map((c) => Uint8Array.of(c.charCodeAt(0))),
  Uint8Array.of(0x4b, 3), Uint8Array.of(0x4b, 0), Uint8Array.of(0x4d, 0xff, 0xff), concat([Uint8Array.of(0x4a), u32(0x7fffffff)]),
  concat([Uint8Array.of(0x4a), u32(0xffffffff)]), Uint8Array.of(0x8a, 8, 0, 0, 0, 0, 0, 0, 0, 0x40), Uint8Array.of(0x8a, 2, 0xff, 0x7f),
  Uint8Array.of(0x71, 1), Uint8Array.of(0x68, 1), Uint8Array.of(0x71, 2), Uint8Array.of(0x68, 2), concat([Uint8Array.of(0x72), u32(0xfffffff0)]),
  binunicode("storage"), binunicode("0"), binunicode("1"), binunicode("cpu"), binunicode("w"), Uint8Array.of(0x8c, 1, 0x41),
  Uint8Array.of(0x43, 2, 1, 2), Uint8Array.of(0x55, 1, 0x61), Uint8Array.of(0x47, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0),
  enc.encode("ccollections\nOrderedDict\n"), enc.encode("ctorch._utils\n_rebuild_tensor_v2\n"), enc.encode("ctorch._utils\n_rebuild_parameter\n"),
  enc.encode("ctorch\nFloatStorage\n"), enc.encode("ctorch\nLongStorage\n"), enc.encode("cos\nsystem\n"), Uint8Array.of(0x80, 2), Uint8Array.of(0x80, 9),
  Uint8Array.of(0x95, 8, 0, 0, 0, 0, 0, 0, 0), Uint8Array.of(0x8b, 0xff, 0xff, 0xff, 0x7f), Uint8Array.of(0xff),
];

function randomPickle(rng: Rng): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.of(0x80, 2)];
  if (rng.uniform() < 0.1) {
    // Deep nesting: thousands of MARKs / lists / tuples.
    const depth = rng.int(1000, 100_000);
    parts.push(new Uint8Array(depth).fill(pick(rng, [0x28, 0x5d, 0x7d, 0x29])), new Uint8Array(depth).fill(pick(rng, [0x74, 0x61, 0x85, 0x6c, 0x65])));
  }
  for (let k = rng.int(1, 60); k > 0; k--) parts.push(pick(rng, SNIPPETS));
  parts.push(Uint8Array.of(0x2e));
  return concat(parts);
}

/** A valid state-dict pickle with one tensor of storage "0", for mutation. */
function torchBase(): { file: Uint8Array; pickle: Uint8Array; storage: Uint8Array } {
  const file = encodeTorchCheckpoint({
    w: { dtype: "F32", shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
    n: { dtype: "I64", shape: [2], data: new BigInt64Array([1n, 2n]) },
  });
  const z = new ZipReader(bytesSource(file, "base.pt"), "base.pt");
  return { file, pickle: z.read("archive/data.pkl").slice(), storage: z.read("archive/data/0").slice() };
}

campaign("pickle / torch checkpoint", 14, (rng, log) => {
  const base = torchBase();
  const storage1 = new Uint8Array(16);
  const globals = new Map<string, GlobalHandler>([["collections OrderedDict", { call: () => null }]]);
  for (let i = 0; i < 600 * SCALE; i++) {
    const what = `torch #${i}`;
    switch (i % 4) {
      case 0: // the whole file, mostly caught by the zip layer and CRCs
        log.check(what, () => decodeTorchCheckpoint(mutate(rng, base.file), `fuzz-${i}.pt`));
        break;
      case 1: { // a mutated data.pkl, re-zipped with a correct CRC
        const file = storedZip([["archive/data.pkl", mutate(rng, base.pickle)], ["archive/data/0", base.storage], ["archive/data/1", storage1]]);
        log.check(what, () => decodeTorchCheckpoint(file, `fuzz-${i}.pt`));
        break;
      }
      case 2: { // a random opcode stream as data.pkl
        const file = storedZip([["archive/data.pkl", randomPickle(rng)], ["archive/data/0", base.storage], ["archive/data/1", storage1]]);
        log.check(what, () => decodeTorchCheckpoint(file, `fuzz-${i}.pt`));
        break;
      }
      default: // the bare unpickler, no persistent ids
        log.check(what, () => unpickle(rng.uniform() < 0.5 ? randomPickle(rng) : mutate(rng, base.pickle), { source: `fuzz-${i}.pkl`, globals, refusal: "fuzz" }));
    }
  }
});

// ---- what the campaigns found, pinned ---------------------------------------------------------------------------

test("found by fuzzing: APPENDS/LIST of 200 000 items builds the list (no call-stack RangeError from a spread)", () => {
  const n = 200_000;
  const body = new Uint8Array(2 * n).map((_, i) => (i % 2 === 0 ? 0x4b : 7)); // BININT1 7, n times
  for (const [open, close] of [[[0x5d, 0x28], [0x65]], [[0x28], [0x6c]]] as const) { // EMPTY_LIST MARK ... APPENDS; MARK ... LIST
    const bytes = concat([Uint8Array.of(0x80, 2, ...open), body, Uint8Array.of(...close, 0x2e)]);
    const v = unpickle(bytes, { source: "long.pkl", globals: new Map(), refusal: "" });
    assert.ok(v instanceof PyList);
    assert.equal(v.items.length, n);
    assert.equal(v.items[n - 1], 7);
  }
});

test("found by fuzzing: file text in messages is escaped and clipped to one line", () => {
  // V8's JSON.parse message quotes the input around the error, newlines included.
  const json = Buffer.from('{"w": {"dtype": "F32",\n\n"shape": [1\n,,]}}');
  const len = Buffer.alloc(8);
  len.writeBigUint64LE(BigInt(json.length));
  assert.throws(() => decodeSafetensors(concat([len, json]), "nl.safetensors"), (e: unknown) => e instanceof CheckpointError && /^nl\.safetensors: header is not valid UTF-8 JSON \(/.test(e.message) && !e.message.includes("\n"));
  // A zip entry name with a newline and a 5000-character tensor name.
  const zip = storedZip([["a\nb", Uint8Array.of(1)]]);
  const badCrc = zip.slice();
  const local = new DataView(zip.buffer, zip.byteOffset);
  badCrc[30 + local.getUint16(26, true) + local.getUint16(28, true)]! ^= 1; // the entry's one data byte
  assert.throws(() => new ZipReader(bytesSource(badCrc, "nl.zip"), "nl.zip").read("a\nb"), (e: unknown) => e instanceof CheckpointError && e.message.startsWith('nl.zip: entry "a\\nb": CRC-32 mismatch'));
  const st = encodeSafetensors({ ["x".repeat(5000)]: { dtype: "BOOL", shape: [1], data: Uint8Array.of(2) } });
  assert.throws(() => decodeSafetensors(st, "long.safetensors"), (e: unknown) => e instanceof CheckpointError && e.message.length < 300 && /tensor "x{80}…" \(5000 characters\): BOOL value 2/.test(e.message));
});

test("found in review: a 400 000-deep safetensors header value gives a CheckpointError, not a call-stack RangeError", () => {
  const deep = "[".repeat(400_000) + "]".repeat(400_000);
  for (const [header, expect] of [
    [`{"w": ${deep}}`, 'tensor "w": header entry must be an object, found [[[[[…]]]]]'],
    [`{"w": {"dtype": "F32", "shape": ${deep}, "data_offsets": [0, 0]}}`, 'tensor "w": shape must be an array of non-negative integers, found [[[[[…]]]]]'],
    [`{"__metadata__": {"a": ${deep}}}`, '__metadata__["a"] must be a string, found [[[[[…]]]]]'],
  ] as const) {
    const json = Buffer.from(header);
    const len = Buffer.alloc(8);
    len.writeBigUint64LE(BigInt(json.length));
    assert.throws(() => decodeSafetensors(concat([len, json]), "deep.safetensors"), (e: unknown) => e instanceof CheckpointError && e.message === `deep.safetensors: ${expect}`);
  }
});
