// Sudoku dataset builder (official build_sudoku_dataset.py, seeded): read train/test sources,
// optional difficulty filter and subsample, fill in missing solutions with the exact solver (puzzles
// with zero or several solutions are rejected and counted), then write one group per training puzzle
// = the original + numAug augmented copies (one example each, identifier 0), and the test set
// un-augmented. Tokens: blank -> 1, digit d -> d + 1, PAD 0 (never used); all 81 cells supervised.
import { ConfigError, DataError } from "../../engine/errors.js";
import { Rng } from "../../engine/rng.js";
import { yieldToSignals } from "../../util/atomic.js";
import { writeBlankIdentifiers, writeDataset } from "../dataset-writer.js";
import type { BuildReport, CommonBuildOptions } from "../report.js";
import type { DatasetVocab } from "../split-writer.js";
import { applySudokuTransform, randomSudokuTransform } from "./augment.js";
import { CELLS, encodeSudoku } from "./grid.js";
import { type SudokuTable, readSudokuFile } from "./read.js";
import { solveSudoku } from "./solver.js";

export const SUDOKU_VOCAB: DatasetVocab = { vocabSize: 11, seqLen: 81, padId: 0, ignoreLabelId: 0, blankIdentifierId: 0 };

export interface SudokuBuildOptions extends CommonBuildOptions {
  /** Training source: Sudoku-Extreme CSV, tdoku-style CSV or a plain 81-character list. */
  readonly train: string;
  /** Test source (same formats). Without it, `testHoldout` puzzles of the train source form the test split. */
  readonly test?: string;
  readonly testHoldout?: number;
  /** Augmented copies per training puzzle (official --num-aug; default 0). */
  readonly numAug?: number;
  /** Keep this many training puzzles, drawn without replacement (official --subsample-size). */
  readonly subsampleSize?: number;
  /** Keep puzzles with rating >= this (official --min-difficulty); without a rating column the solver's guess count is used. */
  readonly minDifficulty?: number;
  /** Also prove uniqueness of puzzles that come with an answer (default false). */
  readonly checkUnique?: boolean;
}

interface Prepared {
  readonly questions: Uint8Array;
  readonly answers: Uint8Array;
  readonly count: number;
}

function checkInt(name: string, v: number | undefined, min: number): void {
  if (v !== undefined && !(Number.isInteger(v) && v >= min)) throw new ConfigError(`${name} must be an integer >= ${min}, got ${v}`);
}

/** Filter by difficulty and solve what needs solving; counts go to `counts` under `prefix`. */
async function prepare(t: SudokuTable, opts: SudokuBuildOptions, counts: Record<string, number>, prefix: string, report: (done: number) => void): Promise<Prepared> {
  const questions = new Uint8Array(t.count * CELLS);
  const answers = new Uint8Array(t.count * CELLS);
  let n = 0;
  const add = (key: string): void => { counts[`${prefix}.${key}`] = (counts[`${prefix}.${key}`] ?? 0) + 1; };
  counts[`${prefix}.read`] = t.count;
  if (t.belowMinRating > 0) counts[`${prefix}.filteredRating`] = t.belowMinRating;
  for (let k = 0; k < t.count; k++) {
    if (k % 1000 === 0) report(k);
    await yieldToSignals();
    const q = t.questions.subarray(k * CELLS, (k + 1) * CELLS);
    const needRating = opts.minDifficulty !== undefined && Number.isNaN(t.ratings[k]!);
    const needSolve = t.hasAnswer[k] === 0 || opts.checkUnique === true || needRating;
    let answer = t.answers.subarray(k * CELLS, (k + 1) * CELLS);
    if (needSolve) {
      const r = solveSudoku(q, 2);
      if (r.count === 0) { add("rejectedNoSolution"); continue; }
      if (r.count > 1) { add("rejectedMultipleSolutions"); continue; }
      if (needRating && r.guesses < opts.minDifficulty!) { add("filteredDifficulty"); continue; }
      if (t.hasAnswer[k] === 0) { add("solved"); answer = r.solution!; }
    }
    questions.set(q, n * CELLS);
    answers.set(answer, n * CELLS);
    n++;
  }
  report(t.count);
  counts[`${prefix}.kept`] = n;
  return { questions: questions.subarray(0, n * CELLS), answers: answers.subarray(0, n * CELLS), count: n };
}

/** Why the rows of a source were dropped, from the counts `prepare` left. */
function dropReport(t: SudokuTable, counts: Record<string, number>): string {
  if (t.count === 0 && t.belowMinRating === 0) return "the file has no puzzle rows, only a header or comments";
  const n = (k: string): number => counts[`train.${k}`] ?? 0;
  const parts = [`${t.count + t.belowMinRating} rows read`];
  if (t.belowMinRating > 0) parts.push(`${t.belowMinRating} below the minimum rating`);
  if (n("rejectedNoSolution") > 0) parts.push(`${n("rejectedNoSolution")} with no solution`);
  if (n("rejectedMultipleSolutions") > 0) parts.push(`${n("rejectedMultipleSolutions")} with several solutions`);
  if (n("filteredDifficulty") > 0) parts.push(`${n("filteredDifficulty")} below the minimum difficulty`);
  return `${parts.join(", ")}; all dropped`;
}

