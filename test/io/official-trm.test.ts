// Official TRM (SamsungSAILMontreal/TinyRecursiveModels) checkpoints both ways (trm-spec §5): importing the
// golden checkpoint_step_0 of trm-tiny-a (attention, RoPE) and trm-mlpt-a (mlp_t, learned positions) gives
// exactly their init/* tensors; the data-derived fields come from the shapes; export -> re-import is
// bit-for-bit, with the EMA copy when the folder has one; torch.load of an export matches the official file;
// HRM checkpoints still import as HRM; configs that do not fit the tensors are CheckpointErrors naming them.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { f32ToBf16Bits } from "../../src/engine/dtype.js";
import { CheckpointError, ConfigError } from "../../src/engine/errors.js";
import { bareKey } from "../../src/io/model-weights.js";
import { OFFICIAL_ARCH_NAME, OFFICIAL_TRM_ARCH_NAME, exportOfficialCheckpoint, importOfficialCheckpoint, readOfficialConfig } from "../../src/io/official.js";
import type { ExportResult } from "../../src/io/official.js";
import type { StoredTensor } from "../../src/io/safetensors.js";
import { toFloat32 } from "../../src/io/safetensors.js";
import { readSafetensors, writeSafetensors } from "../../src/io/safetensors-node.js";
import { readTorchCheckpoint, writeTorchCheckpoint } from "../../src/io/torch-checkpoint.js";
import { parseTrmConfig } from "../../src/model/trm/config.js";
import type { TrmConfig } from "../../src/model/trm/config.js";
import { isTrmConfig } from "../../src/model/trm/config.js";
import { trmParamSpecs } from "../../src/model/trm/params.js";
import { checkpointModelConfig, loadCheckpointModel } from "../../src/io/checkpoint-model-node.js";
import { bytesOf } from "./helpers.js";

const TRM = "../shared/reference/trm-tiny-a";
const MLPT = "test/golden/trm-mlpt-a";
const HRM = "../shared/reference/hrm-tiny-a";
const PYTHON = "/usr/bin/python3";
const tmp = mkdtempSync(join(tmpdir(), "hrm-official-trm-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

const goldenTrm = readSafetensors(`${TRM}/golden.safetensors`).tensors;
const goldenMlpt = readSafetensors(`${MLPT}/golden.safetensors`).tensors;

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
}

/** The effective model config of a golden folder (what the official constructor ran). */
function effective(dir: string): TrmConfig {
  return parseTrmConfig(readJson(`${dir}/config.json`)["model_config_effective"]);
}

/** Same dtype, same shape, same bytes. */
function assertSameBits(actual: StoredTensor | undefined, expected: StoredTensor | undefined, what: string): void {
  assert.ok(actual, `${what}: missing`);
  assert.ok(expected, `${what}: no expected tensor`);
  assert.equal(actual.dtype, expected.dtype, `${what}: dtype`);
  assert.deepEqual([...actual.shape], [...expected.shape], `${what}: shape`);
  assert.ok(Buffer.from(bytesOf(actual.data)).equals(Buffer.from(bytesOf(expected.data))), `${what}: values differ`);
}

/** A group of golden tensors (`init/`, `updated/`, `ema/`) keyed as our folders key them (`model.inner.*`). */
function goldenGroup(golden: ReadonlyMap<string, StoredTensor>, group: string): Map<string, StoredTensor> {
  const out = new Map<string, StoredTensor>();
  for (const [k, t] of golden) if (k.startsWith(`${group}/model.inner.`) && !k.endsWith("puzzle_emb.local_weights")) out.set(k.slice(group.length + 1), t);
  return out;
}

/** A modified copy of a golden config.json (model_config_effective edited), for mismatch cases. */
function configVariant(dir: string, name: string, edit: (model: Record<string, unknown>, doc: Record<string, unknown>) => void): string {
  const doc = readJson(`${dir}/config.json`);
  const model = { ...(doc["model_config_effective"] as Record<string, unknown>) };
  edit(model, doc);
  doc["model_config_effective"] = model;
  const path = join(tmp, `${name}.json`);
  writeFileSync(path, JSON.stringify(doc));
  return path;
}

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ["dist/src/cli/main.js", ...args], { encoding: "utf8" });
}

