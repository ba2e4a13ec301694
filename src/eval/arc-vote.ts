// ARC scoring as the official evaluation notebook (arc_eval.ipynb, spec §7.2): every test row — the
// original puzzle and each augmented copy `<task>_t<t>_<10 digits>` — gives one vote for its un-augmented
// prediction; votes are grouped per (task, test input); candidates rank by vote count, ties broken by the
// mean σ(q_halt) of their voters; a task is solved at K when every one of its test inputs has its label
// among its top K. Also the ARC Prize submission: the top two candidates per test input.
//   1. rows with puzzle identifier 0 (padding) are skipped by the caller (`add` takes names)
//   2. crop(grid) on inputs, labels and predictions (top-left placement assumed)
//   3. ground truth: non-augmented rows map cropped input -> cropped label
//   4. prediction and input are un-augmented: inverse dihedral, then inverse colour map
//   5. rank by (count, mean σ(q_halt)) descending; equal scores keep first-seen order (Python's stable sort)
import { parseAugmentedName, invertAugmentedGrid } from "../data/arc/augment.js";
import { cropArcTokens } from "../data/arc/serialize.js";
import type { Grid } from "../data/grid.js";
import { gridToRows } from "../data/grid.js";
import { sigmoid } from "../losses/bce.js";

/** The K values the notebook reports. */
export const ARC_KS: readonly number[] = [1, 2, 10, 100, 1000];

export interface ArcRow {
  /** The row's puzzle name from identifiers.json. */
  readonly name: string;
  /** [900] input tokens. */
  readonly input: ArrayLike<number>;
  /** [900] label tokens (−100 or PAD where ignored). */
  readonly label: ArrayLike<number>;
  /** [900] argmax of the final segment's logits. */
  readonly prediction: ArrayLike<number>;
  /** Final segment's q_halt logit. */
  readonly qHalt: number;
}

export interface ArcCandidate {
  readonly grid: Grid;
  readonly votes: number;
  /** Mean σ(q_halt) over its voters. */
  readonly meanQ: number;
}

export interface ArcTestInput {
  readonly input: Grid;
  /** The label from the non-augmented row (null if no such row was seen). */
  readonly label: Grid | null;
  /** Ranked, best first. */
  readonly candidates: readonly ArcCandidate[];
  /** 1-based rank of the label among the candidates, null when absent. */
  readonly labelRank: number | null;
}

export interface ArcTaskResult {
  readonly task: string;
  readonly testInputs: readonly ArcTestInput[];
  /** K -> whether every test input has its label in its top K. */
  readonly solved: Readonly<Record<number, boolean>>;
}

export interface ArcAttempt {
  readonly attempt_1: number[][];
  readonly attempt_2: number[][];
}

export interface ArcVoteResult {
  readonly tasks: readonly ArcTaskResult[];
  /** K -> fraction of tasks solved (tasks with ground truth). */
  readonly passAtK: Readonly<Record<number, number>>;
  /** Rows whose prediction voted. */
  readonly rows: number;
  /** ARC Prize format: task id -> one entry per test input, in order of first appearance. */
  readonly submission: Readonly<Record<string, ArcAttempt[]>>;
}

const keyOf = (g: Grid): string => `${g.h}x${g.w}:${g.data.join("")}`;

interface Pool {
  readonly input: Grid;
  label: Grid | null;
  readonly byKey: Map<string, { grid: Grid; votes: number; qSum: number }>;
}

/** Streaming voter: add rows as evaluation produces them, then `finish`. */
export class ArcVoter {
  private readonly tasks = new Map<string, Map<string, Pool>>();
  private rowCount = 0;

  add(row: ArcRow): void {
    const { task, augmentation, augmented } = parseAugmentedName(row.name);
    const input = invertAugmentedGrid(cropArcTokens(row.input), augmentation);
    const prediction = invertAugmentedGrid(cropArcTokens(row.prediction), augmentation);
    let pools = this.tasks.get(task);
    if (pools === undefined) this.tasks.set(task, (pools = new Map()));
    const ik = keyOf(input);
    let pool = pools.get(ik);
    if (pool === undefined) pools.set(ik, (pool = { input, label: null, byKey: new Map() }));
    if (!augmented) pool.label = cropArcTokens(row.label);
    const pk = keyOf(prediction);
    const c = pool.byKey.get(pk);
    const q = sigmoid(row.qHalt);
    if (c === undefined) pool.byKey.set(pk, { grid: prediction, votes: 1, qSum: q });
    else { c.votes++; c.qSum += q; }
    this.rowCount++;
  }

  finish(ks: readonly number[] = ARC_KS): ArcVoteResult {
    const tasks: ArcTaskResult[] = [];
    const submission: Record<string, ArcAttempt[]> = {};
    const solvedCount = new Map<number, number>(ks.map((k) => [k, 0]));
    let graded = 0;
    for (const [task, pools] of this.tasks) {
      const testInputs: ArcTestInput[] = [];
      for (const pool of pools.values()) {
        const candidates = [...pool.byKey.values()]
          .map((c) => ({ grid: c.grid, votes: c.votes, meanQ: c.qSum / c.votes }))
          .sort((a, b) => b.votes - a.votes || b.meanQ - a.meanQ); // Array.prototype.sort is stable
        const lk = pool.label === null ? null : keyOf(pool.label);
        const idx = lk === null ? -1 : candidates.findIndex((c) => keyOf(c.grid) === lk);
        testInputs.push({ input: pool.input, label: pool.label, candidates, labelRank: idx < 0 ? null : idx + 1 });
      }
      // test inputs known only from augmented rows (no ground truth) are still submitted, but not graded
      const gradedInputs = testInputs.filter((t) => t.label !== null);
      const solved: Record<number, boolean> = {};
      for (const k of ks) solved[k] = gradedInputs.length > 0 && gradedInputs.every((t) => t.labelRank !== null && t.labelRank <= k);
      if (gradedInputs.length > 0) {
        graded++;
        for (const k of ks) if (solved[k]) solvedCount.set(k, solvedCount.get(k)! + 1);
      }
      tasks.push({ task, testInputs, solved });
      submission[task] = testInputs.map((t) => {
        const first = t.candidates[0]?.grid, second = t.candidates[1]?.grid ?? first;
        const rows = (g: Grid | undefined): number[][] => (g === undefined || g.h === 0 || g.w === 0 ? [[0]] : gridToRows(g));
        return { attempt_1: rows(first), attempt_2: rows(second) };
      });
    }
    const passAtK: Record<number, number> = {};
    for (const k of ks) passAtK[k] = graded === 0 ? 0 : solvedCount.get(k)! / graded;
    return { tasks, passAtK, rows: this.rowCount, submission };
  }
}

/** Vote over all rows at once. */
export function arcVote(rows: Iterable<ArcRow>, ks: readonly number[] = ARC_KS): ArcVoteResult {
  const v = new ArcVoter();
  for (const r of rows) v.add(r);
  return v.finish(ks);
}

const AUGMENTED = /_t[0-7]_[0-9]{10}$/;

/** Whether a dataset's identifiers look like an ARC build (some augmented names). */
export function hasAugmentedNames(identifiers: readonly string[]): boolean {
  return identifiers.some((n) => AUGMENTED.test(n));
}
