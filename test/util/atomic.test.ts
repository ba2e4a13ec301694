import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { DataError } from "../../src/engine/errors.js";
import { buildDirAtomic, writeFileAtomic } from "../../src/util/atomic.js";
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
});
