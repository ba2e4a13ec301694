// The golden checker applies the run-level settings of config.json and replays debug/ tensors, on the project's
// own HRM folder test/golden/hrm-explore-b (scripts/golden/hrm_golden.py): its variant run explores with
// probability 0.5 while the model config says 0.1, with every draw recorded. Mutated copies of the folder (in a
// temp folder) show that each setting is applied and that an unknown key is reported, never ignored.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ConfigError } from "../../src/engine/errors.js";
import { readSafetensors, writeSafetensors } from "../../src/io/safetensors-node.js";
import type { StoredTensor } from "../../src/io/safetensors.js";
import type { Kernels } from "../../src/engine/kernels.js";
import { loadNativeKernels, nativeLoadError } from "../../src/kernels/native/index.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import { loadWasmKernels, wasmLoadError } from "../../src/kernels/wasm/index.js";
import type { CheckReport } from "../../src/parity/replay.js";
import { checkReference } from "../../src/parity/replay.js";

const EXPLORE_B = "test/golden/hrm-explore-b";
const ALL = 306;

type Json = Record<string, unknown>;

/** A copy of hrm-explore-b with its config.json and golden tensors changed. */
function mutated(editConfig: (cfg: Json) => void, editTensors?: (t: Map<string, StoredTensor>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "hrm-golden-settings-"));
  for (const f of readdirSync(EXPLORE_B)) copyFileSync(join(EXPLORE_B, f), join(dir, f));
  const cfg = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as Json;
  editConfig(cfg);
  writeFileSync(join(dir, "config.json"), JSON.stringify(cfg));
  if (editTensors !== undefined) {
    const file = readSafetensors(join(dir, "golden.safetensors"));
    editTensors(file.tensors);
    writeSafetensors(join(dir, "golden.safetensors"), file.tensors, file.metadata);
  }
  return dir;
}

const failures = (r: CheckReport): string[] => r.results.filter((x) => !x.pass).map((x) => x.name);

function expectAllPass(kernels: Kernels): CheckReport {
  const report = checkReference(EXPLORE_B, { kernels });
  assert.deepEqual(report.results.filter((r) => !r.pass).map((r) => `${r.name}: ${r.detail}`), []);
  assert.equal(report.passed, ALL);
  return report;
}

test("hrm-explore-b: every tensor matches with the reference, WASM and native kernels (variant explores at 0.5, model 0.1)", (t) => {
  const report = expectAllPass(referenceKernels);
  const groups = new Set(report.results.map((r) => r.group));
  for (const g of ["debug", "train/carry", "eval/out", "variant/train/carry", "variant/train/metrics", "variant/eval/out", "rope"]) assert.ok(groups.has(g), `group ${g} was checked`);
  const debug = report.results.find((r) => r.name === "debug/input_embeddings_batch1");
  assert.ok(debug !== undefined && debug.rule === "forward" && debug.pass, "the debug tensor is replayed and compared, not skipped");
  const wasm = loadWasmKernels();
  assert.ok(wasm !== null, `wasm kernels did not load: ${wasmLoadError() ?? "?"}`);
  expectAllPass(wasm);
  const native = loadNativeKernels();
  if (native === null) {
    if (process.env["HRM_REQUIRE_NATIVE"] === "1") assert.fail(`native kernels required but not loaded: ${nativeLoadError() ?? "?"}`);
    t.skip(`native kernels not built: ${nativeLoadError() ?? "?"}`);
    return;
  }
  expectAllPass(native);
});

test("the variant's own exploration probability is what makes it match: with the model's 0.1 its halting diverges", () => {
  const dir = mutated((cfg) => { (cfg["variant"] as Json)["halt_exploration_prob"] = 0.1; });
  const report = checkReference(dir, { kernels: referenceKernels });
  const failed = failures(report);
  assert.ok(failed.length >= 50, `expected the variant train run to diverge, got ${failed.length} failures`);
  assert.ok(failed.every((n) => n.startsWith("variant/train/")), `only the variant train run may change: ${failed.filter((n) => !n.startsWith("variant/train/")).join(", ")}`);
  assert.ok(failed.includes("variant/train/call1/carry/halted"), "the first call's halting decision flips");
});

