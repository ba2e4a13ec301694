// The sparse puzzle embedding (official CastedSparseEmbedding). The table `puzzle_emb.weights` [N_ids, ndim]
// is a buffer trained by sign-SGD, not by Adam. In training, the rows of the batch are copied into a local
// tensor [B, ndim] that takes the gradient (local_weights / local_ids); in eval the table is read directly.
import type { Ctx } from "../../engine/context.js";
import { Tensor } from "../../engine/tensor.js";
import { embedding } from "../../ops/embedding.js";
import type { Mode } from "../mode.js";

export interface PuzzleLocal {
  /** local_weights [B, ndim]: a copy of weights[ids] that collects the gradient. */
  readonly weights: Tensor;
  /** local_ids [B]. */
  readonly ids: Int32Array;
}

export function puzzleEmbeddingForward(
  ctx: Ctx, table: Tensor, ids: Int32Array, mode: Mode,
): { out: Tensor; local: PuzzleLocal | null } {
  const rows = ctx.tape.noGrad(() => embedding(ctx, table, ids, [ids.length]));
  if (mode === "eval") return { out: rows, local: null };
  const weights = new Tensor(rows.data, rows.shape, { requiresGrad: true, name: "puzzle_emb.local_weights" });
  return { out: weights, local: { weights, ids: ids.slice() } };
}
