// Test helper: a very small generated Sudoku dataset and a training config that runs a step in a few
// milliseconds, for tests of the trainer's run-folder behaviour (not of learning).
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSudokuDataset } from "../../src/data/sudoku/build.js";
import { presetConfig } from "../../src/train/presets.js";

export const CLI = "dist/src/cli/main.js";

export interface Spawned {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function hrm(args: string[], env: NodeJS.ProcessEnv = process.env): Spawned {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env });
}

/** A temp folder with a tiny dataset under `data/`. */
export async function tinyWorkspace(prefix: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  await buildSudokuDataset({ train: "../shared/data/sudoku/gen-k30/train.csv", test: "../shared/data/sudoku/gen-k30/test.csv", subsampleSize: 20, numAug: 1, outDir: join(dir, "data"), seed: 1 });
  return dir;
}

/** A tiny-model config over `<dir>/data`, writing to `runDir`, with `extra` merged on top. */
export function tinyConfig(dir: string, runDir: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const base = presetConfig("tiny")!;
  return {
    ...base, data_path: join(dir, "data"), run_dir: runDir, kernels: "reference", global_batch_size: 2, max_steps: 4,
    checkpoint_every_steps: 2, keep_checkpoints: 10, eval_max_examples: 2, eval_every_steps: 0,
    arch: { ...(base["arch"] as Record<string, unknown>), hidden_size: 8, num_heads: 1, puzzle_emb_ndim: 8, L_cycles: 1 },
    ...extra,
  };
}

/** Write a config file `<dir>/<name>.json` and return its path. */
export function writeConfig(dir: string, name: string, cfg: Record<string, unknown>): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(cfg));
  return path;
}

/**
 * A finished 4-step tiny run (checkpoints at 2 and 4, evaluation at 4) made once in a fresh workspace, and
 * `copyRun(name, extra)`: a copy of it under `name` with a config file for it (`extra` merged in).
 */
export interface FinishedRun {
  readonly dir: string;
  readonly done: string;
  copyRun(name: string, extra?: Record<string, unknown>): { run: string; cfg: string };
}

export async function finishedTinyRun(prefix: string): Promise<FinishedRun> {
  const dir = await tinyWorkspace(prefix);
  const done = join(dir, "done");
  const r = hrm(["train", "--config", writeConfig(dir, "done", tinyConfig(dir, done)), "--no-progress"]);
  if (r.status !== 0) throw new Error(`the tiny run failed: ${r.stderr}`);
  return {
    dir, done,
    copyRun(name, extra = {}) {
      const run = join(dir, name);
      cpSync(done, run, { recursive: true });
      return { run, cfg: writeConfig(dir, name, tinyConfig(dir, run, extra)) };
    },
  };
}
