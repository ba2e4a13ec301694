import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { DataError } from "../../src/engine/errors.js";
import { Rng } from "../../src/engine/rng.js";
import { readCsv } from "../../src/data/csv.js";
import { openDatasetSplit } from "../../src/data/split-reader.js";
import { applySudokuTransform, randomSudokuTransform } from "../../src/data/sudoku/augment.js";
import { buildSudokuDataset } from "../../src/data/sudoku/build.js";
import { firstClueMismatch, parseBoard, solutionProblem } from "../../src/data/sudoku/grid.js";
import { readSudokuFile } from "../../src/data/sudoku/read.js";
import { solveSudoku } from "../../src/data/sudoku/solver.js";
import { verifyDataset } from "../../src/data/verify.js";
import { sharedPath, tempDir } from "./helpers.js";

const tmp = tempDir("sudoku");
after(tmp.cleanup);

const K30 = sharedPath("data/sudoku/gen-k30/train.csv");

describe("Sudoku solver on real data", () => {
  it("solves all 375 forum_hardest_1106 puzzles uniquely and matches the given solutions", async () => {
    const t = await readSudokuFile(sharedPath("data/sudoku/tdoku_forum_hardest_1106.csv"));
    assert.equal(t.count, 375);
    for (let k = 0; k < t.count; k++) {
      const r = solveSudoku(t.questions.subarray(k * 81, k * 81 + 81), 2);
      assert.equal(r.count, 1, `line ${t.lines[k]}: ${r.count} solutions`);
      assert.equal(t.hasAnswer[k], 1);
      assert.deepEqual(r.solution, t.answers.subarray(k * 81, k * 81 + 81), `line ${t.lines[k]}`);
    }
  });

  it("counts 0, 1 and several solutions as tdoku's test puzzles say", async () => {
    let rows = 0;
    for await (const { line, fields } of readCsv(sharedPath("data/sudoku/tdoku_test_puzzles.csv"))) {
      if (line === 1) continue;
      const want = Number(fields[1]);
      const r = solveSudoku(parseBoard(fields[0]!, `line ${line}`, true), 2);
      assert.equal(r.count, Math.min(want, 2), `line ${line}`);
      if (want === 1) assert.equal(Buffer.from(r.solution!).toString("hex"), Buffer.from(parseBoard(fields[2]!, "s", false)).toString("hex"));
      rows++;
    }
    assert.equal(rows, 43);
  });
});

describe("Sudoku augmentation", () => {
  it("keeps every augmented pair valid: the label is the unique solution of the input", async () => {
    const t = await readSudokuFile(sharedPath("data/sudoku/tdoku_forum_hardest_1106.csv"));
    const rng = new Rng(7);
    for (let n = 0; n < 60; n++) {
      const k = rng.int(0, t.count - 1);
      const q = t.questions.subarray(k * 81, k * 81 + 81), a = t.answers.subarray(k * 81, k * 81 + 81);
      const tr = randomSudokuTransform(rng);
      const q2 = applySudokuTransform(q, tr), a2 = applySudokuTransform(a, tr);
      assert.equal(solutionProblem(a2), null);
      assert.equal(firstClueMismatch(q2, a2), -1);
      assert.equal(q2.filter((d) => d === 0).length, q.filter((d) => d === 0).length);
      if (n < 10) assert.deepEqual(solveSudoku(q2, 2).solution, a2);
    }
  });

  it("follows the official cell mapping (transpose first, then rows/cols, then digits)", () => {
    const board = Uint8Array.from({ length: 81 }, (_, i) => (i % 10));
    const id = Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const digitMap = Uint8Array.from([0, 2, 3, 4, 5, 6, 7, 8, 9, 1]);
    const rowPerm = Uint8Array.from([3, 4, 5, 0, 1, 2, 6, 7, 8]);
    const out = applySudokuTransform(board, { digitMap, transpose: true, rowPerm, colPerm: id });
    // out[i][j] = digitMap[board.T[rowPerm[i]][j]] = digitMap[board[j][rowPerm[i]]]
    for (let i = 0; i < 9; i++) for (let j = 0; j < 9; j++) assert.equal(out[i * 9 + j], digitMap[board[j * 9 + rowPerm[i]!]!]);
  });
});