test("import trm-tiny-a/checkpoint_step_0 + config.json: model.safetensors holds exactly the golden init/* tensors, model_family trm, the EMA copy noted", async () => {
  const out = join(tmp, "tiny");
  const r = await importOfficialCheckpoint(`${TRM}/checkpoint_step_0`, `${TRM}/config.json`, out);
  assert.equal(r.family, "trm");
  assert.equal(r.tensorCount, 15);
  assert.equal(r.lossType, "stablemax_cross_entropy");
  assert.deepEqual(r.config, effective(TRM));
  assert.deepEqual(r.weights && [r.weights.kind, r.weights.stated], ["ema", true]);
  const meta = readJson(join(out, "config.json"));
  assert.equal(meta["model_family"], "trm");
  assert.equal(meta["train"], null);
  const official = meta["official"] as Record<string, unknown>;
  assert.equal(official["weights"], "ema");
  assert.match(official["weights_note"] as string, /EMA copy.*H_init, L_init and puzzle_emb\.weights.*model\.safetensors/);
  const ours = readSafetensors(join(out, "model.safetensors")).tensors;
  const init = goldenGroup(goldenTrm, "init");
  assert.equal(init.size, 15);
  // state_dict order, as the official checkpoint has it
  assert.deepEqual([...ours.keys()], trmParamSpecs(r.config as TrmConfig).map((s) => `model.inner.${s.name}`));
  assert.deepEqual([...ours.keys()], [...readTorchCheckpoint(`${TRM}/checkpoint_step_0`).keys()].map((k) => `model.inner.${bareKey(k)}`));
  assert.deepEqual([...ours.keys()].sort(), [...init.keys()].sort());
  for (const [k, t] of init) assertSameBits(ours.get(k), t, k);
  // the folder loads as a TRM model through the ordinary checkpoint path
  assert.ok(isTrmConfig(checkpointModelConfig(out)));
  const model = loadCheckpointModel(out);
  assert.equal(model.family, "trm");
  assert.deepEqual(model.params.get("L_level.layers.1.mlp.down_proj.weight").data, toFloat32(init.get("model.inner.L_level.layers.1.mlp.down_proj.weight")!));
});

test("import trm-mlpt-a (mlp_t, learned positions, 3-token prefix): exactly its init/* tensors; mlp_t, positions and seq_len come from the shapes", async () => {
  const r = await importOfficialCheckpoint(`${MLPT}/checkpoint_step_0`, `${MLPT}/config.json`, join(tmp, "mlpt"));
  assert.deepEqual(r.config, effective(MLPT));
  const ours = readSafetensors(join(tmp, "mlpt", "model.safetensors")).tensors;
  const init = goldenGroup(goldenMlpt, "init");
  assert.equal(ours.size, init.size);
  for (const [k, t] of init) assertSameBits(ours.get(k), t, k);
  // a config that leaves mlp_t, pos_encodings and every data-derived field out: the shapes give them
  const sparse = configVariant(MLPT, "mlpt-sparse", (m) => {
    for (const k of ["mlp_t", "pos_encodings", "seq_len", "vocab_size", "num_puzzle_identifiers", "batch_size", "hidden_size"]) delete m[k];
  });
  const s = await importOfficialCheckpoint(`${MLPT}/checkpoint_step_0`, sparse, join(tmp, "mlpt-sparse"));
  const c = s.config as TrmConfig;
  assert.deepEqual([c.mlp_t, c.pos_encodings, c.seq_len, c.vocab_size, c.num_puzzle_identifiers, c.hidden_size], [true, "learned", 10, 7, 5, 32]);
  // without learned positions the token MLP's T = seq_len + puzzle_emb_len alone gives seq_len
  const noPos = new Map([...readTorchCheckpoint(`${MLPT}/checkpoint_step_0`)].filter(([k]) => !k.endsWith("embed_pos.embedding_weight")));
  writeTorchCheckpoint(join(tmp, "mlpt-nopos.pt"), noPos);
  const nopos = configVariant(MLPT, "mlpt-nopos", (m) => {
    delete m["seq_len"];
    m["pos_encodings"] = "none";
  });
  const n = await importOfficialCheckpoint(join(tmp, "mlpt-nopos.pt"), nopos, join(tmp, "mlpt-nopos"));
  assert.deepEqual([(n.config as TrmConfig).seq_len, n.config.pos_encodings, n.tensorCount], [10, "none", 15]);
});

