import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { DataError } from "../../src/engine/errors.js";
import { Rng } from "../../src/engine/rng.js";
import { dihedralTransform } from "../../src/data/dihedral.js";
import { buildMazeDataset } from "../../src/data/maze/build.js";
import { generateMaze } from "../../src/data/maze/generate.js";
import { GOAL, START, mazeToString, parseMaze } from "../../src/data/maze/maze.js";
import { bfs, findCell, shortestPathProblem } from "../../src/data/maze/path.js";
import { openDatasetSplit } from "../../src/data/split-reader.js";
import { tempDir } from "./helpers.js";

const tmp = tempDir("maze");
after(tmp.cleanup);

describe("maze generator", () => {
  it("labels a shortest path longer than the threshold", () => {
    const rng = new Rng(5);
    for (let k = 0; k < 40; k++) {
      const m = generateMaze(rng, { size: 12, minPathLength: 25, uniquePath: k % 2 === 0 });
      assert.equal(shortestPathProblem(m.question, m.answer), null);
      const res = bfs(m.question, findCell(m.question, START));
      const goal = findCell(m.question, GOAL);
      assert.equal(res.dist[goal], m.pathLength);
      assert.ok(m.pathLength > 25);
      if (k % 2 === 0) assert.equal(res.ways[goal], 1);
    }
    const exact = generateMaze(new Rng(1), { size: 8, minPathLength: 10, exactRejection: true });
    assert.equal(shortestPathProblem(exact.question, exact.answer), null);
  });

  it("the checker rejects a path that is not shortest or not connected", () => {
    const q = parseMaze("S  " + "   " + "  G", "t");
    assert.equal(shortestPathProblem(q, parseMaze("So " + " o " + " oG", "t")), null);
    assert.equal(shortestPathProblem(q, parseMaze("Soo" + "  o" + "  G", "t")), null); // another shortest path
    assert.match(shortestPathProblem(q, parseMaze("So " + "oo " + "ooG", "t"))!, /path has 5 cells between S and G, shortest has 3/);
    assert.match(shortestPathProblem(q, parseMaze("So " + "  o" + " oG", "t"))!, /path breaks/);
  });
});

describe("maze builder", () => {
  it("generates, writes the official tokens and CSV, and every label is a shortest path (also after dihedral augmentation)", async () => {
    const out = join(tmp.dir, "gen");
    const r = await buildMazeDataset({ outDir: out, seed: 2, aug: true, generate: { trainCount: 6, testCount: 3, size: 10, minPathLength: 18 } });
    assert.deepEqual(r.splits, { train: { examples: 48, puzzles: 48, groups: 6 }, test: { examples: 3, puzzles: 3, groups: 3 } });
    const s = openDatasetSplit(out, "train");
    assert.deepEqual([s.metadata.vocab_size, s.metadata.seq_len], [6, 100]);
    const inp = new Int32Array(100), lab = new Int32Array(100);
    for (let e = 0; e < 48; e++) {
      s.sets[0]!.inputs.readRow(e, inp, 0);
      s.sets[0]!.labels.readRow(e, lab, 0);
      const grid = (t: Int32Array) => ({ h: 10, w: 10, data: Uint8Array.from(t) });
      assert.equal(shortestPathProblem(grid(inp), grid(lab)), null, `example ${e}`);
      assert.ok(inp.every((t) => t >= 1 && t <= 4));
    }
    s.close();
    const csv = readFileSync(join(out, "source/test.csv"), "utf8").split("\n");
    assert.equal(csv[0], "source,question,answer,rating");
    assert.equal(csv.filter((l) => l !== "").length, 4);
    // the CSV rebuilds the same test split
    const again = join(tmp.dir, "csv");
    await buildMazeDataset({ outDir: again, train: join(out, "source/train.csv"), test: join(out, "source/test.csv") });
    assert.ok(readFileSync(join(out, "test/all__inputs.npy")).equals(readFileSync(join(again, "test/all__inputs.npy"))));
    assert.ok(readFileSync(join(out, "test/all__labels.npy")).equals(readFileSync(join(again, "test/all__labels.npy"))));
  });

  it("dihedral transforms keep the tokens of the original maze", () => {
    const m = generateMaze(new Rng(3), { size: 9, minPathLength: 12 });
    const t1 = dihedralTransform(m.question, 1);
    assert.equal(mazeToString(t1).split("").sort().join(""), mazeToString(m.question).split("").sort().join(""));
  });

  it("reports bad maze CSVs with file and line and writes nothing", async () => {
    const good = "#".repeat(4);
    const cases: [string, RegExp][] = [
      [`source,question,answer,rating\nx,${"#S G"},${"#SxG"},1\n`, /bad\.csv:2: answer: invalid character "x" at row 2, column 1/],
      [`source,question,answer,rating\nx,${"#S G#"},${"#S G#"},1\n`, /bad\.csv:2: question: length 5 is not a square/],
      [`source,question,answer,rating\nx,${good}\n`, /bad\.csv:2: expected 4 fields as in the header, got 2/],
      [`id,maze\n`, /bad\.csv:1: header "id,maze" lacks "question" and "answer"/],
    ];
    for (const [text, re] of cases) {
      const src = join(tmp.dir, "bad.csv");
      writeFileSync(src, text);
      const out = join(tmp.dir, "never");
      await assert.rejects(buildMazeDataset({ outDir: out, train: src, test: src }), (e: unknown) => e instanceof DataError && re.test(e.message), String(re));
      assert.equal(existsSync(out), false);
    }
  });
});
