// Tiny hostile files that used to allocate gigabytes (issue 11, item 3): each now fails with one typed line,
// within a bounded peak RSS measured in a child process, and legitimate views and deflated records still load.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CheckpointError } from "../../src/engine/errors.js";
import { unpickle } from "../../src/io/pickle-reader.js";
import { toFloat32 } from "../../src/io/stored-tensor.js";
import { decodeTorchCheckpoint } from "../../src/io/torch-checkpoint.js";
import {
  deflatedEntry,
  inflatedPickleCheckpoint,
  lyingNpy,
  nestedListsCheckpoint,
  nestedListsPickle,
  rawZip,
  storedZip,
  strideZeroCheckpoint,
  viewPickle,
  viewsPickle,
  type ViewSpec,
} from "./hostile-files.js";

/** Peak RSS every case must stay under (issue 11: any input under 1 MB; the nested-list pickle is 4 MB). */
const PEAK_RSS_LIMIT_MB = 200;

const moduleUrl = (rel: string): string => new URL(rel, import.meta.url).href;
const CLI = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

/** A child that loads one file with the real reader and reports the error it got and its peak RSS. */
const PROBE = `
const [kind, file, torchUrl, npyUrl] = process.argv.slice(2);
let error = null;
try {
  if (kind === "torch") (await import(torchUrl)).readTorchCheckpoint(file);
  else (await import(npyUrl)).NpyFile.open(file).close();
} catch (e) {
  error = { name: e.constructor.name, message: String(e.message) };
}
console.log(JSON.stringify({ error, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
`;

/** Writes the probe on exit: the peak RSS of a CLI run. */
const RSS_ON_EXIT = `process.on("exit", () => require("node:fs").writeFileSync(process.env.HRM_TEST_RSS_FILE, String(process.resourceUsage().maxRSS / 1024)));\n`;

interface Probe {
  readonly error: { name: string; message: string } | null;
  readonly maxRssMb: number;
}

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "hrm-hostile-"));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function probe(dir: string, kind: "torch" | "npy", name: string, bytes: Uint8Array): Probe & { path: string } {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const script = join(dir, "probe.mjs");
  writeFileSync(script, PROBE);
  const r = spawnSync(
    process.execPath,
    [script, kind, path, moduleUrl("../../src/io/torch-checkpoint.js"), moduleUrl("../../src/data/npy.js")],
    { encoding: "utf8", timeout: 60_000 },
  );
  assert.equal(r.status, 0, `probe of ${name} failed: ${r.stderr}`);
  return { ...(JSON.parse(r.stdout) as Probe), path };
}

function assertRefused(p: Probe & { path: string }, errorName: string, ...parts: string[]): void {
  assert.ok(p.error !== null, `${p.path} was accepted`);
  assert.equal(p.error.name, errorName, p.error.message);
  assert.ok(!p.error.message.includes("\n"), `multi-line message: ${p.error.message}`);
  for (const s of [p.path, ...parts]) assert.ok(p.error.message.includes(s), `message "${p.error.message}" lacks "${s}"`);
  assert.ok(p.maxRssMb < PEAK_RSS_LIMIT_MB, `${p.path}: peak RSS ${p.maxRssMb.toFixed(0)} MB`);
}

test("a stride-0 [16384, 16384] view of a 1-element storage is refused without allocating 1 GiB", () => {
  withDir((dir) => {
    const bytes = strideZeroCheckpoint([16384, 16384]);
    assert.ok(bytes.length < 1000);
    const p = probe(dir, "torch", "stride0.pt", bytes);
    assertRefused(p, "CheckpointError", 'tensor "w"', "overlapping view", "[16384, 16384]", "1073741824 bytes", "1-element storage");
  });
});

test("a stride-0 [2^20, 2^20] view gives a CheckpointError, not a RangeError", () => {
  withDir((dir) => {
    const p = probe(dir, "torch", "stride0-huge.pt", strideZeroCheckpoint([2 ** 20, 2 ** 20]));
    assertRefused(p, "CheckpointError", 'tensor "w"', "[1048576, 1048576]", "overlapping view");
  });
});

