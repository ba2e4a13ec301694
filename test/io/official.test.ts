// Official checkpoints both ways: importing the hrm-tiny-a checkpoint reproduces the golden EVAL calls of
// the official PyTorch code; the bf16 checkpoint imports exactly; exports load in torch with the right
// keys, dtypes, shapes and values; all_config.yaml (as PyYAML dumps it) drives an import; hostile and
// truncated files fail through `hrm import` with exit code 1 and a message.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { TestContext } from "node:test";
import { makeCtx } from "../../src/engine/context.js";
import { CheckpointError, ConfigError } from "../../src/engine/errors.js";
import { importOfficialCheckpoint, exportOfficialCheckpoint, readOfficialConfig } from "../../src/io/official.js";
import type { ExportResult } from "../../src/io/official.js";
import { bareKey } from "../../src/io/model-weights.js";
import { toFloat32, toInt32 } from "../../src/io/safetensors.js";
import { readSafetensors } from "../../src/io/safetensors-node.js";
import { readTorchCheckpoint } from "../../src/io/torch-checkpoint.js";
import { ZipWriter } from "../../src/io/zip-writer.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import { actForward, initialCarry } from "../../src/model/act.js";
import { checkpointModelConfig, loadCheckpointModel } from "../../src/io/checkpoint-model-node.js";

const REF = "../shared/reference/hrm-tiny-a";
const PYTHON = "/usr/bin/python3";
const tmp = mkdtempSync(join(tmpdir(), "hrm-official-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Run a Python script; a missing module skips the test (fails under CI, where the interpreter must be complete). */
function python(t: TestContext, script: string, args: string[]): string | null {
  const r = spawnSync(PYTHON, ["-c", script, ...args], { encoding: "utf8", maxBuffer: 256 << 20, timeout: 120_000 });
  const missing = r.error !== undefined ? `${PYTHON} not runnable (${r.error.message})` : /ModuleNotFoundError|ImportError/.test(r.stderr) ? r.stderr.trim().split("\n").pop()! : null;
  if (missing !== null) {
    if (process.env.CI) assert.fail(`CI is set but ${missing}; install python3-torch and python3-yaml`);
    t.skip(`needs ${PYTHON} with torch and yaml: ${missing}`);
    return null;
  }
  assert.equal(r.status, 0, `python failed: ${r.stderr}`);
  return r.stdout;
}

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ["dist/src/cli/main.js", ...args], { encoding: "utf8" });
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, atol = 1e-4, rtol = 1e-4): number {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    assert.ok(d <= atol + rtol * Math.abs(expected[i]!), `${what}[${i}]: ${actual[i]} vs ${expected[i]} (diff ${d})`);
    worst = Math.max(worst, d);
  }
  return worst;
}

