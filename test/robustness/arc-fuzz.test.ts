// Fuzzing the ARC task reader with a few hundred generated malformed task files (text mutations,
// JSON values swapped for wrong types, deep nesting, huge lists, BOMs): every input ends in success or
// a typed HrmError with a short message, never another exception (e.g. a stack overflow), never a hang.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { readArcTask } from "../../src/data/arc/task-node.js";
import { buildArcDataset } from "../../src/data/arc/build.js";
import { DataError } from "../../src/engine/errors.js";
import { Rng } from "../../src/engine/rng.js";
import { tempDir } from "../data/helpers.js";
import { type FuzzTally, expectTyped, mutateTextMany } from "./mutate-text.js";

const tmp = tempDir("arc-fuzz");
after(tmp.cleanup);
const CASES = 300;

function grid(rng: Rng): number[][] {
  const h = rng.int(1, 4), w = rng.int(1, 4);
  return Array.from({ length: h }, () => Array.from({ length: w }, () => rng.int(0, 9)));
}

function task(rng: Rng): Record<string, unknown> {
  const pair = (): Record<string, unknown> => ({ input: grid(rng), output: grid(rng) });
  return { train: [pair(), pair()], test: [pair()] };
}

function deep(depth: number, leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

function oddValue(rng: Rng): unknown {
  const options: Array<() => unknown> = [
    () => null, () => -1, () => 10, () => 1.5, () => "3", () => true, () => ({}), () => [], () => [[]],
    () => deep(rng.int(2, 50), 1), () => [[1, 2], [3]], () => Array.from({ length: 31 }, () => [0]),
    () => [Array.from({ length: 31 }, () => 0)], () => ({ input: [[1]] }), () => [null], () => "x".repeat(100_000),
    () => Array.from({ length: 50_000 }, () => [1]), () => ({ __proto__: [[1]] }), () => 1e308,
  ];
  return options[rng.int(0, options.length - 1)]!();
}

/** Replace one random node of the task (a pair list, a pair, a grid, a row or a cell) by an odd value. */
function mutateJson(t: Record<string, unknown>, rng: Rng): unknown {
  const key = rng.int(0, 2) === 0 ? "test" : "train";
  const pairs = t[key] as Array<Record<string, number[][]>>;
  switch (rng.int(0, 5)) {
    case 0: return rng.int(0, 1) === 0 ? oddValue(rng) : { ...t, [key]: oddValue(rng) };
    case 1: pairs[rng.int(0, pairs.length - 1)] = oddValue(rng) as Record<string, number[][]>; return t;
    case 2: { const p = pairs[0]!; p[rng.int(0, 1) === 0 ? "input" : "output"] = oddValue(rng) as number[][]; return t; }
    case 3: { const g = pairs[0]!["input"]!; g[rng.int(0, g.length - 1)] = oddValue(rng) as number[]; return t; }
    case 4: { const row = pairs[0]!["output"]![0]!; row[rng.int(0, row.length - 1)] = oddValue(rng) as number; return t; }
    default: { const p = pairs[0]!; delete (p as Record<string, unknown>)[rng.int(0, 1) === 0 ? "input" : "output"]; return t; }
  }
}

describe("ARC reader fuzz", () => {
  it(`${CASES} malformed task files: success or HrmError, short messages`, { timeout: 30_000 }, async () => {
    const rng = new Rng(12345);
    const tally: FuzzTally = { ok: 0, typed: 0 };
    for (let c = 0; c < CASES; c++) {
      const t = task(rng);
      const text = c % 10 === 5 ? JSON.stringify(t) : c % 3 === 0 ? mutateTextMany(JSON.stringify(t), rng) : (c % 7 === 1 ? "\uFEFF" : "") + JSON.stringify(mutateJson(t, rng));
      const f = join(tmp.dir, `t${c}.json`);
      writeFileSync(f, text);
      await expectTyped(tally, `arc case ${c}`, () => readArcTask(f, `t${c}`));
    }
    assert.ok(tally.ok >= 30 && tally.typed > 200, `${tally.ok} parsed, ${tally.typed} refused`);
  });

  it("a grid nested 100,000 deep: a clear one-line DataError, no stack overflow", async () => {
    const f = join(tmp.dir, "deep.json");
    const nested = "[".repeat(100_000) + "]".repeat(100_000);
    writeFileSync(f, `{"train": [{"input": [[${nested}]], "output": [[1]]}], "test": [{"input": ${nested}, "output": [[1]]}]}`);
    await assert.rejects(readArcTask(f, "deep"), (e: unknown) => e instanceof DataError && e.message.length < 300 && !e.message.includes("\n") &&
      /train pair 1 input: colour \[\[\[\[\[…\]\]\]\]\] at row 1, column 1 is out of range; expected an integer 0\.\.9$/.test(e.message));
  });

  it("hrm data arc over a folder of odd entries: a DataError, nothing written", async () => {
    const root = join(tmp.dir, "arc-root");
    mkdirSync(join(root, "training", "dir.json"), { recursive: true }); // a folder named like a task file
    await assert.rejects(buildArcDataset({ inputDirs: [root], numAug: 1, outDir: join(tmp.dir, "arc-out") }), (e: unknown) => e instanceof DataError && /dir\.json: is a folder; expected an ARC task JSON file/.test(e.message));
    await assert.rejects(buildArcDataset({ inputDirs: [join(tmp.dir, "t0.json")], numAug: 1, outDir: join(tmp.dir, "arc-out") }), (e: unknown) => e instanceof DataError && /cannot list ARC folder/.test(e.message));
  });
});
