// `hrm data sudoku|maze|arc|show|verify`: build datasets in the official layout, look at them, check them.
import { extname } from "node:path";
import { buildArcDataset } from "../data/arc/build.js";
import { type SplitName, readIdentifiers } from "../data/format.js";
import { buildMazeDataset } from "../data/maze/build.js";
import type { BuildProgress, BuildReport } from "../data/report.js";
import { openDatasetSplit } from "../data/split-reader.js";
import { buildSudokuDataset } from "../data/sudoku/build.js";
import { verifyDataset } from "../data/verify.js";
import { UsageError } from "../engine/errors.js";
import { exitOnSignal, writeFileAtomic } from "../util/atomic.js";
import type { ProgressBar } from "../util/progress.js";
import { renderPanelsPng, renderPanelsSvg, renderPanelsText } from "../viz/grid-render.js";
import { detectKind, examplePanels } from "../viz/puzzle-panels.js";
import { type Specs, type OptionValues, formatHelp, parseArgs } from "./args.js";
import type { Command } from "./command.js";
import { cliProgressBar, jsonOptionSpec, printJson, progressOptionSpec } from "./output-options.js";

const COMMON = {
  out: { kind: "string", help: "output dataset folder (written atomically)" },
  seed: { kind: "number", help: "random seed (same seed and inputs -> byte-identical files)" },
  force: { kind: "boolean", help: "replace an existing output folder", default: false },
  progress: progressOptionSpec,
  quiet: { kind: "boolean", help: "deprecated: same as --no-progress", default: false },
  json: jsonOptionSpec,
} satisfies Specs;

const SUDOKU = {
  train: { kind: "string", help: "training puzzles: Sudoku-Extreme CSV (source,question,answer,rating), tdoku CSV or 81-char list" },
  test: { kind: "string", help: "test puzzles (same formats)" },
  holdout: { kind: "number", help: "without --test: move this many training puzzles to the test split" },
  "num-aug": { kind: "number", help: "augmented copies per training puzzle", default: 0 },
  subsample: { kind: "number", help: "keep this many training puzzles" },
  "min-difficulty": { kind: "number", help: "keep puzzles with rating >= this (solver guesses when there is no rating)" },
  "check-unique": { kind: "boolean", help: "also prove uniqueness of puzzles that come with answers", default: false },
  ...COMMON,
} satisfies Specs;

const MAZE = {
  train: { kind: "string", help: "Maze-Hard train.csv (source,question,answer,rating)" },
  test: { kind: "string", help: "Maze-Hard test.csv" },
  generate: { kind: "boolean", help: "generate mazes instead of reading CSVs", default: false },
  "train-count": { kind: "number", help: "generated training mazes", default: 1000 },
  "test-count": { kind: "number", help: "generated test mazes", default: 1000 },
  size: { kind: "number", help: "generated maze side", default: 30 },
  "min-path": { kind: "number", help: "keep mazes whose shortest path has more than this many steps", default: 110 },
  "unique-path": { kind: "boolean", help: "keep only mazes with a unique shortest path", default: false },
  "exact-rejection": { kind: "boolean", help: "pure rejection sampling of start and goal (slow)", default: false },
  subsample: { kind: "number", help: "keep this many training mazes" },
  aug: { kind: "boolean", help: "8 dihedral copies of each training maze", default: false },
  ...COMMON,
} satisfies Specs;

const ARC = {
  "num-aug": { kind: "number", help: "augmentations per task", default: 1000 },
  retries: { kind: "number", help: "trials per wanted augmentation", default: 5 },
  ...COMMON,
} satisfies Specs;

const SHOW = {
  split: { kind: "string", help: "train or test", default: "train" },
  out: { kind: "string", help: "picture file (.svg or .png); default hrm-show-<split>-<index>.svg" },
  cell: { kind: "number", help: "cell size in pixels", default: 16 },
  "no-picture": { kind: "boolean", help: "text only", default: false },
  json: { ...jsonOptionSpec, help: "print the example (tokens, puzzle, identifier, group, picture path) as JSON instead of text" },
} satisfies Specs;

