// Test-time augmentation for Sudoku: the views are the training augmentation, every view maps back to the
// puzzle exactly, the checker accepts only grids that keep the givens and obey the rules, and a model's
// TTA answer with one view is its plain argmax prediction.
import assert from "node:assert/strict";
import { test } from "node:test";
import { makeCtx } from "../../src/engine/context.js";
import { Rng } from "../../src/engine/rng.js";
import { applySudokuTransform } from "../../src/data/sudoku/augment.js";
import { parseBoard } from "../../src/data/sudoku/grid.js";
import { fromView, satisfiesSudoku, solveSudokuTta, sudokuViews, toView } from "../../src/eval/sudoku-tta.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import { createModel, parseModelConfig } from "../../src/model/model.js";
import { sudokuToTokens } from "../../src/solve/codecs.js";
import { solvePuzzle } from "../../src/solve/solve.js";

const PUZZLE = "..9716425..29853.6..7.24.98..1.5.2436.41.2..97.38.9..1..8..391.9.5.718621.62985.4";
const SOLUTION = "389716425412985376567324198891657243654132789723849651248563917935471862176298534";

test("every view is the training augmentation of the puzzle and maps back exactly", () => {
  const puzzle = sudokuToTokens(PUZZLE), solution = sudokuToTokens(SOLUTION);
  const views = sudokuViews(8, 3);
  assert.equal(views.length, 8);
  for (const t of views) {
    const view = new Int32Array(81), solved = new Int32Array(81);
    toView(puzzle, t, view, 0);
    toView(solution, t, solved, 0);
    // the same as the data builder's transform of the board (tokens = digit + 1)
    const board = applySudokuTransform(parseBoard(PUZZLE, "p", true), t);
    assert.deepEqual(Array.from(view), Array.from(board, (d) => d + 1));
    const inverse = new Uint8Array(10);
    for (let d = 0; d <= 9; d++) inverse[t.digitMap[d]!] = d;
    const back = new Uint8Array(81);
    fromView(solved, 0, t, inverse, back);
    assert.deepEqual(Array.from(back, (d) => d + 1), Array.from(solution));
    assert.ok(satisfiesSudoku(back, puzzle));
  }
});

test("the checker refuses a grid that breaks a rule or a given", () => {
  const puzzle = sudokuToTokens(PUZZLE);
  const good = parseBoard(SOLUTION, "s", false);
  assert.ok(satisfiesSudoku(good, puzzle));
  const swapped = good.slice();
  [swapped[0], swapped[1]] = [swapped[1]!, swapped[0]!]; // row still a permutation, columns broken
  assert.equal(satisfiesSudoku(swapped, puzzle), false);
  // a valid grid that is not this puzzle's: relabel two digits everywhere
  const relabelled = good.map((d) => (d === 1 ? 2 : d === 2 ? 1 : d));
  assert.equal(satisfiesSudoku(relabelled, puzzle), false);
});

test("with one view, TTA returns the model's own prediction (a TRM mlp_t model, fixed segments)", () => {
  const config = parseModelConfig({
    batch_size: 2, seq_len: 81, puzzle_emb_ndim: 16, num_puzzle_identifiers: 1, vocab_size: 11, H_cycles: 2, L_cycles: 2, H_layers: 0,
    L_layers: 1, hidden_size: 16, expansion: 2, num_heads: 2, pos_encodings: "none", halt_max_steps: 2, halt_exploration_prob: 0,
    forward_dtype: "float32", mlp_t: true, puzzle_emb_len: 2,
  }, "trm");
  const model = createModel(config, new Rng(5));
  const ctx = makeCtx(referenceKernels);
  const puzzle = sudokuToTokens(PUZZLE);
  const r = solveSudokuTta(ctx, model, puzzle, { views: 1, batchSize: 4 });
  const plain = solvePuzzle(ctx, model, { inputs: puzzle }, { halting: "fixed" });
  if (r.verified[0]) assert.deepEqual(Array.from(r.predictions), Array.from(plain.final));
  else {
    // an untrained model's grid fails the checker: the vote of one view is its prediction, blanks excepted
    for (let k = 0; k < 81; k++) if (plain.final[k]! >= 2) assert.equal(r.predictions[k], plain.final[k]);
  }
  const r4 = solveSudokuTta(ctx, model, puzzle, { views: 4, batchSize: 4, segments: 3 });
  assert.equal(r4.predictions.length, 81);
  assert.ok(r4.chosenView[0]! >= -1 && r4.chosenView[0]! < 4);
});
