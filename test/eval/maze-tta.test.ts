// Test-time augmentation for mazes: the views are the dihedral symmetries and map back exactly, the checker
// accepts exactly the shortest S→G path, and the shared TTA loop (src/eval/tta.ts) returns the first view the
// checker accepts, else the σ(q_halt)-weighted vote.
import assert from "node:assert/strict";
import { test } from "node:test";
import { makeCtx } from "../../src/engine/context.js";
import { Rng } from "../../src/engine/rng.js";
import { dihedralTransform } from "../../src/data/dihedral.js";
import { OPEN, PATH } from "../../src/data/maze/maze.js";
import { generateMaze } from "../../src/data/maze/generate.js";
import { MAZE_VIEW_ORDER, mazeTta, solveMazeTta } from "../../src/eval/maze-tta.js";
import type { TtaTask } from "../../src/eval/tta.js";
import { solveWithTta } from "../../src/eval/tta.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import { createModel, parseModelConfig } from "../../src/model/model.js";
import { solvePuzzle } from "../../src/solve/solve.js";

const maze = generateMaze(new Rng(7), { size: 6, minPathLength: 5, uniquePath: true });
const question = Int32Array.from(maze.question.data), answer = Int32Array.from(maze.answer.data);

function tinyMazeModel(seed: number) {
  const config = parseModelConfig({
    batch_size: 2, seq_len: 36, puzzle_emb_ndim: 0, num_puzzle_identifiers: 1, vocab_size: 6, H_cycles: 2, L_cycles: 2, H_layers: 0,
    L_layers: 1, hidden_size: 16, expansion: 2, num_heads: 2, pos_encodings: "rope", halt_max_steps: 2, halt_exploration_prob: 0,
    forward_dtype: "float32", mlp_t: false, puzzle_emb_len: 0,
  }, "trm");
  return createModel(config, new Rng(seed));
}

test("the 8 views are the dihedral transforms of the maze and map back exactly", () => {
  const views = mazeTta.views(8, 0);
  assert.deepEqual([...views].sort(), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(views[0], 0);
  for (const t of views) {
    const view = new Int32Array(36), solved = new Int32Array(36), back = new Int32Array(36);
    mazeTta.toView(question, t, view, 0);
    assert.deepEqual(Array.from(view), Array.from(dihedralTransform(maze.question, t).data));
    mazeTta.toView(answer, t, solved, 0);
    mazeTta.fromView(solved, 0, t, back);
    assert.deepEqual(Array.from(back), Array.from(answer));
    assert.ok(mazeTta.accepts(back, question));
  }
  assert.throws(() => mazeTta.views(9, 0), /8 dihedral views, asked for 9/);
});

test("the checker accepts the shortest path only", () => {
  assert.ok(mazeTta.accepts(answer, question));
  assert.equal(mazeTta.accepts(question, question), false, "no path marked");
  const gap = answer.slice();
  gap[gap.indexOf(PATH)] = OPEN;
  assert.equal(mazeTta.accepts(gap, question), false, "a path with a gap");
  const extra = answer.slice();
  extra[extra.indexOf(OPEN)] = PATH;
  assert.equal(mazeTta.accepts(extra, question), false, "a path cell off the shortest path");
});

test("the loop returns the first accepted view, else the q_halt-weighted vote", () => {
  const model = tinyMazeModel(3);
  const ctx = makeCtx(referenceKernels);
  // a task whose view v writes token 2 + v into cell 0 of its answer, and whose checker accepts view 2 only
  const probe: TtaTask<number> = {
    name: "probe", modelProblem: () => null, views: (K) => Array.from({ length: K }, (_, v) => v),
    toView: (p, _v, out, at) => out.set(p, at),
    fromView: (pred, at, v, out) => { for (let k = 0; k < out.length; k++) out[k] = pred[at + k]!; out[0] = 1 + (v % 5); },
    accepts: (a) => a[0] === 3, answerTokens: [1, 2, 3, 4, 5],
  };
  const two = solveWithTta(ctx, model, probe, Int32Array.from([...question, ...question]), { views: 4, batchSize: 8 });
  assert.deepEqual(Array.from(two.chosenView), [2, 2]);
  assert.deepEqual(Array.from(two.verified), [1, 1]);
  assert.equal(two.predictions[0], 3);
  // nothing accepted with views 0, 1 (cell 0 votes 1 and 2): the vote takes the heavier view's token
  const none = solveWithTta(ctx, model, probe, question, { views: 2, batchSize: 2 });
  assert.deepEqual(Array.from(none.chosenView), [-1]);
  assert.ok(none.predictions[0] === 1 || none.predictions[0] === 2);
});

test("with one view, maze TTA returns the model's own prediction; K views run", () => {
  const model = tinyMazeModel(5);
  const ctx = makeCtx(referenceKernels);
  const r = solveMazeTta(ctx, model, question, { views: 1, batchSize: 4 });
  const plain = solvePuzzle(ctx, model, { inputs: question }, { halting: "fixed" });
  // the vote of one view is its prediction (padding predictions, token 0, become walls)
  for (let k = 0; k < 36; k++) assert.equal(r.predictions[k], plain.final[k] === 0 ? 1 : plain.final[k]);
  const r8 = solveMazeTta(ctx, model, question, { views: MAZE_VIEW_ORDER.length, batchSize: 8 });
  assert.equal(r8.predictions.length, 36);
  assert.ok(r8.chosenView[0]! >= -1 && r8.chosenView[0]! < 8);
});
