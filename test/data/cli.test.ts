import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { REPO_ROOT, sharedPath, tempDir } from "./helpers.js";

const tmp = tempDir("cli");
after(tmp.cleanup);

function hrm(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, "dist/src/cli/main.js"), ...args], { encoding: "utf8", cwd: tmp.dir });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("hrm data", () => {
  it("builds a Sudoku set, shows an example as text + PNG/SVG, and verifies it", () => {
    const out = join(tmp.dir, "ds");
    const b = hrm("data", "sudoku", "--train", sharedPath("data/sudoku/gen-k30/train.csv"), "--holdout", "10", "--subsample", "20", "--num-aug", "2", "--out", out, "--seed", "1");
    assert.equal(b.status, 0, b.stderr);
    assert.match(b.stdout, /train: 20 groups, 60 puzzles, 60 examples/);
    assert.match(b.stderr, /write train {2}20\/20 \(100\.0%\)/, "non-TTY progress line at the end of each phase");
    const s = hrm("data", "show", out, "4", "--out", join(tmp.dir, "p.png"));
    assert.equal(s.status, 0, s.stderr);
    assert.match(s.stdout, /^sudoku train example 4 of 60: puzzle 4 \(identifier 0 "<blank>"\), group 1\npuzzle {8}solution/);
    assert.equal(s.stdout.split("\n").filter((l) => /^[.1-9]{3}\|[.1-9]{3}\|[.1-9]{3} {3}[1-9]{3}\|[1-9]{3}\|[1-9]{3}$/.test(l)).length, 9);
    assert.deepEqual(Array.from(readFileSync(join(tmp.dir, "p.png")).subarray(0, 4)), [0x89, 0x50, 0x4e, 0x47]);
    const svg = hrm("data", "show", out, "0", "--split", "test");
    assert.equal(svg.status, 0, svg.stderr);
    assert.match(readFileSync(join(tmp.dir, "hrm-show-test-0.svg"), "utf8"), /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const v = hrm("data", "verify", out);
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stdout, /test: 10 groups, 10 puzzles, 10 examples/);
  });

  it("fails clearly: unknown option (exit 2), existing output (exit 1), bad index", () => {
    const u = hrm("data", "arc", "--bogus", "1");
    assert.equal(u.status, 2);
    assert.match(u.stderr, /unknown option "--bogus"/);
    const out = join(tmp.dir, "ds");
    const e = hrm("data", "sudoku", "--train", sharedPath("data/sudoku/gen-k30/train.csv"), "--holdout", "10", "--out", out, "--no-progress");
    assert.equal(e.status, 1);
    assert.match(e.stderr, /DataError: output .*ds already exists/);
    const i = hrm("data", "show", out, "999", "--no-picture");
    assert.equal(i.status, 2);
    assert.match(i.stderr, /example index must be an integer in \[0, 60\)/);
    assert.equal(existsSync(join(tmp.dir, "hrm-show-train-999.svg")), false);
  });
});