test("an unknown config.json key, top-level or run-level, is reported by name (library and CLI exit 1)", () => {
  const dir = mutated((cfg) => {
    (cfg["variant"] as Json)["min_halt_steps"] = 2;
    cfg["poststep"] = { halt_exploration_prob: 0.3 };
  });
  const report = checkReference(dir, { kernels: referenceKernels });
  assert.deepEqual(failures(report).sort(), ["config.json:poststep", "config.json:variant.min_halt_steps"]);
  assert.equal(report.passed, ALL);
  const detail = report.results.find((r) => r.name === "config.json:variant.min_halt_steps")!.detail;
  assert.match(detail, /unknown setting/);
  const r = spawnSync(process.execPath, ["dist/src/cli/main.js", "check-reference", dir], { encoding: "utf8" });
  assert.equal(r.status, 1);
  assert.match(r.stdout, /FAIL config\.json:variant\.min_halt_steps: .*unknown setting/);
  assert.match(r.stdout.trim().split("\n").at(-1)!, new RegExp(`^${ALL} passed, 2 failed$`));
});

test("debug/ tensors: a wrong input embedding fails, an unknown debug tensor is reported as not replayed", () => {
  const dir = mutated(() => {}, (tensors) => {
    const t = tensors.get("debug/input_embeddings_batch1")!;
    const data = Float32Array.from(t.data as Float32Array);
    data[5] = data[5]! + 0.01;
    tensors.set("debug/input_embeddings_batch1", { ...t, data });
    tensors.set("debug/hidden_after_layer0", { dtype: "F32", shape: [2], data: new Float32Array([1, 2]) });
  });
  const report = checkReference(dir, { kernels: referenceKernels });
  assert.deepEqual(failures(report).sort(), ["debug/hidden_after_layer0", "debug/input_embeddings_batch1"]);
  const wrong = report.results.find((r) => r.name === "debug/input_embeddings_batch1")!;
  assert.match(wrong.detail, /flat index 5/);
  assert.match(report.results.find((r) => r.name === "debug/hidden_after_layer0")!.detail, /not replayed/);
});

test("settings that disagree with the folder are reported: call counts, recorded draws, q_bias", () => {
  const dir = mutated((cfg) => {
    cfg["variant_train_calls"] = 7;
    cfg["eval_calls"] = 2;
    (cfg["variant"] as Json)["q_bias"] = [-2.5, 0];
  }, (tensors) => {
    tensors.delete("variant/train/call4/explore/rand");
    tensors.delete("variant/train/call4/explore/randint");
  });
  const report = checkReference(dir, { kernels: referenceKernels });
  const byName = new Map(report.results.filter((r) => !r.pass).map((r) => [r.name, r.detail]));
  assert.match(byName.get("config.json:variant_train_calls") ?? "", /says 7 calls of variant\/train, the folder holds 6/);
  assert.match(byName.get("config.json:eval_calls") ?? "", /says 2 calls of eval, the folder holds 3/);
  assert.match(byName.get("config.json:variant.q_bias") ?? "", /says \[-2\.5, 0\].*holds \[-2\.4/);
  assert.match(byName.get("config.json:exploration_draws_recorded.variant_train") ?? "", /recorded, but variant\/train\/call4\/explore\/rand is missing/);
});

test("a malformed run-level setting is one clear ConfigError naming the file and field (CLI exit 1)", () => {
  const dir = mutated((cfg) => { (cfg["variant"] as Json)["halt_exploration_prob"] = "high"; });
  assert.throws(() => checkReference(dir, { kernels: referenceKernels }),
    (e: unknown) => e instanceof ConfigError && /config\.json: "variant\.halt_exploration_prob" must be a number in \[0, 1\], got "high"/.test(e.message));
  const r = spawnSync(process.execPath, ["dist/src/cli/main.js", "check-reference", dir], { encoding: "utf8" });
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.match(r.stderr, /variant\.halt_exploration_prob/);
  assert.equal(r.stdout, "", "no partial report");
});
