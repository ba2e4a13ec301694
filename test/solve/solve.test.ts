// The solve API against the official code: per segment, a batch of one reproduces the golden EVAL logits'
// argmax and Q logits of hrm-tiny-a; adaptive halting stops at the first q_halt > q_continue; segments
// past halt_max_steps continue the carry; codecs use the official token encodings.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { makeCtx } from "../../src/engine/context.js";
import { DataError } from "../../src/engine/errors.js";
import { importOfficialCheckpoint } from "../../src/io/official.js";
import { toFloat32, toInt32 } from "../../src/io/safetensors.js";
import { readSafetensors } from "../../src/io/safetensors-node.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import { Rng } from "../../src/engine/rng.js";
import { parseHrmConfig } from "../../src/model/hrm/config.js";
import { HrmModel } from "../../src/model/hrm/model.js";
import type { ReasoningModel } from "../../src/model/model.js";
import { arcToLabels, arcToTokens, gridFromRows, mazeToTokens, sudokuToTokens, tokensToArc, tokensToMaze, tokensToSudoku } from "../../src/solve/codecs.js";
import { renderPrediction } from "../../src/solve/render.js";
import { solvePuzzle, traceToJson } from "../../src/solve/solve.js";
import { loadCheckpointModel } from "../../src/io/checkpoint-model-node.js";

const REF = "../shared/reference/hrm-tiny-a";
const tmp = mkdtempSync(join(tmpdir(), "hrm-solve-"));
after(() => rmSync(tmp, { recursive: true, force: true }));
const ctx = makeCtx(referenceKernels);
let model: ReasoningModel;
before(async () => {
  await importOfficialCheckpoint(`${REF}/checkpoint_step_0`, `${REF}/config.json`, join(tmp, "tiny"));
  model = loadCheckpointModel(join(tmp, "tiny"));
});

const golden = readSafetensors(`${REF}/golden.safetensors`).tensors;
const g = (name: string): Float32Array => toFloat32(golden.get(name)!);
const gi = (name: string): Int32Array => toInt32(golden.get(name)!);

function argmaxRow(logits: Float32Array, b: number, S: number, V: number): number[] {
  return Array.from({ length: S }, (_, t) => {
    let best = 0;
    for (let j = 1; j < V; j++) if (logits[(b * S + t) * V + j]! > logits[(b * S + t) * V + best]!) best = j;
    return best;
  });
}

test("fixed halting: every segment of each golden EVAL row (batch of one) matches the official argmax and Q logits", () => {
  const S = 16, V = 11;
  const inputs = gi("eval/call1/batch/inputs"), labels = gi("eval/call1/batch/labels"), ids = gi("eval/call1/batch/puzzle_identifiers");
  for (let b = 0; b < 3; b++) {
    const r = solvePuzzle(ctx, model, { inputs: inputs.slice(b * S, (b + 1) * S), labels: labels.slice(b * S, (b + 1) * S), puzzleIdentifier: ids[b]! }, { halting: "fixed" });
    assert.equal(r.segments.length, 4);
    assert.equal(r.haltedAt, 4);
    assert.equal(r.stopReason, "segment limit");
    let previous = Array.from(inputs.slice(b * S, (b + 1) * S));
    for (let t = 1; t <= 4; t++) {
      const s = r.segments[t - 1]!;
      const expected = argmaxRow(g(`eval/call${t}/out/logits`), b, S, V);
      assert.deepEqual(Array.from(s.prediction), expected, `row ${b} segment ${t} prediction`);
      assert.deepEqual(s.changed, expected.flatMap((v, i) => (v !== previous[i] ? [i] : [])), `row ${b} segment ${t} changed`);
      assert.ok(Math.abs(s.qHalt - g(`eval/call${t}/out/q_halt_logits`)[b]!) < 1e-4, `row ${b} segment ${t} q_halt ${s.qHalt}`);
      assert.ok(Math.abs(s.qContinue - g(`eval/call${t}/out/q_continue_logits`)[b]!) < 1e-4);
      assert.ok(Math.abs(s.haltProb - 1 / (1 + Math.exp(-s.qHalt))) < 1e-12);
      const valid = Array.from(labels.slice(b * S, (b + 1) * S)).flatMap((y, i) => (y === -100 ? [] : [y === expected[i] ? 1 : 0]));
      assert.ok(Math.abs(s.accuracy! - valid.reduce((x, y) => x + y, 0) / valid.length) < 1e-12);
      previous = expected;
    }
    assert.deepEqual(r.final, r.segments[3]!.prediction);
  }
});