describe("Sudoku builder", () => {
  it("writes 1 + numAug puzzles per group, official tokens, and reads back", async () => {
    const src = join(tmp.dir, "src.csv");
    const lines = readFileSync(K30, "utf8").split("\n").slice(0, 21); // header + 20 puzzles
    writeFileSync(src, lines.join("\n") + "\n");
    const out = join(tmp.dir, "ds");
    const r = await buildSudokuDataset({ train: src, testHoldout: 5, numAug: 3, outDir: out, seed: 1 });
    assert.deepEqual(r.splits, { train: { examples: 60, puzzles: 60, groups: 15 }, test: { examples: 5, puzzles: 5, groups: 5 } });
    assert.deepEqual(readdirSync(out).sort(), ["identifiers.json", "test", "train"]);
    assert.equal(readFileSync(join(out, "identifiers.json"), "utf8"), '["<blank>"]');
    assert.deepEqual(verifyDataset(out).splits.train, { examples: 60, puzzles: 60, groups: 15 });
    const s = openDatasetSplit(out, "train");
    const set = s.sets[0]!;
    assert.deepEqual(Array.from(set.groupIndices), [0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60]);
    assert.deepEqual(Array.from(set.puzzleIndices), Array.from({ length: 61 }, (_, i) => i));
    const inp = new Int32Array(81), lab = new Int32Array(81);
    for (let e = 0; e < 60; e++) {
      set.inputs.readRow(e, inp, 0);
      set.labels.readRow(e, lab, 0);
      const q = Uint8Array.from(inp, (t) => t - 1), a = Uint8Array.from(lab, (t) => t - 1);
      assert.equal(q.filter((d) => d === 0).length, 30, "gen-k30 has 30 blanks, tokens 1 = blank");
      assert.equal(solutionProblem(a), null, `example ${e}`);
      assert.equal(firstClueMismatch(q, a), -1);
    }
    s.close();
  });

  it("is byte-identical for the same seed and different for another seed", async () => {
    const a = join(tmp.dir, "a"), b = join(tmp.dir, "b"), c = join(tmp.dir, "c");
    const opts = { train: K30, testHoldout: 10, subsampleSize: 30, numAug: 5 };
    await buildSudokuDataset({ ...opts, outDir: a, seed: 3 });
    await buildSudokuDataset({ ...opts, outDir: b, seed: 3 });
    await buildSudokuDataset({ ...opts, outDir: c, seed: 4 });
    for (const f of ["train/all__inputs.npy", "train/all__labels.npy", "test/all__inputs.npy", "train/dataset.json", "train/all__group_indices.npy"]) {
      assert.ok(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f);
    }
    assert.ok(!readFileSync(join(a, "train/all__inputs.npy")).equals(readFileSync(join(c, "train/all__inputs.npy"))));
  });

  it("solves missing answers, rejects puzzles with 0 or several solutions, and counts them", async () => {
    const src = join(tmp.dir, "mixed.txt");
    const rows: string[] = [];
    for await (const { line, fields } of readCsv(sharedPath("data/sudoku/tdoku_test_puzzles.csv"))) if (line > 1) rows.push(fields[0]!);
    writeFileSync(src, "# tdoku test puzzles as a plain list\n" + rows.join("\n") + "\n");
    const r = await buildSudokuDataset({ train: src, outDir: join(tmp.dir, "mixed"), seed: 0 });
    assert.equal(r.counts["train.rejectedNoSolution"], 10);
    assert.equal(r.counts["train.rejectedMultipleSolutions"], 15);
    assert.equal(r.counts["train.solved"], 18);
    assert.equal(r.splits.train.groups, 18);
  });

  it("reports malformed input with file and line, leaving no output behind", async () => {
    const cases: [string, RegExp][] = [
      ["source,question,answer,rating\nx,123,456,0\n", /bad\.csv:2: question: expected 81 characters, got 3/],
      [`source,question,answer,rating\nx,${"x".repeat(81)},${"1".repeat(81)},0\n`, /bad\.csv:2: question: invalid character "x" at position 1/],
      [`source,question,answer,rating\nx,${".".repeat(81)},0\n`, /bad\.csv:2: expected 4 fields as in the header, got 3/],
      [`source,question,answer,rating\nx,${".".repeat(81)},${"1".repeat(81)},0\n`, /bad\.csv:2: answer is not a valid Sudoku solution \(row 1 repeats 1\)/],
      [`a,b\n1,2\n`, /bad\.csv:1: header "a,b" has no puzzle column/],
      [`source,question,answer,rating\nx,${".".repeat(81)},,hard\n`, /bad\.csv:2: rating "hard" is not a number/],
    ];
    for (const [text, re] of cases) {
      const src = join(tmp.dir, "bad.csv");
      writeFileSync(src, text);
      const out = join(tmp.dir, "never");
      await assert.rejects(buildSudokuDataset({ train: src, outDir: out }), (e: unknown) => e instanceof DataError && re.test(e.message), String(re));
      assert.equal(existsSync(out), false);
      assert.deepEqual(readdirSync(tmp.dir).filter((f) => f.startsWith("never")), []);
    }
  });
});
