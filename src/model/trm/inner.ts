// One ACT step of the TRM inner model (official TinyRecursiveReasoningModel_ACTV1_Inner.forward). One
// network `L_level` does both updates; y = z_H (answer state), z = z_L (latent state), x̃ the input embedding:
//
//   no grad:  H_cycles − 1 times:  L_cycles × (z ← net(z + (y + x̃)));  y ← net(y + z)
//   recorded (full backprop through the whole last cycle):
//             L_cycles × (z ← net(z + (y + x̃)));  y ← net(y + z)
//   logits = lm_head(y)[:, P:];  (q_halt, q_continue) = q_head(y[:, 0])
// Shapes: z_H, z_L [B, T, D]; logits [B, S, V]; q logits [B].
import type { Ctx } from "../../engine/context.js";
import { scoped, withPrecision } from "../../engine/context.js";
import type { Tensor } from "../../engine/tensor.js";
import { add } from "../../ops/elementwise.js";
import { forwardDone } from "../../ops/grad.js";
import type { Mode } from "../mode.js";
import { inputEmbeddings } from "../hrm/embeddings.js";
import { innerOutputs } from "../hrm/inner.js";
import type { InnerCarry, InnerData, InnerOutput, TraceFn } from "../hrm/inner.js";
import { trmBlockForward } from "./block.js";
import type { TrmModel } from "./model.js";
import { blockPrefix } from "../param-names.js";

/**
 * The network: net(z, injection) = Blocks(z + injection). `layerTrace` receives each block's intermediates
 * as `layer{i}/{stage}` (the checker traces the first pass).
 */
function net(ctx: Ctx, m: TrmModel, z: Tensor, injection: Tensor, layerTrace?: TraceFn): Tensor {
  return scoped(ctx, () => {
    let h = add(ctx, z, injection);
    for (let i = 0; i < m.config.L_layers; i++) {
      const input = h;
      const trace = layerTrace ? (stage: string, t: Tensor): void => layerTrace(`layer${i}/${stage}`, t) : undefined;
      h = scoped(ctx, () => trmBlockForward(ctx, m, blockPrefix("L_level", i), input, trace));
      forwardDone(ctx, input);
    }
    return h;
  });
}

/**
 * Trace stages in order: "input_embeddings", then "z_L" / "z_H" after every network pass, and for the first
 * pass "pass1/layer{i}/{attn_out | mlp_t_out, mlp_in, mlp_out, out}" (called while the tensor is alive: copy it).
 */
export function trmInnerForward(outer: Ctx, m: TrmModel, carry: InnerCarry, data: InnerData, mode: Mode, trace?: TraceFn): InnerOutput {
  const ctx = withPrecision(outer, m.config.forward_dtype === "bfloat16" ? "bf16" : "f32");
  const { H_cycles, L_cycles } = m.config;
  const { x, puzzleLocal } = inputEmbeddings(ctx, m, data.inputs, data.puzzleIdentifiers, mode);
  trace?.("input_embeddings", x);
  let zH = carry.zH, zL = carry.zL;
  let pass = 0;
  const cycle = (): void => {
    for (let l = 0; l < L_cycles; l++) {
      const layerTrace = trace && ++pass === 1 ? (stage: string, t: Tensor): void => trace(`pass1/${stage}`, t) : undefined;
      zL = net(ctx, m, zL, add(ctx, zH, x), layerTrace); // official: z_L + (z_H + x̃)
      trace?.("z_L", zL);
    }
    pass++;
    zH = net(ctx, m, zH, zL);
    trace?.("z_H", zH);
  };
  ctx.tape.noGrad(() => { for (let h = 0; h < H_cycles - 1; h++) cycle(); });
  cycle(); // recorded: gradients flow through every pass of the last cycle

  return innerOutputs(ctx, m, zH, zL, puzzleLocal);
}
