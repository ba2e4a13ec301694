// Test-time augmentation with verification for mazes (the loop is ./tta.ts): each maze is solved in K ≤ 8
// dihedral views (view 0 the maze itself; the training augmentation's symmetries), each prediction is mapped
// back, and the answer is the first view's that marks one shortest S→G path with the walls, S and G
// unchanged (data/maze/path.ts's checker, the one the data reader applies to labels), else a per-cell vote of
// the views weighted by σ(q_halt). Tokens: wall 1, open 2, S 3, G 4, path 5 (data/maze/maze.ts).
import type { Ctx } from "../engine/context.js";
import { ShapeError } from "../engine/errors.js";
import type { DihedralId } from "../data/dihedral.js";
import { dihedralTransform, inverseDihedralTransform } from "../data/dihedral.js";
import type { Grid } from "../data/grid.js";
import { GOAL, OPEN, PATH, START, WALL } from "../data/maze/maze.js";
import { shortestPathProblem } from "../data/maze/path.js";
import type { ReasoningModel } from "../model/model.js";
import type { TtaOptions, TtaResult, TtaTask } from "./tta.js";
import { solveWithTta } from "./tta.js";

/** The order views are taken in: identity, then the symmetries that move the most cells first. */
export const MAZE_VIEW_ORDER: readonly DihedralId[] = [0, 2, 6, 7, 1, 3, 4, 5];

function side(n: number): number {
  const s = Math.round(Math.sqrt(n));
  return s * s === n ? s : -1;
}

function grid(tokens: ArrayLike<number>, at: number, n: number): Grid {
  const s = side(n);
  return { h: s, w: s, data: Uint8Array.from({ length: n }, (_, k) => tokens[at + k]!) };
}

/** Mazes for ./tta.ts. */
export const mazeTta: TtaTask<DihedralId> = {
  name: "maze TTA",
  modelProblem: (m) =>
    side(m.config.seq_len) < 0 || m.config.vocab_size !== 6
      ? `needs a maze model (a square seq_len, vocab 6); this one has seq_len ${m.config.seq_len}, vocab_size ${m.config.vocab_size}`
      : null,
  views: (K) => {
    if (K > MAZE_VIEW_ORDER.length) throw new ShapeError(`maze TTA has ${MAZE_VIEW_ORDER.length} dihedral views, asked for ${K}`);
    return MAZE_VIEW_ORDER.slice(0, K);
  },
  toView: (puzzle, t, out, at) => out.set(dihedralTransform(grid(puzzle, 0, puzzle.length), t).data, at),
  fromView: (pred, at, t, out) => out.set(inverseDihedralTransform(grid(pred, at, out.length), t).data),
  accepts: (answer, puzzle) => shortestPathProblem(grid(puzzle, 0, puzzle.length), grid(answer, 0, answer.length)) === null,
  answerTokens: [WALL, OPEN, START, GOAL, PATH],
};

/** Solve N mazes ([N, side²] tokens) with K ≤ 8 verified dihedral views each. */
export function solveMazeTta(ctx: Ctx, model: ReasoningModel, mazes: Int32Array, opts: TtaOptions): TtaResult {
  return solveWithTta(ctx, model, mazeTta, mazes, opts);
}
