// Training config keys that would reach an object's prototype (__proto__, constructor, prototype) are
// refused wherever they come from: key=value overrides, a --config JSON file, a nested arch object.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ConfigError } from "../../src/engine/errors.js";
import { mergeConfig, overrideToPatch, parseTrainConfig } from "../../src/train/config.js";
import { presetConfig } from "../../src/train/presets.js";
import { hrm } from "./tiny-run.js";

const refused = (key: string) => (e: unknown): boolean => e instanceof ConfigError && e.message.startsWith(`config: key "${key}" is not allowed`);

test("overrides naming __proto__, constructor or prototype are refused, and nothing is polluted", () => {
  const tiny = presetConfig("tiny")!;
  for (const [text, key] of [["__proto__.bogus=1", "__proto__"], ["constructor.x=1", "constructor"], ["prototype.x=1", "prototype"],
    ["arch.__proto__.hidden_size=7", "__proto__"], ["arch.constructor=1", "constructor"], ["__proto__=1", "__proto__"]] as const) {
    assert.throws(() => parseTrainConfig(mergeConfig(tiny, overrideToPatch(text))), refused(key), text);
  }
  assert.equal(({} as Record<string, unknown>)["bogus"], undefined);
  assert.throws(() => overrideToPatch("arch..hidden_size=3"), /empty key segment/);
  // a JSON file's "__proto__" is an own key: refused when merged and when parsed directly
  const json = JSON.parse(`{"__proto__": {"lr": 5}}`) as unknown;
  assert.throws(() => mergeConfig(tiny, json), refused("__proto__"));
  assert.throws(() => parseTrainConfig({ ...tiny, ...(json as object) }), refused("__proto__"));
  assert.throws(() => parseTrainConfig({ ...tiny, arch: { ...(tiny["arch"] as object), ...(JSON.parse(`{"constructor": 1}`) as object) } }), refused("constructor"));
  // ordinary overrides still work
  assert.equal(parseTrainConfig(mergeConfig(tiny, overrideToPatch("arch.hidden_size=64"))).arch.hidden_size, 64);
});

test("hrm train: a prototype key in an override or a config file is one line, exit 1", () => {
  const r = hrm(["train", "--preset", "tiny", "__proto__.bogus=1", "--print-config"]);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, `hrm train: ConfigError: config: key "__proto__" is not allowed (in override "__proto__.bogus=1"); config keys are field names such as lr or arch.hidden_size\n`);
  assert.equal(r.stdout, "");
  const dir = mkdtempSync(join(tmpdir(), "hrm-cfg-keys-"));
  try {
    writeFileSync(join(dir, "c.json"), `{"prototype": {"x": 1}}`);
    const f = hrm(["train", "--preset", "tiny", "--config", join(dir, "c.json"), "--print-config"]);
    assert.equal(f.status, 1);
    assert.match(f.stderr, /^hrm train: ConfigError: config: key "prototype" is not allowed/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
