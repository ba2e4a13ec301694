// Sources that used to build useless or wrong datasets, or fail unclearly: header-only files, puzzles
// that are all unsolvable or ambiguous, maze rows with wrong S/G counts, an unreachable goal or a path
// through walls, a folder given as --train, huge lines (quoted at most ~80 characters).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { readMazeCsv } from "../../src/data/maze/read.js";
import { buildMazeDataset } from "../../src/data/maze/build.js";
import { buildSudokuDataset } from "../../src/data/sudoku/build.js";
import { readSudokuFile } from "../../src/data/sudoku/read.js";
import { DataError } from "../../src/engine/errors.js";
import { writeMazeCsv } from "./fixtures.js";
import { REPO_ROOT, tempDir } from "./helpers.js";

const tmp = tempDir("bad-sources");
after(tmp.cleanup);
let n = 0;
function file(text: string): string {
  const f = join(tmp.dir, `f${n++}.csv`);
  writeFileSync(f, text);
  return f;
}

const oneLine = (re: RegExp) => (e: unknown): boolean => e instanceof DataError && re.test(e.message) && !e.message.includes("\n");

function hrm(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, "dist/src/cli/main.js"), ...args], { encoding: "utf8", cwd: tmp.dir });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const nothingUnder = (base: string): void => assert.deepEqual(readdirSync(tmp.dir).filter((f) => f.startsWith(base)), []);

describe("empty or useless training data", () => {
  it("refuses a header-only Sudoku CSV", async () => {
    const f = file("source,question,answer,rating\n");
    await assert.rejects(buildSudokuDataset({ train: f, outDir: join(tmp.dir, "out-a") }), oneLine(/no usable training puzzles \(the file has no puzzle rows, only a header or comments\)/));
    nothingUnder("out-a");
  });

  it("refuses puzzles that are all unsolvable or ambiguous, counting why", async () => {
    const unsolvable = "11" + ".".repeat(79);
    const ambiguous = ".".repeat(81);
    const f = file([unsolvable, ambiguous, ambiguous, unsolvable, ambiguous].join("\n") + "\n");
    await assert.rejects(buildSudokuDataset({ train: f, testHoldout: 0, outDir: join(tmp.dir, "out-b") }),
      oneLine(/no usable training puzzles \(5 rows read, 2 with no solution, 3 with several solutions; all dropped\)/));
    const r = hrm("data", "sudoku", "--train", f, "--out", join(tmp.dir, "out-b"), "--no-progress");
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^hrm data: DataError: .*f\d+\.csv: no usable training puzzles \(5 rows read/);
    nothingUnder("out-b");
  });

  it("refuses a header-only maze CSV", async () => {
    const head = file("source,question,answer,rating\n");
    const test = file("source,question,answer,rating\nt,S  " + "   " + "  G,So " + " o " + " oG,0\n");
    await assert.rejects(buildMazeDataset({ train: head, test, outDir: join(tmp.dir, "out-c") }), oneLine(/no training mazes \(the file has only a header\)/));
    nothingUnder("out-c");
  });
});

describe("maze semantics", () => {
  const GOOD_Q = "S  " + "   " + "  G", GOOD_A = "So " + " o " + " oG";
  const cases: Array<[string, string, string, RegExp]> = [
    ["no S", "   " + "   " + "  G", GOOD_A, /:3: question: expected exactly one start S and one goal G, found 0 S and 1 G/],
    ["no G", "S  " + "   " + "   ", GOOD_A, /:3: question: expected exactly one start S and one goal G, found 1 S and 0 G/],
    ["three S", "SSS" + "   " + "  G", GOOD_A, /found 3 S and 1 G/],
    ["walled-in G", "S  " + " ##" + " #G", "S  " + " ##" + " #G", /:3: question: goal G \(row 3, column 3\) cannot be reached from start S \(row 1, column 1\)/],
    ["path through a wall", "S#G" + "   " + "   ", "SoG" + "   " + "   ", /:3: answer is not a shortest S-G path of the question \(path cell at row 1, column 2 is a wall in the question\)/],
    ["changed wall", "S  " + "#  " + "  G", "So " + " o " + " oG", /cell at row 2, column 1 differs \(question "#", answer " "\)/],
  ];
  for (const [name, q, a, re] of cases) {
    it(`rejects a maze row with ${name}, naming file and line`, async () => {
      const f = join(tmp.dir, `maze-${name.replace(/\W/g, "")}.csv`);
      writeMazeCsv(f, [[GOOD_Q, GOOD_A], [q, a]]);
      await assert.rejects(readMazeCsv(f), oneLine(re));
    });
  }

  it("accepts a valid maze CSV", async () => {
    const f = join(tmp.dir, "maze-ok.csv");
    writeMazeCsv(f, [[GOOD_Q, GOOD_A], [GOOD_Q, "Soo" + "  o" + "  G"]]);
    assert.equal((await readMazeCsv(f)).length, 2);
  });
});

describe("unclear inputs", () => {
  it("--train <a folder>: one clear line, exit 1", () => {
    const d = join(tmp.dir, "a-folder");
    mkdirSync(d);
    const r = hrm("data", "sudoku", "--train", d, "--holdout", "1", "--out", join(tmp.dir, "out-d"), "--no-progress");
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^hrm data: DataError: .*a-folder: is a folder; expected a CSV or text file\n$/);
    const m = hrm("data", "maze", "--train", d, "--test", d, "--out", join(tmp.dir, "out-d"), "--no-progress");
    assert.equal(m.status, 1);
    assert.match(m.stderr, /^hrm data: DataError: .*a-folder: is a folder/);
    nothingUnder("out-d");
  });

  it("quotes at most ~80 characters of a huge line", async () => {
    const header = file("x".repeat(1_500_000) + "\n" + "1".repeat(81) + "\n");
    await assert.rejects(readSudokuFile(header), (e: unknown) => e instanceof DataError && /header "x{80}…" \(1500000 characters\) has no puzzle column/.test(e.message) && e.message.length < 400);
    const huge = file("source,question,answer,rating\n" + "y".repeat(5_000_000));
    await assert.rejects(readSudokuFile(huge), (e: unknown) => e instanceof DataError && /:2: line longer than 2097152 characters \(starts "y{80}…" \(\d+ characters\)\); is this the right file\?/.test(e.message) && e.message.length < 400);
    const maze = file("z".repeat(1_000_000) + "\n");
    await assert.rejects(readMazeCsv(maze), (e: unknown) => e instanceof DataError && /header "z{80}…" \(1000000 characters\) lacks/.test(e.message) && e.message.length < 400);
    assert.equal(existsSync(join(tmp.dir, "out-e")), false);
  });

  it("reads CRLF, lone CR and a BOM like plain newlines", async () => {
    const rows = ["source,question,answer,rating", `g,${".".repeat(81)},,1`, `g,${"1".repeat(81)},,2`];
    const t = await readSudokuFile(file("\uFEFF" + rows[0] + "\r\n" + rows[1] + "\r" + rows[2] + "\r\n"));
    assert.equal(t.count, 2);
    assert.deepEqual(Array.from(t.lines), [2, 3]);
    assert.deepEqual(Array.from(t.ratings), [1, 2]);
  });
});