test("import hrm-tiny-a/checkpoint_step_0 + config.json: the golden EVAL calls reproduce logits and Q logits (atol = rtol = 1e-4)", async () => {
  const out = join(tmp, "tiny");
  const r = await importOfficialCheckpoint(`${REF}/checkpoint_step_0`, `${REF}/config.json`, out);
  assert.equal(r.tensorCount, 23);
  assert.equal(r.lossType, "stablemax_cross_entropy");
  const cfg = checkpointModelConfig(out);
  assert.deepEqual([cfg.vocab_size, cfg.seq_len, cfg.num_puzzle_identifiers, cfg.hidden_size, cfg.halt_max_steps], [11, 16, 5, 64, 4]);
  const meta = JSON.parse(readFileSync(join(out, "config.json"), "utf8")) as { train: unknown };
  assert.equal(meta.train, null);
  const model = loadCheckpointModel(out);
  const golden = readSafetensors(`${REF}/golden.safetensors`).tensors;
  const g = (name: string) => {
    const t = golden.get(name);
    assert.ok(t, `golden ${name}`);
    return t;
  };
  const ctx = makeCtx(referenceKernels);
  let carry = initialCarry(model, 3);
  let worst = 0;
  for (let t = 1; t <= 4; t++) {
    const batch = {
      inputs: toInt32(g(`eval/call${t}/batch/inputs`)),
      labels: toInt32(g(`eval/call${t}/batch/labels`)),
      puzzleIdentifiers: toInt32(g(`eval/call${t}/batch/puzzle_identifiers`)),
    };
    const res = actForward(ctx, model, carry, batch, { mode: "eval" });
    carry = res.carry;
    worst = Math.max(worst, assertClose(res.outputs.logits.data, toFloat32(g(`eval/call${t}/out/logits`)), `call${t} logits`));
    assertClose(res.outputs.qHalt.data, toFloat32(g(`eval/call${t}/out/q_halt_logits`)), `call${t} q_halt`);
    assertClose(res.outputs.qContinue.data, toFloat32(g(`eval/call${t}/out/q_continue_logits`)), `call${t} q_continue`);
    assert.deepEqual([...carry.steps], [...toInt32(g(`eval/call${t}/carry/steps`))], `call${t} steps`);
  }
  assert.ok(worst < 1e-4, `worst logit difference ${worst}`);
  // the imported weights equal the checkpoint's, bit for bit
  const ours = readSafetensors(join(out, "model.safetensors")).tensors;
  for (const [k, t] of readTorchCheckpoint(`${REF}/checkpoint_step_0`)) assert.deepEqual(toFloat32(ours.get(`model.inner.${bareKey(k)}`)!), toFloat32(t), k);
});

test("checkpoint-bf16 imports (learned positions, BF16 H_init/L_init) and its tensors equal expected.safetensors", async () => {
  const out = join(tmp, "bf16");
  const r = await importOfficialCheckpoint(`${REF}/checkpoint-bf16/checkpoint_step_0`, `${REF}/checkpoint-bf16/config.json`, out);
  assert.equal(r.config.pos_encodings, "learned");
  assert.equal(r.config.seq_len, 4); // embed_pos [5, 8] minus the puzzle position
  assert.equal(r.config.forward_dtype, "bfloat16");
  const expected = readSafetensors(`${REF}/checkpoint-bf16/expected.safetensors`).tensors;
  const ours = readSafetensors(join(out, "model.safetensors")).tensors;
  assert.equal(ours.size, expected.size);
  for (const [k, t] of expected) {
    const mine = ours.get(`model.inner.${bareKey(k)}`);
    assert.ok(mine, k);
    assert.deepEqual([...mine.shape], [...t.shape], k);
    assert.deepEqual(toFloat32(mine), toFloat32(t), k);
  }
  assert.ok(toFloat32(expected.get("_orig_mod.model.inner.H_init")!).some((v) => v !== 0));
  // --forward-dtype float32 makes it runnable here with the same weights
  const f32 = await importOfficialCheckpoint(`${REF}/checkpoint-bf16/checkpoint_step_0`, `${REF}/checkpoint-bf16/config.json`, join(tmp, "bf16-f32"), { forwardDtype: "float32" });
  assert.equal(loadCheckpointModel(join(tmp, "bf16-f32")).config.forward_dtype, "float32");
  assert.equal(f32.config.seq_len, 4);
});

const LOAD = `
import sys, json, torch, yaml
out = []
for ck, cfg in zip(sys.argv[1::2], sys.argv[2::2]):
    sd = torch.load(ck, map_location="cpu")
    out.append({"tensors": {k: {"dtype": str(t.dtype), "shape": list(t.shape), "values": t.float().reshape(-1).tolist()} for k, t in sd.items()},
                "config": yaml.safe_load(open(cfg))})
print(json.dumps(out))
`;

