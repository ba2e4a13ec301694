// One ACT segment of the inner model (official HierarchicalReasoningModel_ACTV1_Inner.forward).
//
//   no grad:  for h < H_cycles, l < L_cycles, except the very last (h, l):  z_L ← L(z_L, z_H + x̃)
//             after each H cycle but the last:                              z_H ← H(z_H, z_L)
//   1-step gradient (on the tape):  z_L ← L(z_L, z_H + x̃);  z_H ← H(z_H, z_L)
//   logits = lm_head(z_H)[:, P:];  (q_halt, q_continue) = q_head(z_H[:, 0])
// Shapes: z_H, z_L [B, T, D]; logits [B, S, V]; q logits [B].
import type { Ctx } from "../../engine/context.js";
import { withPrecision } from "../../engine/context.js";
import { Tensor } from "../../engine/tensor.js";
import { add } from "../../ops/elementwise.js";
import { linear } from "../../ops/linear.js";
import { selectColumn } from "../../ops/select.js";
import { sliceTokens } from "../../ops/tokens.js";
import type { Mode } from "../mode.js";
import { inputEmbeddings } from "./embeddings.js";
import type { TrmModel } from "../trm/model.js";
import type { HrmModel } from "./model.js";
import type { PuzzleLocal } from "./puzzle-embedding.js";
import { reasoningModule } from "./reasoning-module.js";

export interface InnerCarry {
  readonly zH: Tensor;
  readonly zL: Tensor;
}

export interface InnerData {
  /** [B, S] token ids. */
  readonly inputs: Int32Array;
  /** [B]. */
  readonly puzzleIdentifiers: Int32Array;
}

export interface InnerOutput {
  /** Detached new carry. */
  readonly carry: InnerCarry;
  readonly logits: Tensor;
  readonly qHalt: Tensor;
  readonly qContinue: Tensor;
  readonly puzzleLocal: PuzzleLocal | null;
}

/** Called with each traced stage in order: "input_embeddings", then every "L_level.out" / "H_level.out". */
export type TraceFn = (stage: string, t: Tensor) => void;

export function innerForward(outer: Ctx, m: HrmModel, carry: InnerCarry, data: InnerData, mode: Mode, trace?: TraceFn): InnerOutput {
  // official forward_dtype: bfloat16 activations (see Precision), float32 otherwise
  const ctx = withPrecision(outer, m.config.forward_dtype === "bfloat16" ? "bf16" : "f32");
  const { H_cycles, L_cycles } = m.config;
  const { x, puzzleLocal } = inputEmbeddings(ctx, m, data.inputs, data.puzzleIdentifiers, mode);
  trace?.("input_embeddings", x);
  let zH = carry.zH, zL = carry.zL;
  ctx.tape.noGrad(() => {
    for (let h = 0; h < H_cycles; h++) {
      for (let l = 0; l < L_cycles; l++) {
        if (h === H_cycles - 1 && l === L_cycles - 1) continue;
        zL = reasoningModule(ctx, m, "L_level", zL, add(ctx, zH, x)); // official: (z_H + x̃) first, then + z_L
        trace?.("L_level.out", zL);
      }
      if (h !== H_cycles - 1) {
        zH = reasoningModule(ctx, m, "H_level", zH, zL);
        trace?.("H_level.out", zH);
      }
    }
  });
  // The 1-step gradient: only these two updates are recorded.
  zL = reasoningModule(ctx, m, "L_level", zL, add(ctx, zH, x));
  trace?.("L_level.out", zL);
  zH = reasoningModule(ctx, m, "H_level", zH, zL);
  trace?.("H_level.out", zH);

  return innerOutputs(ctx, m, zH, zL, puzzleLocal);
}

/**
 * The heads on the final state (shared with TRM): logits = lm_head(z_H)[:, P:], (q_halt, q_continue) =
 * q_head(z_H[:, 0]), and the new carry as detached copies outside the buffer pool (it outlives the step).
 */
export function innerOutputs(ctx: Ctx, m: HrmModel | TrmModel, zH: Tensor, zL: Tensor, puzzleLocal: PuzzleLocal | null): InnerOutput {
  const P = m.dims.puzzleEmbLen, S = m.config.seq_len;
  const logits = linear(ctx, sliceTokens(ctx, zH, P, S), m.p("lm_head.weight"));
  const q = linear(ctx, sliceTokens(ctx, zH, 0, 1), m.p("q_head.weight"), m.p("q_head.bias")); // [B, 1, 2]
  return {
    carry: { zH: new Tensor(zH.data.slice(), zH.shape), zL: new Tensor(zL.data.slice(), zL.shape) },
    logits,
    qHalt: selectColumn(ctx, q, 0),
    qContinue: selectColumn(ctx, q, 1),
    puzzleLocal,
  };
}