const VERIFY = {
  json: jsonOptionSpec,
} satisfies Specs;

function str(o: OptionValues, k: string): string | undefined {
  const v = o[k];
  return typeof v === "string" ? v : undefined;
}

function num(o: OptionValues, k: string): number | undefined {
  const v = o[k];
  return typeof v === "number" ? v : undefined;
}

function requireOut(o: OptionValues): string {
  const out = str(o, "out");
  if (out === undefined) throw new UsageError("--out <folder> is required");
  return out;
}

/** Progress callback drawing one bar per phase on stderr (nothing when `show` is false). */
function progressBars(show: boolean): { onProgress: (p: BuildProgress) => void; done: () => void } {
  let bar: ProgressBar | undefined;
  let phase = "";
  return {
    onProgress: (p) => {
      if (p.phase !== phase) {
        bar?.finish();
        phase = p.phase;
        bar = cliProgressBar(show, { total: p.total, label: p.phase });
      }
      bar!.update(p.done);
    },
    done: () => bar?.finish(),
  };
}

function printReport(r: BuildReport): void {
  const s = r.splits;
  console.log(`${r.kind} dataset written to ${r.outDir} in ${r.seconds.toFixed(1)} s (seed ${r.seed})`);
  for (const split of ["train", "test"] as const) {
    console.log(`  ${split}: ${s[split].groups} groups, ${s[split].puzzles} puzzles, ${s[split].examples} examples`);
  }
  console.log(`  puzzle identifiers: ${r.numPuzzleIdentifiers}`);
  for (const [k, v] of Object.entries(r.counts)) console.log(`  ${k}: ${v}`);
  for (const n of r.notes) console.log(`  note: ${n}`);
}

async function runBuild(argv: string[], specs: Specs, usage: string, examples: string[],
  build: (o: OptionValues, positionals: string[], common: { outDir: string; seed?: number; overwrite: boolean; onProgress: (p: BuildProgress) => void; cleanupOnSignal: boolean; onStaleRemoved: (paths: readonly string[]) => void }) => Promise<BuildReport>): Promise<number> {
  const a = parseArgs(argv, specs);
  if (a.help) { console.log(formatHelp(usage, specs, examples)); return 0; }
  const bars = progressBars(a.options["progress"] === true && a.options["quiet"] !== true);
  const seed = num(a.options, "seed");
  const onStaleRemoved = (paths: readonly string[]): void => {
    for (const p of paths) console.error(`hrm data: removed ${p}, left by an interrupted build whose process is gone`);
  };
  const common = { outDir: requireOut(a.options), overwrite: a.options["force"] === true, onProgress: bars.onProgress, cleanupOnSignal: true, onStaleRemoved, ...(seed !== undefined ? { seed } : {}) };
  let report: BuildReport;
  const uninstall = exitOnSignal(); // SIGINT -> 130, SIGTERM -> 143 in every phase (reading, solving, writing)
  try {
    report = await build(a.options, a.positionals, common);
  } finally {
    bars.done();
    uninstall();
  }
  if (a.options["json"] === true) printJson(report);
  else printReport(report);
  return 0;
}

async function sudoku(argv: string[]): Promise<number> {
  return runBuild(argv, SUDOKU, "hrm data sudoku --train <csv> [--test <csv> | --holdout N] --out <dir> [options]", [
    "hrm data sudoku --train ../shared/data/sudoku/gen-k30/train.csv --test ../shared/data/sudoku/gen-k30/test.csv --num-aug 1000 --out data/sudoku-k30-aug-1000",
    "hrm data sudoku --train sudoku-extreme/train.csv --test sudoku-extreme/test.csv --subsample 1000 --num-aug 1000 --out data/sudoku-extreme-1k-aug-1000",
  ], async (o, pos, common) => {
    if (pos.length > 0) throw new UsageError(`unexpected argument "${pos[0]}"`);
    const train = str(o, "train");
    if (train === undefined) throw new UsageError("--train <file> is required");
    const opt = <T>(k: string, v: T | undefined): Partial<Record<string, T>> => (v === undefined ? {} : { [k]: v });
    return buildSudokuDataset({
      ...common, train, numAug: num(o, "num-aug") ?? 0, checkUnique: o["check-unique"] === true,
      ...opt("test", str(o, "test")), ...opt("testHoldout", num(o, "holdout")),
      ...opt("subsampleSize", num(o, "subsample")), ...opt("minDifficulty", num(o, "min-difficulty")),
    });
  });
}