test("export -> torch.load: every key in state_dict order with the right dtype, shape and values; all_config.yaml loads", async (t) => {
  const cases = [["tiny", "checkpoint_step_0", "config.json"], ["bf16", "checkpoint-bf16/checkpoint_step_0", "checkpoint-bf16/config.json"]] as const;
  const exported: ExportResult[] = [];
  for (const [name, src, cfg] of cases) {
    const dir = join(tmp, `exp-src-${name}`);
    await importOfficialCheckpoint(`${REF}/${src}`, `${REF}/${cfg}`, dir);
    exported.push(await exportOfficialCheckpoint(dir, join(tmp, `exp-${name}`, "step_0")));
  }
  const stdout = python(t, LOAD, exported.flatMap((r) => [r.file, r.yamlPath]));
  if (stdout === null) return;
  const loaded = JSON.parse(stdout) as Array<{ tensors: Record<string, { dtype: string; shape: number[]; values: number[] }>; config: { arch: Record<string, unknown> } }>;
  for (const [i, [name, src]] of cases.entries()) {
    const r = exported[i]!, py = loaded[i]!;
    const original = readTorchCheckpoint(`${REF}/${src}`);
    assert.deepEqual(Object.keys(py.tensors), [...original.keys()], `${name}: keys in the official order`);
    assert.deepEqual(r.keys, [...original.keys()]);
    for (const [k, t] of original) {
      const d = py.tensors[k]!;
      assert.equal(d.dtype, t.dtype === "BF16" ? "torch.bfloat16" : "torch.float32", `${name} ${k} dtype`);
      assert.deepEqual(d.shape, [...t.shape], `${name} ${k} shape`);
      assert.deepEqual(Float32Array.from(d.values), toFloat32(t), `${name} ${k} values`);
    }
    const arch = py.config.arch;
    assert.equal(arch["name"], "hrm.hrm_act_v1@HierarchicalReasoningModel_ACTV1");
    assert.deepEqual(arch["loss"], { loss_type: "stablemax_cross_entropy", name: "losses@ACTLossHead" });
    assert.equal(arch["hidden_size"], r.config.hidden_size);
    for (const k of ["vocab_size", "seq_len", "num_puzzle_identifiers", "batch_size"]) assert.ok(!(k in arch), `arch must not carry data-derived ${k}`);
    // and back: the exported pair imports to the same config (no --seq-len needed)
    const back = await importOfficialCheckpoint(r.file, r.yamlPath, join(tmp, `back-${name}`));
    assert.deepEqual(back.config, r.config);
  }
  assert.equal(loaded[1]!.tensors["_orig_mod.model.inner.H_init"]!.dtype, "torch.bfloat16");
});

test("an official all_config.yaml as PyYAML dumps it drives the import; RoPE needs --seq-len; conflicts are named", async (t) => {
  const dump = `
import yaml, sys
cfg = {"arch": {"name": "hrm.hrm_act_v1@HierarchicalReasoningModel_ACTV1", "loss": {"name": "losses@ACTLossHead", "loss_type": "stablemax_cross_entropy"},
  "halt_exploration_prob": 0.0, "halt_max_steps": 4, "H_cycles": 2, "L_cycles": 2, "H_layers": 2, "L_layers": 2, "hidden_size": 64, "num_heads": 4,
  "expansion": 4, "puzzle_emb_ndim": 64, "pos_encodings": "rope", "forward_dtype": "float32"},
  "data_path": "data/sudoku-extreme-1k-aug-1000", "global_batch_size": 3, "epochs": 20000, "lr": 7e-05, "lr_min_ratio": 1.0, "lr_warmup_steps": 2000,
  "weight_decay": 1.0, "beta1": 0.9, "beta2": 0.95, "puzzle_emb_lr": 7e-05, "puzzle_emb_weight_decay": 1.0,
  "project_name": "Sudoku-extreme-1k-aug-1000 ACT-torch", "run_name": "HierarchicalReasoningModel_ACTV1 loose-caracara",
  "checkpoint_path": "checkpoints/Sudoku-extreme-1k-aug-1000 ACT-torch/HierarchicalReasoningModel_ACTV1 loose-caracara with a long tail that wraps",
  "seed": 0, "checkpoint_every_eval": True, "eval_interval": 2000, "eval_save_outputs": ["inputs", "labels"]}
open(sys.argv[1], "w").write(yaml.dump(cfg))
`;
  const yamlPath = join(tmp, "all_config.yaml");
  if (python(t, dump, [yamlPath]) === null) return;
  const doc = readOfficialConfig(yamlPath);
  assert.equal(doc.section, "arch");
  assert.equal(doc.lossType, "stablemax_cross_entropy");
  assert.deepEqual([...doc.ignored].sort(), ["loss", "name"]);
  const raw = doc.raw as Record<string, unknown>;
  assert.equal(raw["checkpoint_path"], "checkpoints/Sudoku-extreme-1k-aug-1000 ACT-torch/HierarchicalReasoningModel_ACTV1 loose-caracara with a long tail that wraps");
  assert.deepEqual(raw["eval_save_outputs"], ["inputs", "labels"]);
  assert.equal(raw["lr"], 7e-5);
  await assert.rejects(importOfficialCheckpoint(`${REF}/checkpoint_step_0`, yamlPath, join(tmp, "y1")), (e: unknown) => e instanceof ConfigError && /--seq-len/.test(e.message));
  const r = await importOfficialCheckpoint(`${REF}/checkpoint_step_0`, yamlPath, join(tmp, "y2"), { seqLen: 16 });
  assert.deepEqual([r.config.vocab_size, r.config.num_puzzle_identifiers, r.config.seq_len, r.config.batch_size], [11, 5, 16, 3]);
  writeFileSync(yamlPath, readFileSync(yamlPath, "utf8").replace("hidden_size: 64", "hidden_size: 128"));
  await assert.rejects(importOfficialCheckpoint(`${REF}/checkpoint_step_0`, yamlPath, join(tmp, "y3"), { seqLen: 16 }),
    (e: unknown) => e instanceof CheckpointError && /hidden_size=128.*embed_tokens\.embedding_weight \[11, 64\] gives 64/.test(e.message));
});

