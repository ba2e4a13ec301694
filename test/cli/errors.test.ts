// Every failure a user can cause is one `hrm <cmd>: ...` line naming the path and what was expected, with
// the documented exit code: a folder given for a file (import), a file given for a folder (freeze,
// export), a Node fs error escaping a command (formatted by the dispatcher), unavailable kernels.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { tinyConfig, tinyWorkspace, writeConfig } from "../train/tiny-run.js";

const CLI = "dist/src/cli/main.js";
const dir = mkdtempSync(join(tmpdir(), "hrm-cli-errors-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, "a-file");
writeFileSync(file, "keep me");

function hrm(args: string[], env: NodeJS.ProcessEnv = process.env): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env });
}

/** Exactly one stderr line, no stack trace. */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one line expected, got:\n${stderr}`);
  assert.doesNotMatch(stderr, /\n\s+at |Error: E[A-Z]+:|\[Error/);
  return lines[0]!;
}

test("hrm --help documents the exit codes", () => {
  const r = hrm(["--help"]);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /exit codes:\n\s+0 {2}success\n\s+1 {2}input or runtime error.*\n\s+2 {2}usage error.*\n\s+130 {2}interrupted by SIGINT.*\n\s+143 {2}terminated by SIGTERM/);
  assert.equal(hrm([]).status, 2);
});

test("hrm import: a folder or a missing path for the checkpoint file is one line, exit 1", () => {
  const cfg = join(dir, "config.json");
  writeFileSync(cfg, "{}");
  const folder = hrm(["import", dir, "--config", cfg, "--out", join(dir, "out")]);
  assert.equal(folder.status, 1);
  assert.equal(oneLine(folder.stderr), `hrm import: CheckpointError: official checkpoint ${dir} is a folder; expected a file`);
  const missing = hrm(["import", join(dir, "nope"), "--config", cfg, "--out", join(dir, "out")]);
  assert.equal(missing.status, 1);
  assert.equal(oneLine(missing.stderr), `hrm import: CheckpointError: official checkpoint ${join(dir, "nope")} does not exist; expected a file`);
  const cfgFolder = hrm(["import", file, "--config", dir, "--out", join(dir, "out")]);
  assert.equal(cfgFolder.status, 1);
  assert.equal(oneLine(cfgFolder.stderr), `hrm import: ConfigError: --config ${dir} is a folder; expected a file`);
});

test("hrm freeze / export / demo / analyze: an --out that is a file, under a file, or a foreign folder is refused (exit 2) and left as it was", () => {
  const other = join(dir, "other");
  mkdirSync(other, { recursive: true });
  writeFileSync(join(other, "notes.txt"), "mine");
  const ck = join(dir, "no-such-checkpoint"); // the output check comes first: nothing is loaded or written
  const cases: [string[], string][] = [
    [["freeze", "--checkpoint", ck, "--out", file], `hrm freeze: --out ${file} is a file; expected a folder path`],
    [["freeze", "--checkpoint", ck, "--out", join(file, "sub")], `hrm freeze: --out ${join(file, "sub")}: ${file} is a file; expected a folder there`],
    [["freeze", "--checkpoint", ck, "--out", other], `hrm freeze: --out ${other} is a folder that is not a checkpoint folder (no config.json, model.safetensors); refusing to replace it`],
    // demo replaces its --out folder: only a demo folder (source/, data/, run/), never someone's files
    [["demo", "--out", other], `hrm demo: --out ${other} is a folder that is not a demo folder (no source); refusing to replace it`],
    [["demo", "--out", file], `hrm demo: --out ${file} is a file; expected a folder path`],
    [["analyze", "pr", "--checkpoint", ck, "--data", dir, "--out", file], `hrm analyze: --out ${file} is a file; expected a folder path`],
    [["export", "--checkpoint", ck, "--out", dir], `hrm export: --out ${dir} is a folder; expected a file path`],
    [["export", "--checkpoint", ck, "--out", join(file, "x.pt")], `hrm export: --out ${join(file, "x.pt")}: ${file} is a file; expected a folder there`],
  ];
  for (const [args, line] of cases) {
    const r = hrm(args);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(oneLine(r.stderr), line);
  }
  assert.equal(readFileSync(file, "utf8"), "keep me");
  assert.equal(readFileSync(join(other, "notes.txt"), "utf8"), "mine");
});

test("a Node fs error escaping a command is one `hrm <cmd>: <what>: <path>` line, exit 1", async () => {
  // run_dir under a file: creating it fails with ENOTDIR, which no command turns into a typed error itself
  const ws = await tinyWorkspace("hrm-cli-fs-");
  try {
    const cfg = writeConfig(ws, "under-file", tinyConfig(ws, join(file, "run")));
    const r = hrm(["train", "--config", cfg, "--no-progress"]);
    assert.equal(r.status, 1);
    assert.equal(oneLine(r.stderr), `hrm train: not a folder (a part of the path is a file): ${join(file, "run")}`);
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
});

test("kernels: an unusable HRM_NUM_THREADS and unavailable native kernels are typed errors (one line, exit 1)", () => {
  const r = hrm(["train", "--preset", "tiny", `run_dir=${join(dir, "r")}`, "kernels=native", "--no-progress"], { ...process.env, HRM_NUM_THREADS: "lots" });
  assert.equal(r.status, 1);
  assert.equal(oneLine(r.stderr), `hrm train: ConfigError: HRM_NUM_THREADS must be a positive integer, got "lots"`);
  // without the addon (a path that does not exist), selectKernels("native") throws a ConfigError
  const script = `import { selectKernels } from "./dist/src/kernels/select.js";
    try { selectKernels("native", { addonPath: "/nonexistent/hrm_native.node", log: () => {} }); console.log("no error"); }
    catch (e) { console.log(e.constructor.name + ": " + e.message); }`;
  const s = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.match(s.stdout, /^ConfigError: hrm: native kernels unavailable \(addon not built: \/nonexistent\/hrm_native.node is missing\)/);
});
