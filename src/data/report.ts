// What a dataset builder returns and how it reports progress.
import type { SplitName } from "./format.js";
import type { SplitStats } from "./split-writer.js";

export type DatasetKind = "sudoku" | "maze" | "arc";

export interface BuildReport {
  readonly kind: DatasetKind;
  readonly outDir: string;
  readonly seed: number;
  readonly splits: Readonly<Record<SplitName, SplitStats>>;
  readonly numPuzzleIdentifiers: number;
  /** Named counts (read, rejected, solved, ...), builder-specific. */
  readonly counts: Readonly<Record<string, number>>;
  /** Non-fatal notes (e.g. tasks with fewer augmentations than asked). */
  readonly notes: readonly string[];
  readonly seconds: number;
}

/** Progress of one phase ("read", "solve", "write train", ...). */
export interface BuildProgress {
  readonly phase: string;
  readonly done: number;
  readonly total: number;
}

export type ProgressCallback = (p: BuildProgress) => void;

/** Options every builder takes. */
export interface CommonBuildOptions {
  readonly outDir: string;
  readonly seed?: number;
  /** Replace an existing output folder (default false). */
  readonly overwrite?: boolean;
  readonly onProgress?: ProgressCallback;
  /** Remove the temp folder on SIGINT/SIGTERM (CLI use). */
  readonly cleanupOnSignal?: boolean;
  /** Told the stale temp folders of dead processes removed next to `outDir` before building. */
  readonly onStaleRemoved?: (paths: readonly string[]) => void;
}
