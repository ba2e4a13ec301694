import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { DataError } from "../../src/engine/errors.js";
import { buildDirAtomic, sweepStaleTemps, writeFileAtomic } from "../../src/util/atomic.js";
import { tempDir } from "../data/helpers.js";

const tmp = tempDir("atomic");
after(tmp.cleanup);

describe("atomic output", () => {
  it("writes a file through a temp name", async () => {
    const p = join(tmp.dir, "f.txt");
    await writeFileAtomic(p, "one");
    await writeFileAtomic(p, "two");
    assert.equal(readFileSync(p, "utf8"), "two");
    assert.deepEqual(readdirSync(tmp.dir), ["f.txt"]);
  });

  it("builds a folder in <out>.tmp-<pid> and renames it at the end", async () => {
    const out = join(tmp.dir, "ds");
    const seen = await buildDirAtomic(out, async (t) => {
      assert.equal(t, `${out}.tmp-${process.pid}`);
      assert.equal(existsSync(out), false);
      writeFileSync(join(t, "a"), "x");
      return "ok";
    });
    assert.equal(seen, "ok");
    assert.equal(readFileSync(join(out, "a"), "utf8"), "x");
  });

  it("leaves nothing behind on error and keeps an existing folder", async () => {
    const out = join(tmp.dir, "ds2");
    await assert.rejects(buildDirAtomic(out, async (t) => { writeFileSync(join(t, "partial"), "x"); throw new Error("boom"); }), /boom/);
    assert.equal(existsSync(out), false);
    assert.equal(existsSync(`${out}.tmp-${process.pid}`), false);
    await buildDirAtomic(out, async (t) => { writeFileSync(join(t, "v"), "1"); });
    await assert.rejects(buildDirAtomic(out, async () => undefined), (e: unknown) => e instanceof DataError && /already exists/.test(e.message));
    await assert.rejects(buildDirAtomic(out, async () => { throw new Error("late"); }, { overwrite: true }), /late/);
    assert.equal(readFileSync(join(out, "v"), "utf8"), "1");
    await buildDirAtomic(out, async (t) => { writeFileSync(join(t, "v"), "2"); }, { overwrite: true });
    assert.equal(readFileSync(join(out, "v"), "utf8"), "2");
    assert.deepEqual(readdirSync(tmp.dir).sort(), ["ds", "ds2", "f.txt"]);
  });

  it("sweeps <base>.tmp-<pid> and .old-<pid> siblings of dead processes only, before a build", async () => {
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid!; // exited: its pid is (almost surely) free
    const parent = join(tmp.dir, "sweep");
    mkdirSync(parent);
    const make = (name: string): string => { mkdirSync(join(parent, name)); writeFileSync(join(parent, name, "f"), "x"); return join(parent, name); };
    const staleTmp = make(`ds.tmp-${dead}`), staleOld = make(`ds.old-${dead}`);
    make(`ds.tmp-${process.pid}`); // alive: kept
    make("ds.tmp-abc"); make(`other.tmp-${dead}`); make(`ds.tmp-${dead}x`); // not ours: kept
    assert.deepEqual(sweepStaleTemps(parent, "ds").sort(), [staleOld, staleTmp].sort());
    assert.deepEqual(readdirSync(parent).sort(), ["ds.tmp-abc", `ds.tmp-${dead}x`, `ds.tmp-${process.pid}`, `other.tmp-${dead}`].sort());
    assert.deepEqual(sweepStaleTemps(join(parent, "missing"), "ds"), []);
    make(`ds.tmp-${dead}`);
    let told: readonly string[] = [];
    await buildDirAtomic(join(parent, "ds"), async (t) => { writeFileSync(join(t, "a"), "1"); }, { onStaleRemoved: (p) => { told = p; } });
    assert.deepEqual(told, [join(parent, `ds.tmp-${dead}`)]);
    assert.equal(existsSync(join(parent, `ds.tmp-${dead}`)), false);
  });

  it("without a base name, sweeps every <name>.tmp-<pid> of a dead process (a run's checkpoints folder)", () => {
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
    const parent = join(tmp.dir, "checkpoints");
    mkdirSync(parent);
    for (const n of [`step_0000005.tmp-${dead}`, `step_0000010.tmp-${dead}`, `step_0000010.tmp-${process.pid}`, "step_0000005"]) mkdirSync(join(parent, n));
    assert.deepEqual(sweepStaleTemps(parent).sort(), [join(parent, `step_0000005.tmp-${dead}`), join(parent, `step_0000010.tmp-${dead}`)]);
    assert.deepEqual(readdirSync(parent).sort(), ["step_0000005", `step_0000010.tmp-${process.pid}`]);
  });
});