/** An all_config.yaml as the official TRM pretrain writes it (PyYAML dump of PretrainConfig; no data-derived fields). */
function trmAllConfig(ema: boolean, archName = OFFICIAL_TRM_ARCH_NAME): string {
  return `arch:
  H_cycles: 2
  H_layers: 0
  L_cycles: 3
  L_layers: 2
  expansion: 4
  forward_dtype: float32
  halt_exploration_prob: 0.0
  halt_max_steps: 3
  hidden_size: 64
  loss:
    loss_type: stablemax_cross_entropy
    name: losses@ACTLossHead
  mlp_t: false
  name: ${archName}
  no_ACT_continue: true
  num_heads: 4
  pos_encodings: rope
  puzzle_emb_len: 16
  puzzle_emb_ndim: 64
beta1: 0.9
beta2: 0.95
checkpoint_every_eval: true
checkpoint_path: checkpoints/Arc1concept-aug-1000-ACT-torch/pretrain_att_arc1concept_4
data_paths:
- data/arc1concept-aug-1000
data_paths_test: []
ema: ${ema ? "true" : "false"}
ema_rate: 0.999
epochs: 100000
eval_interval: 10000
eval_save_outputs: []
evaluators:
- name: arc@ARC
freeze_weights: false
global_batch_size: 4
load_checkpoint: null
lr: 0.0001
lr_min_ratio: 1.0
lr_warmup_steps: 2000
min_eval_interval: 0
project_name: Arc1concept-aug-1000-ACT-torch
puzzle_emb_lr: 0.01
puzzle_emb_weight_decay: 0.1
run_name: pretrain_att_arc1concept_4
seed: 0
weight_decay: 0.1
`;
}

test("an official TRM all_config.yaml (arch.name recursive_reasoning.trm@...) is TRM: RoPE needs --seq-len; ema says which weights the file holds", async () => {
  const yamlPath = join(tmp, "trm-all_config.yaml");
  writeFileSync(yamlPath, trmAllConfig(true));
  const doc = readOfficialConfig(yamlPath);
  assert.equal(doc.family, "trm");
  assert.match(doc.familySource, /arch\.name "recursive_reasoning\.trm@TinyRecursiveReasoningModel_ACTV1"/);
  assert.deepEqual([...doc.ignored].sort(), ["loss", "name"]);
  await assert.rejects(importOfficialCheckpoint(`${TRM}/checkpoint_step_0`, yamlPath, join(tmp, "ty0")), (e: unknown) => e instanceof ConfigError && /--seq-len/.test(e.message));
  const r = await importOfficialCheckpoint(`${TRM}/checkpoint_step_0`, yamlPath, join(tmp, "ty1"), { seqLen: 12 });
  assert.deepEqual(r.config, effective(TRM));
  assert.deepEqual(r.weights && [r.weights.kind, r.weights.stated], ["ema", true]);
  const init = goldenGroup(goldenTrm, "init");
  const ours = readSafetensors(join(tmp, "ty1", "model.safetensors")).tensors;
  for (const [k, t] of init) assertSameBits(ours.get(k), t, k);
  writeFileSync(yamlPath, trmAllConfig(false));
  const live = await importOfficialCheckpoint(`${TRM}/checkpoint_step_0`, yamlPath, join(tmp, "ty2"), { seqLen: 12 });
  assert.equal(live.weights?.kind, "live");
  assert.equal((readJson(join(tmp, "ty2", "config.json"))["official"] as Record<string, unknown>)["weights"], "live");
  // a class this port does not have, and contradicting family claims, are ConfigErrors
  writeFileSync(yamlPath, trmAllConfig(true, "recursive_reasoning.trm_singlez@TinyRecursiveReasoningModel_ACTV1"));
  assert.throws(() => readOfficialConfig(yamlPath), (e: unknown) => e instanceof ConfigError && /trm_singlez.*neither the official HRM.*nor the official TRM/.test(e.message));
  const clash = configVariant(TRM, "clash", (_m, d) => { d["model_family"] = "hrm"; d["model_class"] = `models.${OFFICIAL_TRM_ARCH_NAME}`; });
  assert.throws(() => readOfficialConfig(clash), (e: unknown) => e instanceof ConfigError && /"model_family": "hrm" says HRM, but model_class .* says TRM/.test(e.message));
});

