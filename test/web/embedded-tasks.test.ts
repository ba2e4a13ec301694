// The ARC tasks embedded in the page (web/src/arc-tasks) go through the codecs the page uses
// (src/solve/codecs.ts, browser-safe): each grid to 900 tokens, labels with PAD ignored, and back by the
// evaluation notebook's crop to the same rows.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parseArcTask } from "../../src/data/arc/task.js";
import { gridToRows } from "../../src/data/grid.js";
import { arcToLabels, arcToTokens, tokensToArc } from "../../src/solve/codecs.js";

test("every embedded ARC task's grids round-trip through the page's codecs", () => {
  const dir = join(process.cwd(), "web", "src", "arc-tasks");
  const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
  assert.ok(files.length >= 3, `embedded ARC tasks in ${dir}`);
  for (const f of files) {
    const task = parseArcTask(JSON.parse(readFileSync(join(dir, f), "utf8")), f.replace(/\.json$/, ""), f);
    for (const pair of [...task.train, ...task.test]) {
      for (const g of [pair.input, pair.output]) {
        const t = arcToTokens(g), l = arcToLabels(g);
        assert.equal(t.length, 900, f);
        assert.deepEqual(tokensToArc(t), gridToRows(g), `${f}: crop back`);
        for (let i = 0; i < 900; i++) assert.equal(l[i], t[i] === 0 ? -100 : t[i], `${f}: label ${i}`);
      }
    }
  }
});
