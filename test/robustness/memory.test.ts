// Peak memory of `hrm data` on hostile inputs just under 1 MB (one huge CSV line, one 700x700 maze,
// an ARC grid nested 490,000 deep): a one-line DataError, exit 1, peak RSS under 200 MB, nothing written.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, describe, it } from "node:test";
import { REPO_ROOT, tempDir } from "../data/helpers.js";

const tmp = tempDir("memory");
after(tmp.cleanup);
const probe = join(tmp.dir, "probe.mjs"); // preloaded: prints the peak RSS when the process exits
writeFileSync(probe, 'import { writeSync } from "node:fs";\nprocess.on("exit", () => writeSync(2, `maxrss ${process.resourceUsage().maxRSS}\\n`));\n');

function hrmRss(...args: string[]): { status: number | null; stderr: string; mb: number } {
  const r = spawnSync(process.execPath, ["--import", pathToFileURL(probe).href, join(REPO_ROOT, "dist/src/cli/main.js"), ...args, "--no-progress"], { encoding: "utf8", cwd: tmp.dir });
  const m = /maxrss (\d+)/.exec(r.stderr);
  assert.ok(m, r.stderr);
  return { status: r.status, stderr: r.stderr.replace(/maxrss \d+\n/, ""), mb: Number(m[1]) / 1024 };
}

describe("bounded memory on ~1 MB hostile inputs", () => {
  const side = 700;
  const maze = Array(side * side).fill(" ");
  maze[0] = "S"; maze[maze.length - 1] = "G";
  const cases: Array<[string, () => string[], RegExp]> = [
    ["a 1 MB single-line CSV", () => {
      writeFileSync(join(tmp.dir, "line.csv"), "y".repeat(1_000_000));
      return ["data", "sudoku", "--train", "line.csv", "--holdout", "1", "--out", "out-line"];
    }, /line\.csv:1: header "y{80}…" \(1000000 characters\) has no puzzle column/],
    ["a 700x700 maze", () => {
      writeFileSync(join(tmp.dir, "maze.csv"), `source,question,answer,rating\nm,${maze.join("")},${maze.join("")},0\n`);
      return ["data", "maze", "--train", "maze.csv", "--test", "maze.csv", "--out", "out-maze"];
    }, /maze\.csv:2: answer is not a shortest S-G path of the question \(path has 0 cells between S and G, shortest has 1397\)/],
    ["an ARC grid nested 490,000 deep", () => {
      mkdirSync(join(tmp.dir, "arc", "training"), { recursive: true });
      const n = 490_000;
      writeFileSync(join(tmp.dir, "arc", "training", "deep.json"), `{"train": [{"input": ${"[".repeat(n)}${"]".repeat(n)}, "output": [[1]]}], "test": []}`);
      return ["data", "arc", "arc", "--out", "out-arc"];
    }, /deep\.json \(task deep\): train pair 1 input: colour \[\[\[\[\[…\]\]\]\]\] at row 1, column 1 is out of range/],
  ];
  for (const [name, setup, re] of cases) {
    it(`${name}: one-line DataError, peak RSS < 200 MB`, { timeout: 20_000 }, () => {
      const r = hrmRss(...setup());
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, re);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.ok(r.mb < 200, `peak RSS ${r.mb.toFixed(0)} MB`);
      assert.deepEqual(readdirSync(tmp.dir).filter((f) => f.startsWith("out-")), []);
    });
  }
});