/** A TRM run folder as the trainer writes it with EMA on: live weights (golden updated/*) and the EMA copy (golden ema/*). */
function emaFolder(): string {
  const dir = join(tmp, "ema-run");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "config.json"), JSON.stringify({ train: null, model_family: "trm", model: effective(TRM) }));
  writeSafetensors(join(dir, "model.safetensors"), goldenGroup(goldenTrm, "updated"));
  writeSafetensors(join(dir, "ema.safetensors"), goldenGroup(goldenTrm, "ema"));
  return dir;
}

test("export -> re-import round-trips bit for bit: attention, mlp_t, the EMA copy (auto) or --weights live, BF16 H_init/L_init", async () => {
  // imported golden folders: the export is the official file again, byte for byte per tensor
  for (const [name, ref] of [["tiny", TRM], ["mlpt", MLPT]] as const) {
    const dir = join(tmp, `rt-${name}`);
    await importOfficialCheckpoint(`${ref}/checkpoint_step_0`, `${ref}/config.json`, dir);
    const r = await exportOfficialCheckpoint(dir, join(tmp, `rt-${name}-exp`, "step_0"));
    assert.equal(r.family, "trm");
    assert.equal(r.weights, "live");
    assert.match(r.weightsNote, /official EMA copy this folder was imported from/);
    const official = readTorchCheckpoint(`${ref}/checkpoint_step_0`);
    const exported = readTorchCheckpoint(r.file);
    assert.deepEqual([...exported.keys()], [...official.keys()], `${name}: _orig_mod.model.inner.* keys in state_dict order`);
    assert.deepEqual(r.keys, [...official.keys()]);
    for (const [k, t] of official) assertSameBits(exported.get(k), t, `${name} ${k}`);
    const yaml = readFileSync(r.yamlPath, "utf8");
    assert.match(yaml, new RegExp(`^  name: ${OFFICIAL_TRM_ARCH_NAME.replace(/\./g, "\\.")}$`, "m"));
    assert.match(yaml, /^ {2}mlp_t: (true|false)$/m);
    assert.match(yaml, /^ {2}puzzle_emb_len: \d+$/m);
    assert.match(yaml, /^ {2}no_ACT_continue: true$/m);
    assert.match(yaml, /^ema: true$/m);
    const back = await importOfficialCheckpoint(r.file, r.yamlPath, join(tmp, `rt-${name}-back`));
    assert.equal(back.family, "trm");
    assert.deepEqual(back.config, r.config);
    assert.equal(back.weights?.kind, "ema");
    const a = readSafetensors(join(dir, "model.safetensors")).tensors, b = readSafetensors(join(tmp, `rt-${name}-back`, "model.safetensors")).tensors;
    assert.deepEqual([...b.keys()], [...a.keys()]);
    for (const [k, t] of a) assertSameBits(b.get(k), t, `${name} re-import ${k}`);
  }

  // a run folder with an EMA copy: auto exports EMA parameters + live buffers (what the official pretrain saves)
  const dir = emaFolder();
  const updated = goldenGroup(goldenTrm, "updated"), ema = goldenGroup(goldenTrm, "ema");
  assert.equal(ema.size, 12);
  const auto = await exportOfficialCheckpoint(dir, join(tmp, "ema-exp", "step_1"));
  assert.equal(auto.weights, "ema");
  const exported = readTorchCheckpoint(auto.file);
  for (const [k, t] of exported) {
    const name = `model.inner.${bareKey(k)}`;
    assertSameBits(t, ema.get(name) ?? updated.get(name), `EMA export ${k}`);
  }
  assert.ok(["H_init", "L_init", "puzzle_emb.weights"].every((b) => !ema.has(`model.inner.${b}`) && exported.has(`_orig_mod.model.inner.${b}`)));
  // the same weights `hrm eval` loads by default
  const evalModel = loadCheckpointModel(dir, "auto");
  for (const [k, t] of exported) assert.deepEqual(toFloat32(t), evalModel.params.named(bareKey(k)).data, `eval-loaded ${k}`);
  const back = await importOfficialCheckpoint(auto.file, auto.yamlPath, join(tmp, "ema-back"));
  assert.equal(back.weights?.kind, "ema");
  const backTensors = readSafetensors(join(tmp, "ema-back", "model.safetensors")).tensors;
  for (const [k, t] of exported) assertSameBits(backTensors.get(`model.inner.${bareKey(k)}`), t, `EMA re-import ${k}`);
  const live = await exportOfficialCheckpoint(dir, join(tmp, "ema-exp-live", "step_1"), { weights: "live" });
  assert.equal(live.weights, "live");
  for (const [k, t] of readTorchCheckpoint(live.file)) assertSameBits(t, updated.get(`model.inner.${bareKey(k)}`), `live export ${k}`);
  assert.ok(toFloat32(ema.get("model.inner.lm_head.weight")!).some((v, i) => v !== toFloat32(updated.get("model.inner.lm_head.weight")!)[i]), "EMA and live weights differ");
  await assert.rejects(exportOfficialCheckpoint(join(tmp, "rt-tiny"), join(tmp, "no-ema", "x"), { weights: "ema" }),
    (e: unknown) => e instanceof CheckpointError && /no ema\.safetensors/.test(e.message));

  // bfloat16 models: H_init/L_init leave as BF16 (torch's round-to-nearest-even), everything else F32; idempotent after that
  await importOfficialCheckpoint(`${TRM}/checkpoint_step_0`, `${TRM}/config.json`, join(tmp, "bf16"), { forwardDtype: "bfloat16" });
  const e1 = await exportOfficialCheckpoint(join(tmp, "bf16"), join(tmp, "bf16-exp", "step_0"));
  const t1 = readTorchCheckpoint(e1.file);
  const official = readTorchCheckpoint(`${TRM}/checkpoint_step_0`);
  for (const [k, t] of official) {
    const mine = t1.get(k)!;
    if (k.endsWith("H_init") || k.endsWith("L_init")) {
      assert.equal(mine.dtype, "BF16", k);
      assert.deepEqual([...(mine.data as Uint16Array)], [...toFloat32(t)].map(f32ToBf16Bits), k);
    } else assertSameBits(mine, t, k);
  }
  const bfBack = await importOfficialCheckpoint(e1.file, e1.yamlPath, join(tmp, "bf16-back"));
  assert.equal(bfBack.config.forward_dtype, "bfloat16");
  const e2 = await exportOfficialCheckpoint(join(tmp, "bf16-back"), join(tmp, "bf16-exp2", "step_0"));
  const t2 = readTorchCheckpoint(e2.file);
  for (const [k, t] of t1) assertSameBits(t2.get(k), t, `bf16 second round ${k}`);
});