function hostile(): Uint8Array {
  const enc = new TextEncoder();
  const arg = enc.encode("touch /tmp/hrm-pwned-by-import");
  const pkl = Uint8Array.from([0x80, 2, ...enc.encode("cos\nsystem\n"), 0x58, arg.length, 0, 0, 0, ...arg, 0x85, 0x52, 0x2e]);
  const chunks: Uint8Array[] = [];
  const w = new ZipWriter((c) => chunks.push(c.slice()));
  w.add("evil/data.pkl", pkl);
  w.add("evil/version", enc.encode("3\n"));
  w.finish();
  return new Uint8Array(Buffer.concat(chunks));
}

test("CLI: hostile pickle and truncated checkpoint are CheckpointErrors (exit 1, stderr), nothing written; import/export happy path", () => {
  const evil = join(tmp, "evil.pt");
  writeFileSync(evil, hostile());
  let r = cli(["import", evil, "--config", `${REF}/config.json`, "--out", join(tmp, "o-evil")]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /CheckpointError: .*os\.system.*not allowed/);
  assert.equal(r.stdout, "");
  const good = readFileSync(`${REF}/checkpoint_step_0`);
  const trunc = join(tmp, "trunc.pt");
  writeFileSync(trunc, good.subarray(0, good.length >> 1));
  r = cli(["import", trunc, "--config", `${REF}/config.json`, "--out", join(tmp, "o-trunc")]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /CheckpointError: .*truncated/);
  assert.throws(() => readFileSync(join(tmp, "o-trunc", "config.json")), /ENOENT/);
  r = cli(["import", `${REF}/checkpoint_step_0`, "--out", join(tmp, "o")]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--config <file> and --out <dir> are required/);
  r = cli(["import", `${REF}/checkpoint_step_0`, "--config", `${REF}/config.json`, "--out", join(tmp, "o-ok")]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /imported 23 tensors/);
  r = cli(["import", `${REF}/checkpoint_step_0`, "--config", `${REF}/config.json`, "--out", join(tmp, "o-ok")]);
  assert.equal(r.status, 1, "an existing output folder is refused without --force");
  assert.match(r.stderr, /already exists/);
  r = cli(["export", "--checkpoint", join(tmp, "o-ok"), "--out", join(tmp, "o-exp", "ckpt")]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /wrote .*ckpt \(23 tensors/);
  assert.equal(readTorchCheckpoint(join(tmp, "o-exp", "ckpt")).size, 23);
});
