// Fuzzing the trainer's parsers with a few hundred generated malformed inputs each: command-line argv,
// key=value overrides and config objects, metrics.jsonl and lock files. Each either succeeds or throws a
// typed HrmError (never another exception), and the whole file runs in well under a few seconds.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseArgs } from "../../src/cli/args.js";
import type { OptionSpec } from "../../src/cli/args.js";
import { HrmError } from "../../src/engine/errors.js";
import { Rng } from "../../src/engine/rng.js";
import { hyperParameterChanges } from "../../src/train/config-diff.js";
import { mergeConfig, overrideToPatch, parseTrainConfig } from "../../src/train/config.js";
import { readMetrics, truncateMetrics } from "../../src/train/metrics-file.js";
import { presetConfig } from "../../src/train/presets.js";
import { acquireRunLock, RunLockedError } from "../../src/train/run-lock.js";

const rng = new Rng(20261203);
const pick = <T>(xs: readonly T[]): T => xs[rng.int(0, xs.length - 1)]!;

/** Run fn; it may return or throw an HrmError, nothing else. Counts the outcomes. */
function typedOrOk(fn: () => unknown, input: unknown, tally: { ok: number; typed: number }): void {
  try {
    fn();
    tally.ok++;
  } catch (e) {
    if (!(e instanceof HrmError)) assert.fail(`${String(e)} (${(e as Error).constructor.name}) for input ${JSON.stringify(input)}`);
    assert.ok(e.message.length > 0 && !e.message.includes("\n"), `one-line message for ${JSON.stringify(input)}: ${e.message}`);
    tally.typed++;
  }
}

const weird = ["", "=", "==", "-", "--", "---", "--=", "--=x", "--no-", "--no-json", "--json=maybe", "--json=true", "-h", "--help", "NaN", "Infinity",
  "1e999", "-0", "0x10", " ", "\u0000", "\u00e9", "__proto__", "constructor", "--__proto__", "--constructor=1", "--toString", "--hasOwnProperty=x",
  "{\"a\":1}", "[1,2]", "null", "true", "a.b=c", "..=1", ".=", "lr=", "=lr"];

test("parseArgs: random argv gives options or a UsageError", () => {
  const specs: Record<string, OptionSpec> = {
    preset: { kind: "string", help: "" }, steps: { kind: "number", help: "", default: 3 }, json: { kind: "boolean", help: "", default: false },
  };
  const tally = { ok: 0, typed: 0 };
  for (let i = 0; i < 400; i++) {
    const argv = Array.from({ length: rng.int(0, 6) }, () => pick([...weird, "--preset", "--steps", "--json", "--no-json", "x", "12", "--steps=abc", "--steps=1e3"]));
    typedOrOk(() => {
      const r = parseArgs(argv, specs);
      assert.ok(!Object.hasOwn(Object.prototype, "polluted"));
      if (typeof r.options["steps"] === "number") assert.ok(Number.isFinite(r.options["steps"]));
    }, argv, tally);
  }
  assert.ok(tally.ok > 50 && tally.typed > 50, `both outcomes seen: ${JSON.stringify(tally)}`);
});

test("training config: random overrides and mutated config objects give a config or a ConfigError", () => {
  const tiny = presetConfig("tiny")!;
  const keys = [...Object.keys(tiny), ...Object.keys(tiny["arch"] as object).map((k) => `arch.${k}`), "arch", "bogus", "arch.bogus", "__proto__", "constructor.x",
    "prototype", "arch.__proto__.x", "a..b", ".", "lr.x"];
  const values = ["1", "-1", "0", "0.5", "1e999", "-1e999", "NaN", "null", "true", "false", "\"s\"", "\"\"", "[]", "[1]", "{}", "{\"x\":1}", "{\"__proto__\":{\"lr\":1}}",
    "rope", "trm", "hrm", "2.5", "9007199254740993", "abc", ""];
  const tally = { ok: 0, typed: 0 };
  for (let i = 0; i < 600; i++) {
    const overrides = Array.from({ length: rng.int(1, 3) }, () => (rng.uniform() < 0.1 ? pick(weird) : `${pick(keys)}=${pick(values)}`));
    typedOrOk(() => {
      let cfg: unknown = tiny;
      for (const o of overrides) cfg = mergeConfig(cfg, overrideToPatch(o));
      const parsed = parseTrainConfig(cfg);
      assert.ok(Number.isFinite(parsed.lr) && Number.isInteger(parsed.global_batch_size));
      hyperParameterChanges(tiny, parsed);
    }, overrides, tally);
  }
  // whole config objects of the wrong shape
  for (const v of [null, 1, "x", [], [tiny], { arch: null }, { ...tiny, arch: [] }, { ...tiny, arch: "hrm" }, JSON.parse("{\"__proto__\":[]}") as unknown]) {
    typedOrOk(() => parseTrainConfig(v), v, tally);
  }
  assert.equal(({} as Record<string, unknown>)["x"], undefined, "Object.prototype untouched");
  assert.ok(tally.ok > 20 && tally.typed > 200, `both outcomes seen: ${JSON.stringify(tally)}`);
});

test("metrics.jsonl and train.lock: random bytes never throw; a garbage lock is taken over", () => {
  const dir = mkdtempSync(join(tmpdir(), "hrm-train-fuzz-"));
  try {
    const path = join(dir, "metrics.jsonl");
    const pieces = ["{\"step\":1}\n", "{\"step\":2,\"eval\":{\"accuracy\":1}}\n", "{\"step\":", "\n", "null\n", "[]\n", "{\"step\":\"3\"}\n", "\u0000\u00ff", "{}\n", "1e999\n", "\r\n"];
    for (let i = 0; i < 300; i++) {
      writeFileSync(path, Array.from({ length: rng.int(0, 8) }, () => pick(pieces)).join(""));
      const r = readMetrics(path);
      for (const l of r.lines) assert.equal(typeof l.value.step, "number");
      truncateMetrics(path, rng.int(0, 3));
      assert.equal(readMetrics(path).bad.length, 0, "a truncated file has only complete lines");
    }
    const lockDir = join(dir, "run");
    for (let i = 0; i < 100; i++) {
      const body = Array.from({ length: rng.int(0, 4) }, () => pick(["{\"pid\":", "0", "-1", "1.5", "\"1\"", "}", "{\"pid\":99999999}", "\u0000", "[]", "null"])).join("");
      mkdirSyncSafe(lockDir);
      writeFileSync(join(lockDir, "train.lock"), body);
      try {
        acquireRunLock(lockDir, () => {})();
      } catch (e) {
        assert.ok(e instanceof RunLockedError, `${String(e)} for lock ${JSON.stringify(body)}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function mkdirSyncSafe(path: string): void {
  rmSync(path, { recursive: true, force: true });
  mkdirSync(path, { recursive: true });
}
