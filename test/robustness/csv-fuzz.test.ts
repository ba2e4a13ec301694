// Fuzzing the text parsers (Sudoku CSV / tdoku lists / plain lists, maze CSV) with a few hundred
// generated malformed files each: every input ends in success or a typed HrmError, never another
// exception, never a hang.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { readMazeCsv } from "../../src/data/maze/read.js";
import { buildSudokuDataset } from "../../src/data/sudoku/build.js";
import { readSudokuFile } from "../../src/data/sudoku/read.js";
import { Rng } from "../../src/engine/rng.js";
import { blankOut, randomSolution } from "../data/fixtures.js";
import { tempDir } from "../data/helpers.js";
import { type FuzzTally, expectTyped, mutateTextMany } from "./mutate-text.js";

const tmp = tempDir("csv-fuzz");
after(tmp.cleanup);
const CASES = 300;

function sudokuSources(rng: Rng): string[] {
  const rows: Array<[string, string]> = [];
  for (let k = 0; k < 4; k++) { const a = randomSolution(rng); rows.push([blankOut(a, 45, rng), a]); }
  return [
    ["source,question,answer,rating", ...rows.map(([q, a], k) => `s,${q},${a},${k}`)].join("\n") + "\n",
    ["puzzle,solution", ...rows.map(([q, a]) => `${q},${a}`)].join("\n") + "\n",
    ["quizzes,solutions", ...rows.map(([q, a]) => `"${q}","${a}"`)].join("\r\n"),
    ["# a comment", ...rows.map(([q]) => q)].join("\n") + "\n",
  ];
}

function mazeSource(rng: Rng): string {
  const q = "S   " + " ## " + "  # " + "   G", a = "Sooo" + " ##o" + "  #o" + "   G";
  const rows = ["source,question,answer,rating"];
  for (let k = 0; k < 3; k++) rows.push(rng.int(0, 1) === 0 ? `m,${q},${a},6` : `m,"${q}","${a}",6`);
  return rows.join("\n") + "\n";
}

describe("text parser fuzz", { timeout: 60_000 }, () => {
  it(`Sudoku sources: ${CASES} malformed files, success or HrmError`, { timeout: 30_000 }, async () => {
    const rng = new Rng(20261203);
    const tally: FuzzTally = { ok: 0, typed: 0 };
    for (let c = 0; c < CASES; c++) {
      const srcs = sudokuSources(rng);
      const text = mutateTextMany(srcs[rng.int(0, srcs.length - 1)]!, rng);
      const f = join(tmp.dir, `s${c}.csv`);
      writeFileSync(f, text);
      await expectTyped(tally, `sudoku case ${c}`, () => readSudokuFile(f, { minRating: rng.int(0, 1) === 0 ? 1 : 0 }));
      if (c % 10 === 0) { // the whole build too: solver, holdout, writer
        await expectTyped(tally, `sudoku build case ${c}`, () => buildSudokuDataset({ train: f, testHoldout: rng.int(0, 2), numAug: 1, outDir: join(tmp.dir, `out-s${c}`), checkUnique: true }));
      }
    }
    assert.ok(tally.ok > 10 && tally.typed > 100, `${tally.ok} parsed, ${tally.typed} refused`);
  });

  it(`maze CSVs: ${CASES} malformed files, success or HrmError`, { timeout: 30_000 }, async () => {
    const rng = new Rng(7);
    const tally: FuzzTally = { ok: 0, typed: 0 };
    for (let c = 0; c < CASES; c++) {
      const f = join(tmp.dir, `m${c}.csv`);
      writeFileSync(f, mutateTextMany(mazeSource(rng), rng));
      await expectTyped(tally, `maze case ${c}`, () => readMazeCsv(f));
    }
    assert.ok(tally.ok > 10 && tally.typed > 100, `${tally.ok} parsed, ${tally.typed} refused`);
  });
});
