// One trainer per run folder: a second `hrm train` on a folder in use is refused (one line, exit 1) and
// metrics.jsonl keeps each step once; the lock of a dead process is taken over; a run folder path that is
// a file is refused.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { readMetrics } from "../../src/train/metrics-file.js";
import { acquireRunLock, LOCK_FILE, RunLockedError } from "../../src/train/run-lock.js";
import { CLI, hrm, tinyConfig, tinyWorkspace, writeConfig } from "./tiny-run.js";

let dir = "";
before(async () => { dir = await tinyWorkspace("hrm-lock-"); });
after(() => rmSync(dir, { recursive: true, force: true }));

/** The train steps in metrics.jsonl, in file order (a line torn by the SIGKILL is left out). */
function steps(runDir: string): number[] {
  return readMetrics(join(runDir, "metrics.jsonl")).lines.map((l) => l.value).filter((l) => l.eval === undefined).map((l) => l.step);
}

/** A pid that is certainly not running: a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", ""]);
  assert.ok(r.pid !== undefined && r.pid > 0);
  return r.pid;
}

test("a second trainer on a run folder in use is refused clearly; metrics keep each step once; the lock is released", async () => {
  const run = join(dir, "busy");
  const cfgA = writeConfig(dir, "busy-a", tinyConfig(dir, run, { max_steps: 100000, checkpoint_every_steps: 5 }));
  const cfgB = writeConfig(dir, "busy-b", tinyConfig(dir, run, { max_steps: 100000, checkpoint_every_steps: 5, lr: 2e-3 }));
  const a = spawn(process.execPath, [CLI, "train", "--config", cfgA, "--no-progress"], { stdio: "ignore" });
  const exited = new Promise((r) => a.once("exit", r));
  try {
    // wait until A holds the lock and has written a few steps
    const t0 = Date.now();
    while (!(existsSync(join(run, LOCK_FILE)) && existsSync(join(run, "metrics.jsonl")) && steps(run).length >= 2)) {
      assert.ok(Date.now() - t0 < 60_000, "trainer A never started");
      await new Promise((r) => setTimeout(r, 20));
    }
    const lock = JSON.parse(readFileSync(join(run, LOCK_FILE), "utf8")) as { pid: number };
    assert.equal(lock.pid, a.pid);
    // the same config, and a different one resumed (was: both ran; or an uncaught ENOTEMPTY)
    for (const args of [["--config", cfgA], ["--config", cfgB, "--resume", "--accept-config-change"]]) {
      const b = hrm(["train", ...args, "--no-progress"]);
      assert.equal(b.status, 1, b.stderr);
      assert.equal(b.stderr.trim().split("\n").length, 1, `one line: ${b.stderr}`);
      assert.match(b.stderr, new RegExp(`^hrm train: RunLockedError: run folder ${run} is in use by another trainer \\(pid ${a.pid!}`));
    }
  } finally {
    a.kill("SIGKILL");
    await exited;
  }
  const s = steps(run);
  assert.deepEqual(s, s.map((_, i) => i + 1), "each step once, in order");

  // A died holding the lock: the next trainer takes it over, and releases it at the end
  const cfgC = writeConfig(dir, "busy-c", tinyConfig(dir, run, { max_steps: 3 }));
  const c = hrm(["train", "--config", cfgC, "--no-progress"]);
  assert.equal(c.status, 0, c.stderr);
  assert.match(c.stderr, new RegExp(`taking over the lock of ${run} from pid ${a.pid!}, which is no longer running`));
  assert.ok(!existsSync(join(run, LOCK_FILE)), "lock removed when the run ends");
  assert.deepEqual(steps(run), [1, 2, 3]);
});

test("a stale lock (dead pid, or unreadable) is taken over; a live one refuses; release leaves others' locks", () => {
  const run = join(dir, "stale");
  mkdirSync(run, { recursive: true });
  const lines: string[] = [];
  const pid = deadPid();
  writeFileSync(join(run, LOCK_FILE), JSON.stringify({ pid }));
  const release = acquireRunLock(run, (l) => lines.push(l));
  assert.equal((JSON.parse(readFileSync(join(run, LOCK_FILE), "utf8")) as { pid: number }).pid, process.pid);
  assert.match(lines.join("\n"), new RegExp(`from pid ${pid}, which is no longer running`));
  release();
  assert.ok(!existsSync(join(run, LOCK_FILE)));

  writeFileSync(join(run, LOCK_FILE), "{\"pid\": 12"); // torn
  acquireRunLock(run, (l) => lines.push(l))();
  assert.match(lines.at(-1)!, /from an unreadable lock file/);

  // the parent of this test process is alive: its lock holds
  writeFileSync(join(run, LOCK_FILE), JSON.stringify({ pid: process.ppid, started: "then" }));
  assert.throws(() => acquireRunLock(run, () => {}), (e: unknown) => e instanceof RunLockedError && e.message.includes(`(pid ${process.ppid}, started then)`));
  assert.equal((JSON.parse(readFileSync(join(run, LOCK_FILE), "utf8")) as { pid: number }).pid, process.ppid, "a refused trainer leaves the lock alone");
  // a lock taken on another machine holds whatever its pid
  writeFileSync(join(run, LOCK_FILE), JSON.stringify({ pid: deadPid(), host: "elsewhere.example" }));
  assert.throws(() => acquireRunLock(run, () => {}), (e: unknown) => e instanceof RunLockedError && /on elsewhere\.example\).*delete .*train\.lock\)$/.test(e.message));
});

test("a --run-dir that is an existing file is one clear line, exit 1, and the file is untouched", () => {
  const file = join(dir, "not-a-folder");
  writeFileSync(file, "keep me");
  const r = hrm(["train", "--config", writeConfig(dir, "file-run", tinyConfig(dir, join(dir, "unused"))), "--run-dir", file, "--no-progress"]);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stderr, `hrm train: ConfigError: run_dir ${file} is a file; expected a folder (or a path to create)\n`);
  assert.equal(readFileSync(file, "utf8"), "keep me");
});