async function maze(argv: string[]): Promise<number> {
  return runBuild(argv, MAZE, "hrm data maze (--train <csv> --test <csv> | --generate) --out <dir> [options]", [
    "hrm data maze --train maze-30x30-hard-1k/train.csv --test maze-30x30-hard-1k/test.csv --out data/maze-30x30-hard-1k",
    "hrm data maze --generate --train-count 1000 --test-count 1000 --min-path 110 --out data/maze-gen-hard-1k",
  ], async (o, pos, common) => {
    if (pos.length > 0) throw new UsageError(`unexpected argument "${pos[0]}"`);
    const subsample = num(o, "subsample");
    const base = { ...common, aug: o["aug"] === true, ...(subsample !== undefined ? { subsampleSize: subsample } : {}) };
    if (o["generate"] === true) {
      if (str(o, "train") !== undefined || str(o, "test") !== undefined) throw new UsageError("--generate cannot be combined with --train/--test");
      return buildMazeDataset({ ...base, generate: {
        trainCount: num(o, "train-count")!, testCount: num(o, "test-count")!, size: num(o, "size")!, minPathLength: num(o, "min-path")!,
        uniquePath: o["unique-path"] === true, exactRejection: o["exact-rejection"] === true,
      } });
    }
    const train = str(o, "train"), test = str(o, "test");
    if (train === undefined || test === undefined) throw new UsageError("give --train and --test CSVs, or --generate");
    return buildMazeDataset({ ...base, train, test });
  });
}

async function arc(argv: string[]): Promise<number> {
  return runBuild(argv, ARC, "hrm data arc <task-folder>... --out <dir> [options]", [
    "hrm data arc ../shared/data/arc/arc-agi-1 ../shared/data/arc/conceptarc/corpus --out data/arc-aug-1000   # ARC-1 (official default)",
    "hrm data arc ../shared/data/arc/arc-agi-2 --out data/arc-2-aug-1000",
  ], async (o, pos, common) => {
    if (pos.length === 0) throw new UsageError("give at least one folder of ARC task sub-folders (e.g. ../shared/data/arc/arc-agi-1)");
    return buildArcDataset({ ...common, inputDirs: pos, numAug: num(o, "num-aug")!, retriesFactor: num(o, "retries")! });
  });
}