test("legitimate overlapping (broadcast) views still load, as contiguous copies", () => {
  const storage = new Float32Array([1, 2, 3]);
  const file = storedZip([["a/data.pkl", viewPickle([4, 3], [0, 1], 3)], ["a/data/0", new Uint8Array(storage.buffer)]]);
  const t = decodeTorchCheckpoint(file, "bcast.pt").get("w");
  assert.ok(t);
  assert.deepEqual([...t.shape], [4, 3]);
  assert.deepEqual([...toFloat32(t)], [1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
  // The same broadcast beyond the overlap limit (16 MiB for a small file) is refused.
  const big = storedZip([["a/data.pkl", viewPickle([1 << 21, 3], [0, 1], 3)], ["a/data/0", new Uint8Array(storage.buffer)]]);
  assert.throws(() => decodeTorchCheckpoint(big, "bcast.pt"), (e: unknown) => e instanceof CheckpointError && /bcast\.pt: tensor "w": overlapping view .* at most 16777216 bytes/.test(e.message));
});

test("many full views of one storage cannot multiply it past the expansion budget", () => {
  // 40 tensors, each the whole 2 MiB storage (a legal, non-overlapping view): 80 MiB > the 64 MiB floor.
  const numel = 1 << 19;
  const views = (n: number): ViewSpec[] => Array.from({ length: n }, (_, i) => ({ key: `t${i}`, size: [numel], stride: [1] }));
  const file = (n: number): Uint8Array => storedZip([["a/data.pkl", viewsPickle(views(n), numel)], ["a/data/0", new Uint8Array(numel * 4)]]);
  assert.throws(
    () => decodeTorchCheckpoint(file(40), "shared.pt"),
    (e: unknown) => e instanceof CheckpointError && /^shared\.pt: tensor "t\d+": this tensor would bring the checkpoint's tensors to \d+ bytes in memory; at most 67108864 allowed for a \d+-byte file/.test(e.message),
  );
  // A few shared views (tied weights) are fine.
  assert.equal(decodeTorchCheckpoint(file(2), "tied.pt").size, 2);
});

test("a 0.5 MB zip whose data.pkl declares 512 MiB is refused before inflating", () => {
  withDir((dir) => {
    const bytes = inflatedPickleCheckpoint(512);
    assert.ok(bytes.length < 600_000, `${bytes.length} bytes`);
    const p = probe(dir, "torch", "bomb.pt", bytes);
    assertRefused(p, "CheckpointError", 'entry "archive/data.pkl"', "declares 536870912 bytes", "64:1");
  });
});

test("a deflated entry that inflates past its declared size is refused; honest deflated records load", () => {
  const storage = new Float32Array([1, 2, 3, 4, 5, 6]);
  const pickle = viewPickle([2, 3], [3, 1], 6);
  const honest = rawZip([deflatedEntry("a/data.pkl", pickle), deflatedEntry("a/data/0", new Uint8Array(storage.buffer))]);
  assert.deepEqual([...toFloat32(decodeTorchCheckpoint(honest, "d.pt").get("w") ?? assert.fail("no w"))], [1, 2, 3, 4, 5, 6]);
  // The directory claims 100 bytes for a stream of 1 MiB of zeros: inflating stops at the claim.
  const liar = rawZip([{ ...deflatedEntry("a/data.pkl", pickle), size: 100 }, { ...deflatedEntry("a/data/0", new Uint8Array(1 << 20)), size: 100 }]);
  assert.throws(() => decodeTorchCheckpoint(liar, "liar.pt"), (e: unknown) => e instanceof CheckpointError && /liar\.pt: entry "a\/data.pkl"/.test(e.message));
});

test("a 4 MB pickle of 2 M nested lists stops at the object cap with bounded memory", () => {
  withDir((dir) => {
    const p = probe(dir, "torch", "nested.pt", nestedListsCheckpoint(2_000_000));
    assertRefused(p, "CheckpointError", "archive/data.pkl", "more than 250000 objects");
  });
  // The cap is an option of the unpickler: a small one refuses a small nest, with the source named.
  assert.throws(
    () => unpickle(nestedListsPickle(50), { source: "n.pkl", globals: new Map(), refusal: "", maxObjects: 10 }),
    (e: unknown) => e instanceof CheckpointError && e.message === "n.pkl: pickle creates more than 10 objects (dicts count 3) at byte 12 of 102; refusing it as hostile or not a state dict",
  );
});

test("a 5 KB .npy whose header claims 400 MiB, or 0xFFFFFFF0 bytes, gives a DataError without allocating it", () => {
  withDir((dir) => {
    for (const [name, len] of [["big-header.npy", 400 * 2 ** 20], ["huge-header.npy", 0xfffffff0]] as const) {
      const p = probe(dir, "npy", name, lyingNpy(len, 5000));
      assertRefused(p, "DataError", `header length ${len}`, "limit 1048576 bytes");
    }
    // Under the cap but past the end of the file: "truncated", naming both sizes.
    const p = probe(dir, "npy", "short.npy", lyingNpy(500_000, 5000));
    assertRefused(p, "DataError", "truncated .npy header", "500012 bytes", "the file has 5000");
  });
});

test("hrm import of a hostile checkpoint: exit 1, one line naming the file, no output folder, bounded RSS", () => {
  withDir((dir) => {
    const ck = join(dir, "stride0.pt");
    writeFileSync(ck, strideZeroCheckpoint([16384, 16384]));
    const config = join(dir, "all_config.yaml");
    writeFileSync(config, "arch:\n  name: hrm.hrm_act_v1@HierarchicalReasoningModel_ACTV1\n");
    const preload = join(dir, "rss.cjs");
    writeFileSync(preload, RSS_ON_EXIT);
    const rssFile = join(dir, "rss.txt");
    const out = join(dir, "out");
    const r = spawnSync(process.execPath, ["--require", preload, CLI, "import", ck, "--config", config, "--out", out], {
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, HRM_TEST_RSS_FILE: rssFile },
    });
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0] as string, /^hrm import: CheckpointError: .*stride0\.pt: tensor "w": overlapping view/);
    assert.equal(existsSync(out), false);
    const rss = Number(readFileSync(rssFile, "utf8"));
    assert.ok(rss > 0 && rss < PEAK_RSS_LIMIT_MB, `peak RSS ${rss} MB`);
  });
});
