// Input embedding of one ACT segment: token table + puzzle-embedding prefix, (learned positions), scale.
//   x̃ = sqrt(D) · [pad(puzzle_emb[id]) ; embed_tokens[inputs]]            (RoPE)
//   x̃ = sqrt(D) · 0.707106781 · ([...] + embed_pos)                       (learned positions)
// Shapes: inputs [B, S] int32, puzzle ids [B], output [B, T = P + S, D].
import type { Mode } from "../mode.js";
import type { Ctx } from "../../engine/context.js";
import type { Tensor } from "../../engine/tensor.js";
import { addBroadcast, castToCompute, scale, view } from "../../ops/elementwise.js";
import { embedding } from "../../ops/embedding.js";
import { concatTokens, padLast } from "../../ops/tokens.js";
import type { TrmModel } from "../trm/model.js";
import type { HrmModel } from "./model.js";
import { puzzleEmbeddingForward } from "./puzzle-embedding.js";
import type { PuzzleLocal } from "./puzzle-embedding.js";


export function inputEmbeddings(
  ctx: Ctx, m: HrmModel | TrmModel, inputs: Int32Array, puzzleIdentifiers: Int32Array, mode: Mode,
): { x: Tensor; puzzleLocal: PuzzleLocal | null } {
  const B = puzzleIdentifiers.length, S = m.config.seq_len, D = m.config.hidden_size, P = m.dims.puzzleEmbLen;
  let x = embedding(ctx, m.p("embed_tokens.embedding_weight"), inputs, [B, S]);
  let puzzleLocal: PuzzleLocal | null = null;
  if (m.config.puzzle_emb_ndim > 0) {
    const pe = puzzleEmbeddingForward(ctx, m.p("puzzle_emb.weights"), puzzleIdentifiers, mode);
    puzzleLocal = pe.local;
    const prefix = view(ctx, padLast(ctx, pe.out, P * D), [B, P, D]);
    x = concatTokens(ctx, prefix, x);
  }
  if (m.config.pos_encodings === "learned") {
    x = scale(ctx, addBroadcast(ctx, x, castToCompute(ctx, m.p("embed_pos.embedding_weight"))), 0.707106781);
  }
  return { x: scale(ctx, x, m.dims.embedScale), puzzleLocal };
}