function probeTorch(): string | undefined {
  const r = spawnSync(PYTHON, ["-c", "import torch, yaml; print(torch.__version__)"], { encoding: "utf8", timeout: 60_000 });
  if (r.status === 0) return undefined;
  return r.error ? `${PYTHON} not runnable (${r.error.message})` : `${PYTHON} cannot import torch and yaml (${r.stderr.trim().split("\n").pop() ?? ""})`;
}
const torchMissing = probeTorch();
const skipTorch = torchMissing !== undefined && !process.env.CI ? `needs ${PYTHON} with torch and yaml (apt-get install -y python3-torch python3-yaml): ${torchMissing}` : false;

const TORCH_COMPARE = `
import sys, json, torch, yaml
def dump(sd):
    return {k: {"dtype": str(t.dtype), "shape": list(t.shape), "hex": t.detach().reshape(-1).contiguous().view(torch.uint8).numpy().tobytes().hex()} for k, t in sd.items()}
out = []
for exported, cfg, official in zip(sys.argv[1::3], sys.argv[2::3], sys.argv[3::3]):
    ours, theirs = torch.load(exported, map_location="cpu"), torch.load(official, map_location="cpu")
    assert type(ours).__name__ == "OrderedDict", type(ours)
    # the official file's tensors in our file's dtypes (BF16 H_init/L_init for a bfloat16 model)
    cast = {k: t.to(ours[k].dtype) if k in ours else t for k, t in theirs.items()}
    out.append({"ours": dump(ours), "official": dump(cast), "official_dtypes": {k: str(t.dtype) for k, t in theirs.items()}, "arch": yaml.safe_load(open(cfg))["arch"]})
print(json.dumps(out))
`;

