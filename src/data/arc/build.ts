// ARC dataset builder (official build_arc_dataset.py scheme, seeded, streamed to disk).
// Each input folder's sub-folders are splits: a sub-folder named "evaluation" sends its test pairs to
// the test split; every other sub-folder (ARC "training", ConceptARC concepts) sends them to the train
// split. Demonstration pairs always go to train, so evaluation tasks' demonstrations are trained on.
// Per sub-folder the tasks (file names sorted, for reproducibility) are shuffled; per task up to
// retriesFactor * numAug augmentations (dihedral + colour map keeping 0) are tried, keeping those whose
// whole augmented task is new; group = [original, augmentations]. Every augmented puzzle gets its own
// identifier (1, 2, ... in order of first appearance; the same name in train and test shares it).
// A task sending its test pairs to train lists its examples in the file's key order, as the official
// builder iterates the task dict: tests first when the JSON has "test" before "train".
// Serialisation: 30x30 canvas with EOS; in the train split every example but one random example per
// puzzle gets a random translation (shared by its input and output); the test split stays at (0, 0).
import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { basename, join } from "node:path";
import { ConfigError, DataError } from "../../engine/errors.js";
import { Rng } from "../../engine/rng.js";
import { yieldToSignals } from "../../util/atomic.js";
import { type DatasetSink, IdentifierListWriter, writeDataset } from "../dataset-writer.js";
import type { BuildReport, CommonBuildOptions } from "../report.js";
import type { DatasetVocab, SplitWriter } from "../split-writer.js";
import { type ArcAugmentation, IDENTITY_AUGMENTATION, augmentGrid, augmentedName, randomArcAugmentation } from "./augment.js";
import { ARC_SEQ_LEN, arcGridToTokens } from "./serialize.js";
import { ARC_MAX_SIZE, type ArcPair, type ArcTask } from "./task.js";
import { readArcTask } from "./task-node.js";

export const ARC_VOCAB: DatasetVocab = { vocabSize: 12, seqLen: ARC_SEQ_LEN, padId: 0, ignoreLabelId: 0, blankIdentifierId: 0 };

export interface ArcBuildOptions extends CommonBuildOptions {
  /** Folders whose sub-folders hold task JSON files, e.g. arc-agi-1 and conceptarc/corpus. */
  readonly inputDirs: readonly string[];
  /** Augmentations per task (default 1000). */
  readonly numAug?: number;
  /** Trials per wanted augmentation (default 5). */
  readonly retriesFactor?: number;
}

/** A task from one sub-folder, with where its test pairs go. */
interface SourcedTask {
  readonly task: ArcTask;
  readonly testToTest: boolean;
}

async function listDirs(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch (err) {
    throw new DataError(`${dir}: cannot list ARC folder (${(err as Error).message})`);
  }
}

/** Load and validate every task (before anything is written), shuffled per sub-folder. */
async function loadTasks(dirs: readonly string[], rng: Rng, counts: Record<string, number>): Promise<SourcedTask[]> {
  const out: SourcedTask[] = [];
  for (const dir of dirs) {
    const subdirs = await listDirs(dir);
    let found = 0;
    for (const sub of subdirs) {
      const path = join(dir, sub);
      let files: string[];
      try {
        files = (await readdir(path)).filter((f) => f.endsWith(".json")).sort();
      } catch (err) {
        throw new DataError(`${path}: cannot list task files (${(err as Error).message})`);
      }
      const tasks: SourcedTask[] = [];
      for (const f of files) tasks.push({ task: await readArcTask(join(path, f), basename(f, ".json")), testToTest: sub === "evaluation" });
      rng.shuffle(tasks);
      out.push(...tasks);
      found += tasks.length;
      counts[`tasks.${basename(dir)}/${sub}`] = tasks.length;
    }
    if (found === 0) throw new DataError(`${dir}: no task files found in its sub-folders (expected e.g. training/*.json and evaluation/*.json)`);
  }
  return out;
}

/** Order-independent key of a whole task (official puzzle_hash: sorted per-example hashes incl. shapes). */
function taskKey(pairs: readonly ArcPair[]): string {
  const parts = pairs.map((p) => {
    const b = Buffer.alloc(4 + p.input.data.length + p.output.data.length);
    b[0] = p.input.h; b[1] = p.input.w;
    b.set(p.input.data, 2);
    b[2 + p.input.data.length] = p.output.h; b[3 + p.input.data.length] = p.output.w;
    b.set(p.output.data, 4 + p.input.data.length);
    return b;
  });
  parts.sort(Buffer.compare);
  const h = createHash("sha1");
  for (const p of parts) { h.update(Buffer.from([p.length & 255, p.length >> 8])); h.update(p); }
  return h.digest("base64");
}

function augmentPairs(pairs: readonly ArcPair[], a: ArcAugmentation): ArcPair[] {
  return pairs.map((p) => ({ input: augmentGrid(p.input, a), output: augmentGrid(p.output, a) }));
}

/** One version of a task: its augmentation and all its pairs (demonstrations first, then tests). */
export interface AugmentedTask {
  readonly augmentation: ArcAugmentation;
  readonly pairs: readonly ArcPair[];
}

