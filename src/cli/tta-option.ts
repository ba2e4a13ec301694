// The --tta option shared by `hrm eval` and `hrm solve`: K verified views per puzzle (src/eval/tta.ts), checked
// here as usage errors (exit 2) before any model runs, rather than as the library's ShapeErrors after it.
import { UsageError } from "../engine/errors.js";
import { MAZE_VIEW_ORDER, mazeTta } from "../eval/maze-tta.js";
import { sudokuTta } from "../eval/sudoku-tta.js";
import type { TtaTask } from "../eval/tta.js";
import type { ReasoningModel } from "../model/model.js";

/** The TTA task of a model's dataset: Sudoku (seq_len 81, vocab 11) or a maze (square seq_len, vocab 6). */
export function ttaTaskOf(model: ReasoningModel): TtaTask<unknown> {
  for (const task of [sudokuTta, mazeTta] as TtaTask<unknown>[]) if (task.modelProblem(model) === null) return task;
  throw new UsageError(`--tta is for Sudoku (seq_len 81, vocab 11) and maze (square seq_len, vocab 6) datasets; this one has seq_len ${model.config.seq_len}, vocab_size ${model.config.vocab_size}`);
}

/** --tta's view count K: a positive integer and, for mazes, at most their 8 dihedral symmetries (mazeTta.views' limit). */
export function ttaViewsFromOption(views: number, maze: boolean): number {
  if (!(Number.isInteger(views) && views >= 1)) throw new UsageError(`--tta must be a positive integer, got ${views}`);
  if (maze && views > MAZE_VIEW_ORDER.length) throw new UsageError(`--tta for mazes takes at most ${MAZE_VIEW_ORDER.length} views (the dihedral symmetries), got ${views}`);
  return views;
}