test("torch.load of an export: the keys, order, dtypes and values of the official checkpoint_step_0; all_config.yaml has the TRM arch", { skip: skipTorch }, async () => {
  if (torchMissing !== undefined) assert.fail(`CI is set but ${torchMissing}`);
  const cases = [["tiny", TRM, "float32"], ["mlpt", MLPT, "float32"], ["tiny-bf16", TRM, "bfloat16"]] as const;
  const exported: ExportResult[] = [];
  for (const [name, ref, dtype] of cases) {
    const dir = join(tmp, `torch-${name}`);
    await importOfficialCheckpoint(`${ref}/checkpoint_step_0`, `${ref}/config.json`, dir, { forwardDtype: dtype });
    exported.push(await exportOfficialCheckpoint(dir, join(tmp, `torch-${name}-exp`, "step_0")));
  }
  const r = spawnSync(PYTHON, ["-c", TORCH_COMPARE, ...exported.flatMap((e, i) => [e.file, e.yamlPath, `${cases[i]![1]}/checkpoint_step_0`])],
    { encoding: "utf8", timeout: 180_000, maxBuffer: 256 << 20 });
  assert.equal(r.status, 0, `python failed: ${r.stderr}`);
  type Dump = Record<string, { dtype: string; shape: number[]; hex: string }>;
  const res = JSON.parse(r.stdout) as Array<{ ours: Dump; official: Dump; official_dtypes: Record<string, string>; arch: Record<string, unknown> }>;
  for (const [i, [name, ref, dtype]] of cases.entries()) {
    const { ours, official, official_dtypes, arch } = res[i]!;
    assert.deepEqual(Object.keys(ours), Object.keys(official), `${name}: keys in the official order`);
    for (const [k, d] of Object.entries(ours)) {
      const buffer = k.endsWith("H_init") || k.endsWith("L_init");
      assert.equal(d.dtype, buffer && dtype === "bfloat16" ? "torch.bfloat16" : "torch.float32", `${name} ${k} dtype`);
      if (dtype === "float32") assert.equal(d.dtype, official_dtypes[k], `${name} ${k}: the official dtype`);
      assert.deepEqual(d.shape, official[k]!.shape, `${name} ${k} shape`);
      assert.equal(d.hex, official[k]!.hex, `${name} ${k} values`);
    }
    const model = effective(ref);
    assert.equal(arch["name"], OFFICIAL_TRM_ARCH_NAME);
    assert.deepEqual(arch["loss"], { loss_type: "stablemax_cross_entropy", name: "losses@ACTLossHead" });
    assert.deepEqual([arch["mlp_t"], arch["puzzle_emb_len"], arch["no_ACT_continue"], arch["hidden_size"], arch["L_layers"], arch["forward_dtype"]],
      [model.mlp_t, model.puzzle_emb_len, true, model.hidden_size, model.L_layers, dtype]);
    for (const k of ["vocab_size", "seq_len", "num_puzzle_identifiers", "batch_size"]) assert.ok(!(k in arch), `arch must not carry data-derived ${k}`);
  }
});

