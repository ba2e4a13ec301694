// config.json of a golden folder: the keys the checker knows, the run-level settings it reads, and malformed
// values (a typed ConfigError naming the field, never another exception).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { ConfigError } from "../../src/engine/errors.js";
import { parseRunSettings, unknownKeys } from "../../src/parity/run-settings.js";

type Json = Record<string, unknown>;
const FOLDERS = ["../shared/reference/hrm-tiny-a", "../shared/reference/trm-tiny-a", "test/golden/trm-mlpt-a", "test/golden/hrm-explore-b"];
const load = (folder: string): Json => JSON.parse(readFileSync(`${folder}/config.json`, "utf8")) as Json;

test("every key of the existing golden folders' config.json is known to the checker", () => {
  for (const f of FOLDERS) assert.deepEqual(unknownKeys(load(f)), [], f);
});

test("unknown keys are listed by dotted path, inside known sections too; free-form sections are not searched", () => {
  const cfg = { variant: { halt_exploration_prob: 0.2, min_halt_steps: 2 }, optim_unit: { adam: { lr: 1, eps: 1e-8 } }, shim_docs: { anything: "x" }, extra: 1 };
  assert.deepEqual(unknownKeys(cfg), ["variant.min_halt_steps", "optim_unit.adam.eps", "extra"]);
});

test("run settings: the variant's exploration probability overrides the model's; the other runs keep it", () => {
  const s = parseRunSettings(load("test/golden/hrm-explore-b"), 0.1, "x/config.json");
  assert.deepEqual(s.explorationProb, { train: 0.1, poststep: 0.1, "variant/train": 0.5 });
  assert.deepEqual(s.drawsRecorded, { train: true, poststep: undefined, "variant/train": true });
  assert.deepEqual(s.calls, { train: 3, eval: 3, "variant/train": 6 });
  const tiny = parseRunSettings(load("../shared/reference/hrm-tiny-a"), 0, "y/config.json");
  assert.equal(tiny.drawsRecorded["variant/train"], false);
  assert.deepEqual(parseRunSettings({}, 0.25, "z").explorationProb, { train: 0.25, poststep: 0.25, "variant/train": 0.25 });
});

test("malformed settings are one-line ConfigErrors naming the file and the field", () => {
  const cases: Array<[Json, RegExp]> = [
    [{ variant: { halt_exploration_prob: 1.5 } }, /^c\.json: "variant\.halt_exploration_prob" must be a number in \[0, 1\], got 1\.5$/],
    [{ variant: "x" }, /^c\.json: "variant" must be an object, got "x"$/],
    [{ variant: { q_bias: [1] } }, /"variant\.q_bias" must be two numbers, got \[1\]/],
    [{ exploration_draws_recorded: { train: "yes" } }, /exploration_draws_recorded: "train" must be true or false, got "yes"/],
    [{ train_calls: -1 }, /"train_calls" must be a non-negative integer, got -1/],
    [{ exploration_draws_recorded: { variant_train: true }, variant: { exploration_draws_recorded: false } }, /contradicts/],
  ];
  for (const [cfg, re] of cases) {
    assert.throws(() => parseRunSettings(cfg, 0, "c.json"), (e: unknown) => e instanceof ConfigError && re.test(e.message) && !e.message.includes("\n"), JSON.stringify(cfg));
  }
});

test("fuzz: 500 mutated configs give settings or a ConfigError, never another exception", () => {
  let seed = 12345;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const values: unknown[] = [null, true, false, 0, -1, 0.5, 2, 1e300, NaN, "", "x", [], [1, 2], [1, "a"], {}, { train: 1 }, { variant_train: true }];
  const keys = ["variant", "exploration_draws_recorded", "train_calls", "eval_calls", "variant_train_calls", "seeds", "notes"];
  const inner = ["halt_exploration_prob", "q_bias", "exploration_draws_recorded", "train", "poststep", "variant_train", "description"];
  const base = load("test/golden/hrm-explore-b");
  let ok = 0, errors = 0;
  for (let i = 0; i < 500; i++) {
    const cfg = JSON.parse(JSON.stringify(base)) as Json;
    for (let k = 0; k < 1 + Math.floor(rand() * 3); k++) {
      const key = keys[Math.floor(rand() * keys.length)]!;
      const v = structuredClone(values[Math.floor(rand() * values.length)]);
      const target = cfg[key];
      if (rand() < 0.5 && typeof target === "object" && target !== null && !Array.isArray(target)) (target as Json)[inner[Math.floor(rand() * inner.length)]!] = v;
      else cfg[key] = v;
    }
    unknownKeys(cfg);
    try {
      parseRunSettings(cfg, 0.1, "f.json");
      ok++;
    } catch (e) {
      assert.ok(e instanceof ConfigError, `case ${i}: ${String(e)}`);
      errors++;
    }
  }
  assert.ok(ok > 20 && errors > 20, `both outcomes exercised (${ok} ok, ${errors} errors)`);
});
