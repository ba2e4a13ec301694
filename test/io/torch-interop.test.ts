// Interop with real PyTorch (Debian python3-torch): torch.load reads what we write, and we read what
// torch.save writes (views, shared storages, Parameters, every dtype). Skipped when torch is absent,
// except under CI, where the absence is a failure.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SafeDType, StoredTensor } from "../../src/io/safetensors.js";
import { readTorchCheckpoint, writeTorchCheckpoint } from "../../src/io/torch-checkpoint.js";
import { bytesOf } from "./helpers.js";

const PYTHON = "/usr/bin/python3";

function probeTorch(): { version?: string; reason?: string } {
  const r = spawnSync(PYTHON, ["-c", "import torch; print(torch.__version__)"], { encoding: "utf8", timeout: 60_000 });
  if (r.status === 0) return { version: r.stdout.trim() };
  return { reason: r.error ? `${PYTHON} not runnable (${r.error.message})` : `${PYTHON} cannot import torch (${r.stderr.trim().split("\n").pop() ?? ""})` };
}

const probe = probeTorch();
const missing = probe.version === undefined
  ? `torch.load interop needs Debian's python3-torch (apt-get install -y python3-torch): ${probe.reason ?? ""}`
  : undefined;
const skip = missing !== undefined && !process.env.CI ? missing : false;

const TORCH_DTYPE: Readonly<Record<string, SafeDType>> = {
  "torch.float32": "F32", "torch.float64": "F64", "torch.float16": "F16", "torch.bfloat16": "BF16", "torch.int64": "I64",
  "torch.int32": "I32", "torch.int16": "I16", "torch.int8": "I8", "torch.uint8": "U8", "torch.bool": "BOOL",
};

interface Dumped { dtype: string; shape: number[]; hex: string }

const DUMP = `
import sys, json, torch
def dump(sd):
    out = {}
    for k, t in sd.items():
        flat = t.detach().reshape(-1).contiguous()
        out[k] = {"dtype": str(t.dtype), "shape": list(t.shape), "hex": flat.view(torch.uint8).numpy().tobytes().hex()}
    return out
`;