async function show(argv: string[]): Promise<number> {
  const a = parseArgs(argv, SHOW);
  const usage = "hrm data show <dataset-dir> [example-index] [--split train|test] [--out pic.svg|pic.png]";
  if (a.help) { console.log(formatHelp(usage, SHOW, ["hrm data show data/sudoku-k30-aug-1000 5 --out sudoku.png"])); return 0; }
  const [dir, indexText, ...extra] = a.positionals;
  if (dir === undefined || extra.length > 0) throw new UsageError(`usage: ${usage}`);
  const split = str(a.options, "split");
  if (split !== "train" && split !== "test") throw new UsageError(`--split must be train or test, got "${split}"`);
  const index = indexText === undefined ? 0 : Number(indexText);
  const s = openDatasetSplit(dir, split as SplitName, { preloadBytes: 0 });
  try {
    const set = s.sets[0]!;
    if (!Number.isInteger(index) || index < 0 || index >= set.inputs.rows) {
      throw new UsageError(`example index must be an integer in [0, ${set.inputs.rows}), got "${indexText}"`);
    }
    const meta = s.metadata;
    const kind = detectKind(meta);
    const input = new Int32Array(meta.seq_len), label = new Int32Array(meta.seq_len);
    set.inputs.readRow(index, input, 0);
    set.labels.readRow(index, label, 0);
    let p = 0;
    while (set.puzzleIndices[p + 1]! <= index) p++;
    let g = 0;
    while (set.groupIndices[g + 1]! <= p) g++;
    const id = set.puzzleIdentifiers[p]!;
    const names = readIdentifiers(dir);
    const json = a.options["json"];
    if (!json) console.log(`${kind} ${split} example ${index} of ${set.inputs.rows}: puzzle ${p} (identifier ${id} ${JSON.stringify(names[id] ?? "?")}), group ${g}`);
    const panels = examplePanels(kind, input, label, meta.seq_len);
    if (!json) process.stdout.write(renderPanelsText(panels));
    let picture: string | null = null;
    if (a.options["no-picture"] !== true) {
      picture = str(a.options, "out") ?? `hrm-show-${split}-${index}.svg`;
      const cell = num(a.options, "cell") ?? 16;
      const ext = extname(picture).toLowerCase();
      if (ext !== ".svg" && ext !== ".png") throw new UsageError(`--out must end in .svg or .png, got "${picture}"`);
      await writeFileAtomic(picture, ext === ".png" ? renderPanelsPng(panels, { cell }) : renderPanelsSvg(panels, { cell }));
      if (!json) console.log(`picture: ${picture}`);
    }
    if (json) {
      printJson({ dataset: dir, kind, split, index, examples: set.inputs.rows, puzzle: p, identifier: id, name: names[id] ?? null, group: g,
        input: Array.from(input), label: Array.from(label), picture });
    }
  } finally {
    s.close();
  }
  return 0;
}

async function verify(argv: string[]): Promise<number> {
  const a = parseArgs(argv, VERIFY);
  if (a.help) { console.log(formatHelp("hrm data verify <dataset-dir> [--json]", VERIFY, ["hrm data verify data/arc-aug-1000"])); return 0; }
  if (a.positionals.length !== 1) throw new UsageError(`expected one dataset folder, got ${a.positionals.length} arguments`);
  const r = verifyDataset(a.positionals[0]!);
  if (a.options["json"]) { printJson({ dataset: a.positionals[0], ...r }); return 0; }
  console.log(`ok: ${r.identifiers} puzzle identifiers`);
  for (const [split, st] of Object.entries(r.splits)) console.log(`  ${split}: ${st.groups} groups, ${st.puzzles} puzzles, ${st.examples} examples`);
  return 0;
}

const SUB: Record<string, { summary: string; run: (argv: string[]) => Promise<number> }> = {
  sudoku: { summary: "build a Sudoku dataset (Sudoku-Extreme CSV or puzzle lists)", run: sudoku },
  maze: { summary: "build a Maze dataset (Maze-Hard CSVs or generated)", run: maze },
  arc: { summary: "build an ARC dataset from task folders (ARC-AGI-1/2, ConceptARC)", run: arc },
  show: { summary: "print one example as text and write a picture (SVG or PNG)", run: show },
  verify: { summary: "check a dataset folder (indices, metadata, token ranges)", run: verify },
};

export const command: Command = {
  async run(argv: string[]): Promise<number> {
    const [name, ...rest] = argv;
    const sub = name === undefined ? undefined : SUB[name];
    if (sub === undefined) {
      const lines = ["usage: hrm data <subcommand> [options]", "", "subcommands:"];
      for (const [k, v] of Object.entries(SUB)) lines.push(`  ${k.padEnd(8)} ${v.summary}`);
      if (name !== undefined && name !== "--help" && name !== "-h") throw new UsageError(`unknown subcommand "${name}"\n${lines.join("\n")}`);
      console.log(lines.join("\n"));
      return name === undefined ? 2 : 0;
    }
    return sub.run(rest);
  },
};
