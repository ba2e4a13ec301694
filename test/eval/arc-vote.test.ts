// ARC voting (spec §7.2) on hand-built predictions: augmented copies are un-augmented before they vote,
// count ranks first, mean σ(q_halt) breaks ties, equal scores keep first-seen order, pass@K needs every
// test input of a task, and the submission holds the top two per test input.
import assert from "node:assert/strict";
import { test } from "node:test";
import { augmentGrid, parseAugmentedName } from "../../src/data/arc/augment.js";
import type { Grid } from "../../src/data/grid.js";
import { arcVote, hasAugmentedNames } from "../../src/eval/arc-vote.js";
import type { ArcRow } from "../../src/eval/arc-vote.js";
import { arcToLabels, arcToTokens, gridFromRows } from "../../src/solve/codecs.js";

const G = (rows: number[][]): Grid => gridFromRows(rows);
const σ = (x: number): number => 1 / (1 + Math.exp(-x));

/** A row of augmented copy `name` whose model saw aug(input) and predicted aug(predicted). */
function row(name: string, input: Grid, label: Grid, predicted: Grid, qHalt: number): ArcRow {
  const { augmentation: a } = parseAugmentedName(name);
  return { name, input: arcToTokens(augmentGrid(input, a)), label: arcToLabels(augmentGrid(label, a)), prediction: arcToTokens(augmentGrid(predicted, a)), qHalt };
}

test("vote: counts first, mean σ(q_halt) breaks ties, stable order for equal scores; pass@1/2/k by hand", () => {
  const A = G([[1, 2], [3, 4]]), LA = G([[5, 5, 6], [7, 0, 9]]), P1 = G([[1, 1], [2, 2]]), P2 = G([[8]]);
  const B1 = G([[0, 1]]), LB1 = G([[1], [0]]), B2 = G([[2, 2, 3]]), LB2 = G([[3, 3, 2]]), W = G([[4, 4, 4]]);
  const C = G([[6]]), LC = G([[6, 6]]), WC = G([[9, 9]]);
  const rows: ArcRow[] = [
    // t1: P1 has 2 votes (σ 0.5, σ(2)), the label 2 votes (σ(3), σ(−3)), P2 one vote with the highest q
    row("t1", A, LA, P1, 0),
    row("t1_t1_0213456789", A, LA, P1, 2),
    row("t1_t4_0987654321", A, LA, LA, 3),
    row("t1_t2_0123456789", A, LA, LA, -3),
    row("t1_t6_0345678912", A, LA, P2, 4),
    // t2, first test input: the label twice
    row("t2", B1, LB1, LB1, 1),
    row("t2_t3_0123456789", B1, LB1, LB1, -1),
    // t2, second test input: 1 vote each, equal q -> first seen (the label) stays first
    row("t2", B2, LB2, LB2, 0),
    row("t2_t5_0123456789", B2, LB2, W, 0),
    // t3: never right
    row("t3", C, LC, WC, 1),
    row("t3_t7_0123456789", C, LC, WC, 1),
  ];
  const v = arcVote(rows);
  assert.equal(v.rows, 11);
  const t1 = v.tasks.find((t) => t.task === "t1")!;
  assert.equal(t1.testInputs.length, 1, "augmented inputs map back to the one test input");
  const c = t1.testInputs[0]!.candidates;
  assert.deepEqual(c.map((x) => x.votes), [2, 2, 1]);
  assert.deepEqual(c[0]!.grid, P1);
  assert.deepEqual(c[1]!.grid, LA);
  assert.deepEqual(c[2]!.grid, P2);
  assert.ok(Math.abs(c[0]!.meanQ - (σ(0) + σ(2)) / 2) < 1e-12 && Math.abs(c[0]!.meanQ - 0.690399) < 1e-6);
  assert.ok(Math.abs(c[1]!.meanQ - 0.5) < 1e-12, "σ(3) + σ(−3) = 1");
  assert.equal(t1.testInputs[0]!.labelRank, 2);
  assert.deepEqual(t1.solved, { 1: false, 2: true, 10: true, 100: true, 1000: true });
  const t2 = v.tasks.find((t) => t.task === "t2")!;
  assert.deepEqual(t2.testInputs.map((t) => t.labelRank), [1, 1]);
  assert.equal(t2.solved[1], true);
  const t3 = v.tasks.find((t) => t.task === "t3")!;
  assert.deepEqual([t3.testInputs[0]!.labelRank, t3.testInputs[0]!.candidates[0]!.votes], [null, 2]);
  assert.deepEqual(v.passAtK, { 1: 1 / 3, 2: 2 / 3, 10: 2 / 3, 100: 2 / 3, 1000: 2 / 3 });
  assert.deepEqual(v.submission, {
    t1: [{ attempt_1: [[1, 1], [2, 2]], attempt_2: [[5, 5, 6], [7, 0, 9]] }],
    t2: [{ attempt_1: [[1], [0]], attempt_2: [[1], [0]] }, { attempt_1: [[3, 3, 2]], attempt_2: [[4, 4, 4]] }],
    t3: [{ attempt_1: [[9, 9]], attempt_2: [[9, 9]] }],
  });
});

test("a task is solved at K only when every test input is; ARC datasets are recognised by augmented names", () => {
  const B1 = G([[1]]), B2 = G([[2]]);
  const v = arcVote([row("t", B1, B1, B1, 0), row("t", B2, G([[3]]), B2, 0)]);
  assert.deepEqual(v.tasks[0]!.testInputs.map((t) => t.labelRank), [1, null]);
  assert.equal(v.passAtK[1000], 0);
  assert.equal(hasAugmentedNames(["<blank>", "007bbfb7", "007bbfb7_t3_0912345678"]), true);
  assert.equal(hasAugmentedNames(["<blank>"]), false);
});