test("adaptive halting stops at the first q_halt > q_continue; segments past halt_max_steps continue the carry", () => {
  const inputs = gi("eval/call1/batch/inputs").slice(0, 16);
  const bias = model.p("q_head.bias").data;
  const saved = Float32Array.from(bias);
  try {
    // official init: q_head.weight = 0, so q = bias exactly; −5 = −5 never halts
    let r = solvePuzzle(ctx, model, { inputs }, { halting: "adaptive" });
    assert.deepEqual([r.segments.length, r.stopReason, r.segments[0]!.qHalt, r.segments[0]!.qContinue], [4, "segment limit", -5, -5]);
    bias.set([0.5, 0]);
    r = solvePuzzle(ctx, model, { inputs }, { halting: "adaptive" });
    assert.deepEqual([r.segments.length, r.haltedAt, r.stopReason], [1, 1, "q_halt > q_continue"]);
    assert.equal(solvePuzzle(ctx, model, { inputs }, { halting: "fixed" }).segments.length, 4, "fixed ignores Q");
    assert.equal(solvePuzzle(ctx, model, { inputs }, { halting: "adaptive", maxSegments: 2 }).segments.length, 1);
  } finally {
    bias.set(saved);
  }
  // a model trained with TRM's rule (no_ACT_continue) halts on its own rule, q_halt > 0
  const trm = HrmModel.create(parseHrmConfig({ ...model.config, no_ACT_continue: true }), new Rng(1));
  trm.p("q_head.bias").data.set([0.5, 2]);
  const t = solvePuzzle(ctx, trm, { inputs }, { halting: "adaptive" });
  assert.deepEqual([t.segments.length, t.stopReason], [1, "q_halt > 0"]);
  trm.p("q_head.bias").data.set([-0.5, -2]);
  assert.equal(solvePuzzle(ctx, trm, { inputs }, { halting: "adaptive" }).stopReason, "segment limit");
  const four = solvePuzzle(ctx, model, { inputs }, { halting: "fixed" });
  const w = model.p("q_head.weight").data;
  try {
    w.forEach((_, i) => { w[i] = Math.sin(i); }); // Q now reads z_H
    const ref = solvePuzzle(ctx, model, { inputs }, { halting: "fixed" });
    const six = solvePuzzle(ctx, model, { inputs }, { halting: "fixed", maxSegments: 6 });
    assert.equal(six.segments.length, 6);
    for (let s = 0; s < 4; s++) {
      assert.deepEqual(six.segments[s]!.prediction, ref.segments[s]!.prediction);
      assert.equal(six.segments[s]!.qHalt, ref.segments[s]!.qHalt);
    }
    // a reset carry would make segment 5 repeat segment 1 exactly; the continued carry does not
    assert.notEqual(six.segments[4]!.qHalt, six.segments[0]!.qHalt);
    assert.notEqual(six.segments[4]!.qHalt, six.segments[3]!.qHalt);
  } finally {
    w.fill(0);
  }
  assert.throws(() => solvePuzzle(ctx, model, { inputs: new Int32Array(15) }, { halting: "fixed" }), /inputs has 15 tokens, the model's seq_len is 16/);
  assert.throws(() => solvePuzzle(ctx, model, { inputs, puzzleIdentifier: 5 }, { halting: "fixed" }), /puzzle identifier 5 is outside \[0, num_puzzle_identifiers = 5\)/);
  const json = traceToJson(four, (t) => Array.from(t).join(","));
  assert.equal(json["halted_at"], 4);
  const segs = json["segments"] as Array<Record<string, unknown>>;
  assert.deepEqual(Object.keys(segs[0]!), ["segment", "prediction", "changed", "q_halt", "q_continue", "halt_prob", "decoded"]);
  assert.equal(segs[1]!["q_halt"], four.segments[1]!.qHalt);
  assert.deepEqual(JSON.parse(JSON.stringify(json))["final"], Array.from(four.final));
});

test("codecs: official token encodings both ways", () => {
  const puzzle = "4.....8.5.3..........7......2.....6.....8.4......1.......6.3.7.5..2.....1.4......";
  const t = sudokuToTokens(puzzle);
  assert.deepEqual(Array.from(t.slice(0, 9)), [5, 1, 1, 1, 1, 1, 9, 1, 6]);
  assert.equal(tokensToSudoku(t), puzzle);
  assert.equal(tokensToSudoku(sudokuToTokens(puzzle.replace(/\./g, "0"))), puzzle);
  assert.throws(() => sudokuToTokens("12"), (e: unknown) => e instanceof DataError && /expected 81 characters, got 2/.test(e.message));

  const maze = "####\n#S #\n# G#\n####\n";
  const m = mazeToTokens(maze);
  assert.deepEqual(Array.from(m), [1, 1, 1, 1, 1, 3, 2, 1, 1, 2, 4, 1, 1, 1, 1, 1]);
  assert.deepEqual(tokensToMaze(m), ["####", "#S #", "# G#", "####"]);
  assert.deepEqual(tokensToMaze(Int32Array.from([5, 0, 2, 1])), ["o?", " #"]);
  assert.throws(() => mazeToTokens("####\n#S#\n# G#\n####"), /line 2 has 3 characters; a maze of 4 lines needs 4/);

  const grid = gridFromRows([[1, 2], [3, 4]]);
  const a = arcToTokens(grid);
  assert.equal(a.length, 900);
  assert.deepEqual([a[0], a[1], a[2], a[30], a[31], a[32], a[60], a[61], a[62]], [3, 4, 1, 5, 6, 1, 1, 1, 0]);
  assert.deepEqual(tokensToArc(a), [[1, 2], [3, 4]]);
  const l = arcToLabels(grid);
  assert.deepEqual([l[2], l[62], l[899]], [1, -100, -100]);
  // the official crop: a prediction with a ragged colour block keeps the largest top-left rectangle
  const p = new Int32Array(900);
  p.set([2, 3, 4, 1], 0);
  p.set([5, 6, 1], 30);
  p.set([7, 1], 60);
  assert.deepEqual(tokensToArc(p), [[0, 1], [3, 4]]);
  assert.throws(() => gridFromRows([[1, 2], [3]]), /row 2 is not a list of 2 colours/);
  assert.throws(() => gridFromRows([[10]]), /colour 10 at row 1, column 1/);
});

test("render: changed cells in brackets (or ANSI), Sudoku boxes drawn", () => {
  const t = sudokuToTokens("123456789".repeat(9));
  const text = renderPrediction("sudoku", t, new Set([0, 80]), "brackets");
  const lines = text.trimEnd().split("\n");
  assert.equal(lines.length, 11);
  assert.equal(lines[0], "[1] 2  3 | 4  5  6 | 7  8  9 ");
  assert.equal(lines[3], "---------+---------+---------");
  assert.equal(lines[10], " 1  2  3 | 4  5  6 | 7  8 [9]");
  assert.equal(renderPrediction("maze", mazeToTokens("#S\nG "), new Set([3]), "ansi"), " #  S \n G \u001b[1;30;43m   \u001b[0m\n");
});