function python(script: string, args: string[]): string {
  const r = spawnSync(PYTHON, ["-c", DUMP + script, ...args], { encoding: "utf8", timeout: 180_000, maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `python failed: ${r.stderr}`);
  return r.stdout;
}

function assertMatches(ours: ReadonlyMap<string, StoredTensor>, theirs: Record<string, Dumped>, what: string): void {
  assert.deepEqual([...ours.keys()], Object.keys(theirs), what);
  for (const [k, t] of ours) {
    const d = theirs[k] as Dumped;
    assert.equal(t.dtype, TORCH_DTYPE[d.dtype], `${what} ${k} dtype ${d.dtype}`);
    assert.deepEqual([...t.shape], d.shape, `${what} ${k} shape`);
    assert.equal(Buffer.from(bytesOf(t.data)).toString("hex"), d.hex, `${what} ${k} values`);
  }
}

function sample(): Map<string, StoredTensor> {
  const w = new Float32Array(6 * 5).map((_, i) => Math.sin(i) * 10);
  return new Map<string, StoredTensor>([
    ["_orig_mod.model.inner.H_init", { dtype: "BF16", shape: [5], data: new Uint16Array([0x3f80, 0xc0a0, 0x7fc0, 0x0001, 0xff80]) }],
    ["_orig_mod.model.inner.lm_head.weight", { dtype: "F32", shape: [6, 5], data: w }],
    ["f64", { dtype: "F64", shape: [2, 1], data: new Float64Array([Math.PI, -1e-300]) }],
    ["f16", { dtype: "F16", shape: [2], data: new Uint16Array([0x3c00, 0xfbff]) }],
    ["i64", { dtype: "I64", shape: [2], data: new BigInt64Array([-(2n ** 62n), 9n]) }],
    ["i32", { dtype: "I32", shape: [2], data: new Int32Array([-1, 2147483647]) }],
    ["i16", { dtype: "I16", shape: [1], data: new Int16Array([-2]) }],
    ["i8", { dtype: "I8", shape: [1], data: new Int8Array([-128]) }],
    ["u8", { dtype: "U8", shape: [2], data: new Uint8Array([0, 255]) }],
    ["bool", { dtype: "BOOL", shape: [2, 2], data: new Uint8Array([1, 0, 0, 1]) }],
    ["scalar", { dtype: "F32", shape: [], data: new Float32Array([2.5]) }],
    ["empty", { dtype: "F32", shape: [3, 0], data: new Float32Array(0) }],
  ]);
}

test(`torch.load reads our checkpoints with the same values (torch ${probe.version ?? "absent"})`, { skip }, () => {
  if (missing !== undefined) assert.fail(`CI is set but ${missing}`);
  const dir = mkdtempSync(join(tmpdir(), "hrm-torch-"));
  try {
    const src = sample();
    const plain = join(dir, "ours.pt");
    const z64 = join(dir, "ours64.pt");
    writeTorchCheckpoint(plain, src);
    writeTorchCheckpoint(z64, src, { forceZip64: true, archiveName: "checkpoint_step_9" });
    const out = python(
      `
def load(p):
    try:
        return torch.load(p, map_location="cpu", weights_only=True)
    except TypeError:  # torch without weights_only
        return torch.load(p, map_location="cpu")
res = {}
for p in sys.argv[1:]:
    sd = load(p)
    assert type(sd).__name__ == "OrderedDict", type(sd)
    res[p] = dump(sd)
print(json.dumps(res))
`,
      [plain, z64],
    );
    const res = JSON.parse(out) as Record<string, Record<string, Dumped>>;
    assertMatches(src, res[plain] as Record<string, Dumped>, "ours.pt");
    assertMatches(src, res[z64] as Record<string, Dumped>, "ours64.pt (zip64)");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("we read what torch.save writes: views, shared storage, Parameters, every dtype", { skip }, () => {
  if (missing !== undefined) assert.fail(`CI is set but ${missing}`);
  const dir = mkdtempSync(join(tmpdir(), "hrm-torch-"));
  try {
    const path = join(dir, "theirs.pt");
    const out = python(
      `
from collections import OrderedDict
torch.manual_seed(0)
base = torch.arange(24, dtype=torch.float32) * 0.5
sd = OrderedDict()
sd["transposed"] = base.view(4, 6).t()
sd["slice"] = base[5:11]
sd["shared"] = base.view(4, 6)
sd["bf16_view"] = torch.randn(3, 5).to(torch.bfloat16)[:, 1:4]
sd["f64_t"] = torch.randn(2, 3, dtype=torch.float64).t()
sd["f16"] = torch.tensor([1.5, -2.0, 65504.0], dtype=torch.float16)
sd["i64"] = torch.arange(-3, 3, dtype=torch.int64).view(2, 3)[:, ::2]
sd["i32"] = torch.tensor([-5, 7], dtype=torch.int32)
sd["i16"] = torch.tensor([-300], dtype=torch.int16)
sd["i8"] = torch.tensor([-8, 9], dtype=torch.int8)
sd["u8"] = torch.tensor([200], dtype=torch.uint8)
sd["bool"] = torch.tensor([True, False, True])
sd["scalar"] = torch.tensor(3.25)
sd["expanded"] = torch.tensor([1.0, 2.0]).expand(3, 2)
sd["param"] = torch.nn.Parameter(torch.randn(2, 2))
sd["empty"] = torch.zeros(0, 4)
torch.save(sd, sys.argv[1])
print(json.dumps(dump(sd)))
`,
      [path],
    );
    const theirs = JSON.parse(out) as Record<string, Dumped>;
    assertMatches(readTorchCheckpoint(path), theirs, "theirs.pt");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
