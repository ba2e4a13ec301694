// SIGINT/SIGTERM during `hrm data`: the build stops within about a second, exits 130/143, removes its
// temp folder and leaves nothing under the output name.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { writeSudokuCsv } from "./fixtures.js";
import { REPO_ROOT, tempDir } from "./helpers.js";

const tmp = tempDir("signals");
after(tmp.cleanup);
const csv = join(tmp.dir, "train.csv");
before(() => writeSudokuCsv(csv, 3000, 5));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Start a build that writes ~300k examples (seconds), signal it mid-write, report how it ended. */
async function interrupt(signal: NodeJS.Signals, out: string): Promise<{ code: number | null; killedBy: string | null; ms: number; stderr: string; sawTemp: boolean }> {
  const child = spawn(process.execPath, [join(REPO_ROOT, "dist/src/cli/main.js"), "data", "sudoku", "--train", csv, "--holdout", "100", "--num-aug", "100", "--out", out, "--no-progress"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<{ code: number | null; killedBy: string | null }>((resolve) => child.on("exit", (code, sig) => resolve({ code, killedBy: sig })));
  const temp = `${out}.tmp-${child.pid}`;
  let sawTemp = false;
  for (let i = 0; i < 600 && child.exitCode === null; i++) { // wait until the writing phase has begun
    if (existsSync(join(temp, "train"))) { sawTemp = true; break; }
    await sleep(10);
  }
  await sleep(300);
  const t0 = performance.now();
  child.kill(signal);
  const r = await exited;
  return { ...r, ms: performance.now() - t0, stderr, sawTemp };
}

describe("signals during hrm data", () => {
  for (const [signal, code] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
    it(`${signal} mid-write: exit ${code} within ~1 s, no output folder, no temp folder`, async () => {
      const out = join(tmp.dir, `ds-${signal}`);
      const r = await interrupt(signal, out);
      assert.ok(r.sawTemp, "the build reached its writing phase");
      assert.equal(r.killedBy, null, r.stderr);
      assert.equal(r.code, code, r.stderr);
      assert.ok(r.ms < 1500, `stopped ${r.ms.toFixed(0)} ms after the signal`);
      assert.deepEqual(readdirSync(tmp.dir).filter((n) => n.startsWith(`ds-${signal}`)), []);
    });
  }

  it("a build killed with SIGKILL leaves <out>.tmp-<pid>; the next build removes it and says so", async () => {
    const out = join(tmp.dir, "ds-kill");
    const r = await interrupt("SIGKILL", out);
    assert.equal(r.killedBy, "SIGKILL");
    const left = readdirSync(tmp.dir).filter((n) => n.startsWith("ds-kill"));
    assert.equal(left.length, 1);
    assert.match(left[0]!, /^ds-kill\.tmp-\d+$/);
    const small = join(tmp.dir, "small.csv");
    writeSudokuCsv(small, 5, 2);
    const b = spawnSync(process.execPath, [join(REPO_ROOT, "dist/src/cli/main.js"), "data", "sudoku", "--train", small, "--holdout", "1", "--out", out, "--no-progress"], { encoding: "utf8" });
    assert.equal(b.status, 0, b.stderr);
    assert.equal(b.stderr, `hrm data: removed ${join(tmp.dir, left[0]!)}, left by an interrupted build whose process is gone\n`);
    assert.deepEqual(readdirSync(tmp.dir).filter((n) => n.startsWith("ds-kill")), ["ds-kill"]);
  });
});
