// The page's codecs (web/src/browser-codecs.ts) against the library's (src/solve/codecs.ts), which the page
// cannot import (see browser-codecs.ts): same tokens both ways on Sudoku and on every embedded ARC task.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parseArcTask } from "../../src/data/arc/task.js";
import * as lib from "../../src/solve/codecs.js";
import * as web from "../../web/src/browser-codecs.js";

const PUZZLES = [
  ".917..6.4.5.93621762...1.35.64...85993586417.7..5.94635.91.8326.1639..488....7...",
  "391752684458936217627481935164273859935864172782519463579148326216395748843627591",
  "0".repeat(81),
];

test("browser codecs: Sudoku text <-> tokens as src/solve/codecs.ts", () => {
  for (const p of PUZZLES) {
    const t = web.sudokuToTokens(p);
    assert.deepEqual(t, lib.sudokuToTokens(p));
    assert.equal(web.tokensToSudoku(t), lib.tokensToSudoku(t));
  }
  const odd = Int32Array.from({ length: 81 }, (_, i) => i % 13); // PAD and out-of-range tokens read as '?'
  assert.equal(web.tokensToSudoku(odd), lib.tokensToSudoku(odd));
  assert.throws(() => web.sudokuToTokens("12x"), /expected 81 characters/);
});

test("browser codecs: every embedded ARC task's grids <-> tokens and labels as src/solve/codecs.ts", () => {
  const dir = join(process.cwd(), "web", "src", "arc-tasks");
  const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
  assert.ok(files.length >= 3, `embedded ARC tasks in ${dir}`);
  for (const f of files) {
    const task = parseArcTask(JSON.parse(readFileSync(join(dir, f), "utf8")), f.replace(/\.json$/, ""), f);
    for (const pair of [...task.train, ...task.test]) {
      for (const g of [pair.input, pair.output]) {
        const t = web.arcToTokens(g);
        assert.deepEqual(t, lib.arcToTokens(g), `${f}: tokens`);
        assert.deepEqual(web.arcToLabels(g), lib.arcToLabels(g), `${f}: labels`);
        assert.deepEqual(web.tokensToArc(t), lib.tokensToArc(t), `${f}: crop`);
      }
    }
  }
});