function pick(p: Prepared, order: ArrayLike<number>): Prepared {
  const questions = new Uint8Array(order.length * CELLS);
  const answers = new Uint8Array(order.length * CELLS);
  for (let i = 0; i < order.length; i++) {
    const k = order[i]!;
    questions.set(p.questions.subarray(k * CELLS, (k + 1) * CELLS), i * CELLS);
    answers.set(p.answers.subarray(k * CELLS, (k + 1) * CELLS), i * CELLS);
  }
  return { questions, answers, count: order.length };
}

export async function buildSudokuDataset(opts: SudokuBuildOptions): Promise<BuildReport> {
  const t0 = performance.now();
  const seed = opts.seed ?? 0;
  const numAug = opts.numAug ?? 0;
  checkInt("numAug", numAug, 0);
  checkInt("subsampleSize", opts.subsampleSize, 1);
  checkInt("testHoldout", opts.testHoldout, 0);
  if (opts.test !== undefined && opts.testHoldout !== undefined) throw new ConfigError("give either a test source or testHoldout, not both");
  const progress = (phase: string, total: number) => (done: number): void => opts.onProgress?.({ phase, done, total });
  const counts: Record<string, number> = {};
  const notes: string[] = [];
  const rng = new Rng(seed);

  const readOpts = (phase: string) => ({ onRows: progress(phase, NaN), ...(opts.minDifficulty !== undefined ? { minRating: opts.minDifficulty } : {}) });
  const trainTable = await readSudokuFile(opts.train, readOpts("read train"));
  let train = await prepare(trainTable, opts, counts, "train", progress("check train", trainTable.count));
  if (train.count === 0) throw new DataError(`${opts.train}: no usable training puzzles (${dropReport(trainTable, counts)})`);
  let test: Prepared;
  if (opts.test !== undefined) {
    const testTable = await readSudokuFile(opts.test, readOpts("read test"));
    test = await prepare(testTable, opts, counts, "test", progress("check test", testTable.count));
  } else {
    const hold = opts.testHoldout ?? 0;
    if (hold >= train.count) throw new ConfigError(`testHoldout ${hold} leaves no training puzzles (${train.count} usable)`);
    const order = rng.permutation(train.count);
    test = pick(train, order.subarray(0, hold));
    train = pick(train, order.subarray(hold));
    if (hold === 0) notes.push("no test source and no holdout: the test split is empty");
  }
  if (opts.subsampleSize !== undefined && opts.subsampleSize < train.count) {
    // np.random.choice(n, k, replace=False) = permutation(n)[:k]
    train = pick(train, rng.permutation(train.count).subarray(0, opts.subsampleSize));
  }
  counts["train.puzzles"] = train.count;
  counts["test.puzzles"] = test.count;

  const splits = await writeDataset(opts, SUDOKU_VOCAB, async ({ train: tw, test: sw, dir }) => {
    const inp = new Uint8Array(CELLS), lab = new Uint8Array(CELLS);
    const augQ = new Uint8Array(CELLS), augA = new Uint8Array(CELLS);
    const reportTrain = progress("write train", train.count);
    for (let k = 0; k < train.count; k++) {
      if (k % 100 === 0) reportTrain(k);
      await yieldToSignals();
      const q = train.questions.subarray(k * CELLS, (k + 1) * CELLS);
      const a = train.answers.subarray(k * CELLS, (k + 1) * CELLS);
      tw.addExample(encodeSudoku(q, inp), encodeSudoku(a, lab));
      tw.endPuzzle(0);
      for (let j = 0; j < numAug; j++) {
        const tr = randomSudokuTransform(rng);
        tw.addExample(encodeSudoku(applySudokuTransform(q, tr, augQ), inp), encodeSudoku(applySudokuTransform(a, tr, augA), lab));
        tw.endPuzzle(0);
      }
      tw.endGroup();
    }
    reportTrain(train.count);
    const reportTest = progress("write test", test.count);
    for (let k = 0; k < test.count; k++) {
      if (k % 1000 === 0) reportTest(k);
      await yieldToSignals();
      sw.addExample(encodeSudoku(test.questions.subarray(k * CELLS, (k + 1) * CELLS), inp), encodeSudoku(test.answers.subarray(k * CELLS, (k + 1) * CELLS), lab));
      sw.endPuzzle(0);
      sw.endGroup();
    }
    reportTest(test.count);
    writeBlankIdentifiers(dir);
    return 1;
  });
  return { kind: "sudoku", outDir: opts.outDir, seed, splits, numPuzzleIdentifiers: 1, counts, notes, seconds: (performance.now() - t0) / 1000 };
}