test("an HRM checkpoint still imports as HRM (model_family hrm, HRM arch.name on export)", async () => {
  const out = join(tmp, "hrm");
  const r = await importOfficialCheckpoint(`${HRM}/checkpoint_step_0`, `${HRM}/config.json`, out);
  assert.equal(r.family, "hrm");
  assert.equal(r.weights, null);
  assert.equal(r.tensorCount, 23);
  assert.ok(!isTrmConfig(r.config));
  assert.equal(readJson(join(out, "config.json"))["model_family"], "hrm");
  assert.equal(loadCheckpointModel(out).family, "hrm");
  const e = await exportOfficialCheckpoint(out, join(tmp, "hrm-exp", "step_0"));
  assert.equal(e.family, "hrm");
  assert.match(readFileSync(e.yamlPath, "utf8"), new RegExp(`^  name: ${OFFICIAL_ARCH_NAME.replace(/\./g, "\\.")}$`, "m"));
  assert.doesNotMatch(readFileSync(e.yamlPath, "utf8"), /mlp_t|puzzle_emb_len/);
  const back = await importOfficialCheckpoint(e.file, e.yamlPath, join(tmp, "hrm-back"));
  assert.equal(back.family, "hrm");
  assert.deepEqual(back.config, r.config);
});

test("a TRM checkpoint whose config does not fit its tensors is a CheckpointError naming the tensor", async () => {
  const reject = async (ckpt: string, config: string, pattern: RegExp, opts = {}): Promise<void> => {
    const out = join(tmp, `bad-${Math.random().toString(36).slice(2)}`);
    await assert.rejects(importOfficialCheckpoint(ckpt, config, out, opts), (e: unknown) => {
      assert.ok(e instanceof CheckpointError, `expected a CheckpointError, got ${String(e)}`);
      assert.match(e.message, pattern);
      return true;
    });
    assert.throws(() => readFileSync(join(out, "config.json")), /ENOENT/, "nothing written");
  };
  const tiny = `${TRM}/checkpoint_step_0`, mlpt = `${MLPT}/checkpoint_step_0`;
  await reject(tiny, configVariant(TRM, "hidden", (m) => { m["hidden_size"] = 128; }), /hidden_size=128, but embed_tokens\.embedding_weight \[11, 64\] gives 64/);
  await reject(tiny, configVariant(TRM, "expansion", (m) => { m["expansion"] = 8; }), /"L_level\.layers\.0\.mlp\.gate_up_proj\.weight" has shape \[512, 64\], the config needs \[1024, 64\]/);
  await reject(tiny, configVariant(TRM, "layers", (m) => { m["L_layers"] = 3; }), /missing "L_level\.layers\.2\.self_attn\.qkv_proj\.weight"/);
  await reject(tiny, configVariant(TRM, "mlpt", (m) => { m["mlp_t"] = true; }), /mlp_t=true, but the attention tensor L_level\.layers\.0\.self_attn\.qkv_proj\.weight \[192, 64\]/);
  await reject(mlpt, configVariant(MLPT, "seq", (m) => { m["seq_len"] = 11; }), /seq_len=11, but embed_pos\.embedding_weight \[13, 32\] \(T = 13 = seq_len \+ 3 puzzle positions\) gives 10/);
  await reject(mlpt, configVariant(MLPT, "plen", (m) => { m["puzzle_emb_len"] = 13; }), /embed_pos\.embedding_weight \[13, 32\] \(T = 13.*leaves no token positions/);
  await reject(mlpt, configVariant(MLPT, "attn", (m) => { m["mlp_t"] = false; }), /mlp_t=false, but the token-MLP tensor L_level\.layers\.0\.mlp_t\.gate_up_proj\.weight \[512, 13\]/);
  await reject(mlpt, `${MLPT}/config.json`, /--seq-len.*gives 12/, { seqLen: 12 });
  // the token MLP alone (no learned positions) names its weights
  const noPos = new Map([...readTorchCheckpoint(mlpt)].filter(([k]) => !k.endsWith("embed_pos.embedding_weight")));
  writeTorchCheckpoint(join(tmp, "mlpt-nopos-bad.pt"), noPos);
  await reject(join(tmp, "mlpt-nopos-bad.pt"), configVariant(MLPT, "nopos-seq", (m) => { m["pos_encodings"] = "none"; m["seq_len"] = 11; }),
    /seq_len=11, but L_level\.layers\.0\.mlp_t\.gate_up_proj\.weight \[512, 13\] \(T = 13 = seq_len \+ 3 puzzle positions\) gives 10/);
  await reject(join(tmp, "mlpt-nopos-bad.pt"), `${MLPT}/config.json`, /missing "embed_pos\.embedding_weight"/);
  // the other family's checkpoint under a TRM config, and the reverse
  await reject(`${HRM}/checkpoint_step_0`, `${TRM}/config.json`, /unexpected tensors "_orig_mod\.model\.inner\.H_level\.layers\.0\.self_attn\.qkv_proj\.weight".*TRM: mlp_t=false/);
  await reject(tiny, `${HRM}/config.json`, /missing "H_level\.layers\.0\.self_attn\.qkv_proj\.weight"/);
});

test("CLI: --help mentions TRM with examples; TRM import and export (--weights) end to end; a bad --weights is a usage error", () => {
  let r = cli(["import", "--help"]);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /TRM/);
  assert.match(r.stdout, /hrm import \.\.\/shared\/reference\/trm-tiny-a\/checkpoint_step_0 --config \.\.\/shared\/reference\/trm-tiny-a\/config\.json/);
  r = cli(["export", "--help"]);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /TRM/);
  assert.match(r.stdout, /--weights live/);
  const out = join(tmp, "cli-trm");
  r = cli(["import", `${TRM}/checkpoint_step_0`, "--config", `${TRM}/config.json`, "--out", out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /imported 15 tensors/);
  assert.match(r.stdout, /model: TRM, vocab_size 11, seq_len 12 \(\+16 puzzle positions\)/);
  assert.match(r.stdout, /weights: EMA copy/);
  r = cli(["export", "--checkpoint", emaFolder(), "--out", join(tmp, "cli-exp", "step_1")]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /wrote .*step_1 \(15 tensors/);
  assert.match(r.stdout, /weights: the EMA copy/);
  r = cli(["export", "--checkpoint", emaFolder(), "--out", join(tmp, "cli-exp-live", "step_1"), "--weights", "live"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /weights: the live weights/);
  r = cli(["export", "--checkpoint", out, "--out", join(tmp, "cli-exp-bad", "x"), "--weights", "shadow"]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--weights must be one of: auto, ema, live/);
  r = cli(["export", "--checkpoint", out, "--out", join(tmp, "cli-exp-noema", "x"), "--weights", "ema"]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /CheckpointError: .*no ema\.safetensors/);
});
