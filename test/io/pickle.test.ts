// Allow-list unpickler: data opcodes decode, hostile globals and object-building opcodes are refused, nothing runs.

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PickleWriter } from "../../src/io/pickle-writer.js";
import { PyDict, PyList, PyTuple, unpickle, type GlobalHandler, type PyValue } from "../../src/io/pickle-reader.js";
import { assertCheckpointError } from "./helpers.js";

const enc = new TextEncoder();

function pkl(...parts: (number[] | string)[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) out.push(...(typeof p === "string" ? enc.encode(p) : p));
  return Uint8Array.from(out);
}

function binunicode(s: string): number[] {
  const b = enc.encode(s);
  return [0x58, b.length & 0xff, (b.length >> 8) & 0xff, 0, 0, ...b];
}

const noGlobals = { source: "t.pkl", globals: new Map<string, GlobalHandler>(), refusal: "only tensor state dicts are accepted" };

test("data opcodes decode: ints, LONG1, strings, tuples, lists, dicts, memo", () => {
  // {'a': (1, -2, 300, 70000, 2**70, -(2**63)), 'b': ['x', None, True], 'c': memo-shared}
  const w = new PickleWriter();
  w.op(0x7d).mark();
  w.str("a").intTuple([1, -2, 300, 70000, 2n ** 70n, -(2n ** 63n), -129, 128, 255, 256, 65535, 65536, 2147483647, 2147483648]);
  w.op(0x71).op(7); // BINPUT 7
  w.str("b").op(0x5d).mark().str("x").op(0x4e).bool(true).op(0x65);
  w.str("c").op(0x68).op(7); // BINGET 7
  const v = unpickle(w.setItems().finish(), noGlobals);
  assert.ok(v instanceof PyDict);
  const a = v.map.get("a");
  assert.ok(a instanceof PyTuple);
  assert.deepEqual(a.items, [1, -2, 300, 70000, 2n ** 70n, -(2n ** 63n), -129, 128, 255, 256, 65535, 65536, 2147483647, 2147483648]);
  const b = v.map.get("b");
  assert.ok(b instanceof PyList);
  assert.deepEqual(b.items, ["x", null, true]);
  assert.equal(v.map.get("c"), a);
});

function hostile(module: string, name: string, arg: string, viaStack = false): Uint8Array {
  const global = viaStack
    ? [...binunicode(module), ...binunicode(name), 0x93]
    : [...enc.encode(`c${module}\n${name}\n`)];
  return pkl([0x80, 2], global, binunicode(arg), [0x85, 0x52, 0x2e]); // TUPLE1 REDUCE STOP
}

test("hostile globals (os.system, builtins.eval, posix.system, subprocess.Popen) are refused and nothing runs", () => {
  const dir = mkdtempSync(join(tmpdir(), "hrm-pkl-"));
  try {
    const marker = join(dir, "pwned");
    const cases: [string, string][] = [["os", "system"], ["posix", "system"], ["builtins", "eval"], ["subprocess", "Popen"], ["__builtin__", "exec"]];
    for (const [m, n] of cases) {
      for (const viaStack of [false, true]) {
        assertCheckpointError(
          () => unpickle(hostile(m, n, `touch ${marker}`, viaStack), noGlobals),
          "t.pkl", `${m}.${n}`, "not allowed", "only tensor state dicts are accepted",
        );
      }
    }
    assert.equal(existsSync(marker), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("object-building opcodes and inert globals used as callables are refused", () => {
  // INST os system
  assertCheckpointError(() => unpickle(pkl([0x80, 2, 0x28], binunicode("ls"), "ios\nsystem\n", [0x2e]), noGlobals), "opcode INST", "not allowed");
  // NEWOBJ, OBJ, EXT1
  assertCheckpointError(() => unpickle(pkl([0x80, 2, 0x29, 0x29, 0x81, 0x2e]), noGlobals), "opcode NEWOBJ");
  assertCheckpointError(() => unpickle(pkl([0x80, 2, 0x28, 0x6f, 0x2e]), noGlobals), "opcode OBJ");
  assertCheckpointError(() => unpickle(pkl([0x80, 2, 0x82, 1, 0x2e]), noGlobals), "opcode EXT1");
  const inert = { ...noGlobals, globals: new Map<string, GlobalHandler>([["torch FloatStorage", {}]]) };
  assertCheckpointError(() => unpickle(pkl([0x80, 2], "ctorch\nFloatStorage\n", [0x29, 0x52, 0x2e]), inert), "torch.FloatStorage", "not callable");
  // BUILD on something that is not a dict (would be __setstate__ in Python)
  assertCheckpointError(() => unpickle(pkl([0x80, 2, 0x4b, 1, 0x7d, 0x62, 0x2e]), noGlobals), "BUILD on number 1");
  // A persistent id when none is allowed.
  assertCheckpointError(() => unpickle(pkl([0x80, 2, 0x4b, 1, 0x51, 0x2e]), noGlobals), "persistent id");
});

test("truncated and malformed pickles give clear errors", () => {
  const good = new PickleWriter().str("hello").finish();
  assert.equal(unpickle(good, noGlobals), "hello");
  assertCheckpointError(() => unpickle(good.subarray(0, 6), noGlobals), "t.pkl", "truncated");
  assertCheckpointError(() => unpickle(good.subarray(0, good.length - 1), noGlobals), "no STOP");
  assertCheckpointError(() => unpickle(pkl([0x80, 2, 0x2e]), noGlobals), "stack underflow");
  assertCheckpointError(() => unpickle(pkl([0x80, 2, 0x68, 3, 0x2e]), noGlobals), "memo entry 3");
  assertCheckpointError(() => unpickle(pkl([0x80, 9, 0x4e, 0x2e]), noGlobals), "protocol 9");
  assertCheckpointError(() => unpickle(pkl([0x80, 2, 0x4e, 0x4e, 0x2e]), noGlobals), "extra items");
});

test("allowed callables receive their arguments", () => {
  const seen: PyValue[][] = [];
  const globals = new Map<string, GlobalHandler>([["m f", { call: (args) => { seen.push([...args]); return 42; } }]]);
  const bytes = new PickleWriter().global("m", "f").mark().int(1).str("s").tuple().reduce().finish();
  assert.equal(unpickle(bytes, { ...noGlobals, globals }), 42);
  assert.deepEqual(seen, [[1, "s"]]);
});
