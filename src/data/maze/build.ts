// Maze dataset builder (official build_maze_dataset.py, seeded): from Maze-Hard CSVs, or from the
// generator. One group per maze, one example each, identifier 0; optional subsample of the training
// mazes; optional 8-fold dihedral augmentation of the training split (official --aug, off by
// default): a group then holds the 8 transformed copies (transform 0 = the original).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, DataError } from "../../engine/errors.js";
import { Rng } from "../../engine/rng.js";
import { yieldToSignals } from "../../util/atomic.js";
import { writeBlankIdentifiers, writeDataset } from "../dataset-writer.js";
import { DIHEDRAL_IDS, dihedralTransform } from "../dihedral.js";
import type { Grid } from "../grid.js";
import type { BuildReport, CommonBuildOptions } from "../report.js";
import type { DatasetVocab } from "../split-writer.js";
import { type MazeGenOptions, generateMaze } from "./generate.js";
import { mazeToString } from "./maze.js";
import { readMazeCsv } from "./read.js";

export interface MazePair {
  readonly question: Grid;
  readonly answer: Grid;
}

export interface MazeBuildOptions extends CommonBuildOptions {
  /** Official CSVs. Give both, or use `generate`. */
  readonly train?: string;
  readonly test?: string;
  /** Generate mazes instead of reading CSVs. */
  readonly generate?: MazeGenOptions & { readonly trainCount: number; readonly testCount: number };
  /** Also write the generated mazes as official CSVs under `<outDir>/source/` (default true). */
  readonly writeSourceCsv?: boolean;
  /** Keep this many training mazes, drawn without replacement. */
  readonly subsampleSize?: number;
  /** 8 dihedral transforms of each training maze (default false). */
  readonly aug?: boolean;
}

export function mazeVocab(side: number): DatasetVocab {
  return { vocabSize: 6, seqLen: side * side, padId: 0, ignoreLabelId: 0, blankIdentifierId: 0 };
}

function mazeCsv(mazes: readonly MazePair[], source: string): string {
  const rows = ["source,question,answer,rating"];
  for (const m of mazes) {
    const steps = m.answer.data.reduce((n, t) => n + (t === 5 ? 1 : 0), 0) + 1;
    rows.push(`${source},${mazeToString(m.question)},${mazeToString(m.answer)},${steps}`);
  }
  return rows.join("\n") + "\n";
}

export async function buildMazeDataset(opts: MazeBuildOptions): Promise<BuildReport> {
  const t0 = performance.now();
  const seed = opts.seed ?? 0;
  const rng = new Rng(seed);
  const counts: Record<string, number> = {};
  const progress = (phase: string, total: number) => (done: number): void => opts.onProgress?.({ phase, done, total });
  let train: MazePair[];
  let test: MazePair[];
  if (opts.generate !== undefined) {
    if (opts.train !== undefined || opts.test !== undefined) throw new ConfigError("give either CSV sources or generate options, not both");
    const g = opts.generate;
    const seen = new Set<string>();
    const make = async (count: number, phase: string): Promise<MazePair[]> => {
      if (!(Number.isInteger(count) && count >= 0)) throw new ConfigError(`${phase}: maze count must be a non-negative integer, got ${count}`);
      const out: MazePair[] = [];
      const report = progress(phase, count);
      while (out.length < count) {
        await yieldToSignals();
        const m = generateMaze(rng, g);
        counts["generated.attempts"] = (counts["generated.attempts"] ?? 0) + m.attempts;
        const key = mazeToString(m.question);
        if (seen.has(key)) { counts["generated.duplicates"] = (counts["generated.duplicates"] ?? 0) + 1; continue; }
        seen.add(key);
        out.push(m);
        report(out.length);
      }
      return out;
    };
    if (!(Number.isInteger(g.trainCount) && g.trainCount >= 1)) throw new ConfigError(`train maze count must be a positive integer, got ${g.trainCount}`);
    train = await make(g.trainCount, "generate train");
    test = await make(g.testCount, "generate test");
  } else {
    if (opts.train === undefined || opts.test === undefined) throw new ConfigError("maze builder needs train and test CSVs, or generate options");
    train = await readMazeCsv(opts.train);
    if (train.length === 0) throw new DataError(`${opts.train}: no training mazes (the file has only a header)`);
    test = await readMazeCsv(opts.test);
    if (train.length > 0 && test.length > 0 && train[0]!.question.h !== test[0]!.question.h) {
      throw new ConfigError(`train mazes are ${train[0]!.question.h}x${train[0]!.question.h}, test mazes ${test[0]!.question.h}x${test[0]!.question.h}`);
    }
  }
  const side = (train[0] ?? test[0])?.question.h;
  if (side === undefined) throw new ConfigError("no mazes to write");
  if (opts.subsampleSize !== undefined) {
    if (!(Number.isInteger(opts.subsampleSize) && opts.subsampleSize >= 1)) throw new ConfigError(`subsampleSize must be a positive integer, got ${opts.subsampleSize}`);
    if (opts.subsampleSize < train.length) {
      const all = train;
      train = Array.from(rng.permutation(all.length).subarray(0, opts.subsampleSize), (i) => all[i]!);
    }
  }
  counts["train.mazes"] = train.length;
  counts["test.mazes"] = test.length;
  const transforms = opts.aug ? DIHEDRAL_IDS : DIHEDRAL_IDS.slice(0, 1);
  const splits = await writeDataset(opts, mazeVocab(side), async ({ train: tw, test: sw, dir }) => {
    const report = progress("write", train.length + test.length);
    for (const [k, m] of train.entries()) {
      await yieldToSignals();
      for (const t of transforms) {
        tw.addExample(dihedralTransform(m.question, t).data, dihedralTransform(m.answer, t).data);
        tw.endPuzzle(0);
      }
      tw.endGroup();
      if (k % 100 === 0) report(k);
    }
    for (const m of test) {
      await yieldToSignals();
      sw.addExample(m.question.data, m.answer.data);
      sw.endPuzzle(0);
      sw.endGroup();
    }
    report(train.length + test.length);
    writeBlankIdentifiers(dir);
    if (opts.generate !== undefined && opts.writeSourceCsv !== false) {
      const src = join(dir, "source");
      mkdirSync(src);
      writeFileSync(join(src, "train.csv"), mazeCsv(train, "hrm-maze-gen"));
      writeFileSync(join(src, "test.csv"), mazeCsv(test, "hrm-maze-gen"));
    }
    return 1;
  });
  return { kind: "maze", outDir: opts.outDir, seed, splits, numPuzzleIdentifiers: 1, counts, notes: [], seconds: (performance.now() - t0) / 1000 };
}
