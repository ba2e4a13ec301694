// What a task tab gives the runner, and which checkpoints fit which task.
import type { HrmConfig } from "hrm";
import type { GridStyle } from "./grid-view.js";

export type TaskKind = "sudoku" | "maze" | "arc";

/** Token layout each task needs (as `hrm solve` requires): seq_len and vocab_size of the model. */
export const taskShapes: Readonly<Record<TaskKind, { readonly seqLen: number; readonly vocab: number; readonly what: string }>> = {
  sudoku: { seqLen: 81, vocab: 11, what: "a 9x9 Sudoku" },
  maze: { seqLen: 900, vocab: 6, what: "a 30x30 maze" },
  arc: { seqLen: 900, vocab: 12, what: "an ARC task (30x30 canvas)" },
};

/** Why a checkpoint cannot run a task, or null when it fits. */
export function fitProblem(kind: TaskKind, config: Pick<HrmConfig, "seq_len" | "vocab_size">): string | null {
  const need = taskShapes[kind];
  if (config.seq_len === need.seqLen && config.vocab_size === need.vocab) return null;
  const has = (Object.keys(taskShapes) as TaskKind[]).find((k) => taskShapes[k].seqLen === config.seq_len && taskShapes[k].vocab === config.vocab_size);
  return `The loaded checkpoint does not fit ${need.what}: it needs seq_len ${need.seqLen} and vocab_size ${need.vocab}, ` +
    `the checkpoint has seq_len ${config.seq_len} and vocab_size ${config.vocab_size}${has !== undefined ? ` (${taskShapes[has].what} checkpoint)` : ""}. ` +
    `Load a matching checkpoint (config.json + model.safetensors) above.`;
}

/** One puzzle, ready for the worker, and how to show and judge the model's grids. */
export interface Prepared {
  readonly inputs: Int32Array;
  readonly labels?: Int32Array;
  readonly puzzleIdentifier: number;
  readonly style: GridStyle;
  /** A sentence on the final grid (a valid solution? a shortest path? the expected output?). */
  verdict(final: Int32Array): string;
  /** Anything the user should know about this run (e.g. the blank puzzle identifier for ARC). */
  readonly note?: string;
}

export interface TaskPanel {
  readonly kind: TaskKind;
  readonly root: HTMLElement;
  /** The current puzzle; throws an Error whose message is shown to the user when the input is invalid. */
  prepare(): Prepared;
}