/** [original, up to numAug distinct augmentations] of a task. */
export function augmentTask(task: ArcTask, numAug: number, retriesFactor: number, rng: Rng): AugmentedTask[] {
  const all = [...task.train, ...task.test];
  const group: AugmentedTask[] = [{ augmentation: IDENTITY_AUGMENTATION, pairs: all }];
  if (numAug === 0) return group;
  const seen = new Set([taskKey(all)]);
  for (let trial = 0; trial < retriesFactor * numAug && group.length < numAug + 1; trial++) {
    const a = randomArcAugmentation(rng);
    const pairs = augmentPairs(all, a);
    const key = taskKey(pairs);
    if (!seen.has(key)) { seen.add(key); group.push({ augmentation: a, pairs }); }
  }
  return group;
}

const inTok = new Uint8Array(ARC_SEQ_LEN);
const outTok = new Uint8Array(ARC_SEQ_LEN);

/** Write one puzzle's examples; `translate` enables the train-split random offsets. */
function writePuzzle(w: SplitWriter, pairs: readonly ArcPair[], id: number, translate: boolean, rng: Rng): void {
  const keep = translate ? rng.int(0, pairs.length - 1) : -1;
  pairs.forEach((p, k) => {
    let r0 = 0, c0 = 0;
    if (translate && k !== keep) {
      r0 = rng.int(0, ARC_MAX_SIZE - Math.max(p.input.h, p.output.h));
      c0 = rng.int(0, ARC_MAX_SIZE - Math.max(p.input.w, p.output.w));
    }
    w.addExample(arcGridToTokens(p.input, r0, c0, inTok), arcGridToTokens(p.output, r0, c0, outTok));
  });
  w.endPuzzle(id);
}

function writeTask(sink: DatasetSink, ids: IdentifierListWriter, st: SourcedTask, group: readonly AugmentedTask[], rng: Rng): void {
  const { task } = st;
  const nDemo = task.train.length;
  const puzzleIds = group.map((v, k) => ids.idOf(k === 0 ? task.name : augmentedName(task.name, v.augmentation)));
  // official: examples in the task dict's order, so a file listing "test" first trains on its tests first
  const trainPairs = (v: AugmentedTask): readonly ArcPair[] => st.testToTest ? v.pairs.slice(0, nDemo)
    : task.testFirst ? [...v.pairs.slice(nDemo), ...v.pairs.slice(0, nDemo)] : v.pairs;
  group.forEach((v, k) => writePuzzle(sink.train, trainPairs(v), puzzleIds[k]!, true, rng));
  sink.train.endGroup();
  if (st.testToTest) {
    group.forEach((v, k) => writePuzzle(sink.test, v.pairs.slice(nDemo), puzzleIds[k]!, false, rng));
    sink.test.endGroup();
  }
}

export async function buildArcDataset(opts: ArcBuildOptions): Promise<BuildReport> {
  const t0 = performance.now();
  const seed = opts.seed ?? 42;
  const numAug = opts.numAug ?? 1000;
  const retries = opts.retriesFactor ?? 5;
  if (!(Number.isInteger(numAug) && numAug >= 0)) throw new ConfigError(`numAug must be a non-negative integer, got ${numAug}`);
  if (!(Number.isInteger(retries) && retries >= 1)) throw new ConfigError(`retriesFactor must be a positive integer, got ${retries}`);
  if (opts.inputDirs.length === 0) throw new ConfigError("no ARC input folders given");
  const rng = new Rng(seed);
  const counts: Record<string, number> = {};
  const notes: string[] = [];
  const tasks = await loadTasks(opts.inputDirs, rng, counts);
  counts["tasks"] = tasks.length;
  counts["tasksTestFirst"] = tasks.filter((st) => st.task.testFirst && !st.testToTest).length;
  let short = 0, minGroup = Infinity;
  let numIds = 0;
  const splits = await writeDataset(opts, ARC_VOCAB, async (sink) => {
    const ids = new IdentifierListWriter(sink.dir);
    try {
      for (const [k, st] of tasks.entries()) {
        await yieldToSignals();
        const group = augmentTask(st.task, numAug, retries, rng);
        if (group.length < numAug + 1) {
          short++;
          if (short <= 10) notes.push(`task ${st.task.name}: only ${group.length - 1} distinct augmentations of ${numAug}`);
        }
        minGroup = Math.min(minGroup, group.length);
        writeTask(sink, ids, st, group, rng);
        opts.onProgress?.({ phase: "augment and write", done: k + 1, total: tasks.length });
      }
    } catch (err) {
      ids.abort();
      throw err;
    }
    ids.close();
    numIds = ids.count;
    return ids.count;
  });
  if (short > 10) notes.push(`... ${short} tasks in all got fewer augmentations than asked`);
  counts["tasksWithFewerAugmentations"] = short;
  counts["minGroupSize"] = minGroup;
  return { kind: "arc", outDir: opts.outDir, seed, splits, numPuzzleIdentifiers: numIds, counts, notes, seconds: (performance.now() - t0) / 1000 };
}
