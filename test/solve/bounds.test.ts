// `hrm solve` input bounds: an unsolvable maze (all walls, no S/G, walled-in G) is refused with one line,
// and --max-segments is capped so that a huge value cannot run forever with growing memory.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { saveModel, tinyModel } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "hrm-solve-bounds-"));
after(() => rmSync(tmp, { recursive: true, force: true }));
const mazeDir = saveModel(join(tmp, "maze"), tinyModel({ seq_len: 16, vocab_size: 6 }));

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ["dist/src/cli/main.js", "solve", "--kernels", "reference", ...args], { encoding: "utf8" });
}

function mazeFile(name: string, rows: string[]): string {
  const f = join(tmp, name);
  writeFileSync(f, rows.join("\n") + "\n");
  return f;
}

test("hrm solve refuses unsolvable mazes with one line (exit 1), solves a valid one", () => {
  const bad: Array<[string, string[], RegExp]> = [
    ["walls.txt", ["####", "####", "####", "####"], /walls\.txt: expected exactly one start S and one goal G, found 0 S and 0 G$/],
    ["two-goals.txt", ["S  G", "    ", "    ", "   G"], /found 1 S and 2 G$/],
    ["walled-in.txt", ["S   ", "  ##", "  #G", "  # "], /goal G \(row 3, column 4\) cannot be reached from start S \(row 1, column 1\)$/],
  ];
  for (const [name, rows, re] of bad) {
    const r = cli(["--checkpoint", mazeDir, "--maze", mazeFile(name, rows)]);
    assert.equal(r.status, 1, name);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr.trim(), re);
  }
  const ok = cli(["--checkpoint", mazeDir, "--maze", mazeFile("ok.txt", ["S   ", " ## ", "  # ", "   G"])]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout.trimEnd().split("\n").at(-1)!, /^final grid: /);
});

test("hrm solve --max-segments is capped at 1000 (exit 2)", () => {
  const r = cli(["--checkpoint", mazeDir, "--maze", join(tmp, "ok.txt"), "--max-segments", "1000000000"]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^hrm solve: --max-segments must be an integer from 1 to 1000, got 1000000000\n$/);
  const ok = cli(["--checkpoint", mazeDir, "--maze", join(tmp, "ok.txt"), "--max-segments", "5", "--json"]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal((JSON.parse(ok.stdout) as { segments: unknown[] }).segments.length, 5);
});

test("hrm solve refuses a checkpoint whose halt_max_steps is over the cap unless --max-segments is given", () => {
  const dir = saveModel(join(tmp, "long"), tinyModel({ seq_len: 16, vocab_size: 6, halt_max_steps: 5000 }));
  const r = cli(["--checkpoint", dir, "--maze", join(tmp, "ok.txt")]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^hrm solve: ConfigError: .*long: halt_max_steps 5000 is over the 1000-segment limit of hrm solve; pass --max-segments N \(N <= 1000\)\n$/);
  const ok = cli(["--checkpoint", dir, "--maze", join(tmp, "ok.txt"), "--max-segments", "2", "--json"]);
  assert.equal(ok.status, 0, ok.stderr);
});
