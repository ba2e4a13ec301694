// A reasoning module (H or L): its stack of blocks preceded by additive input injection,
//   Module(z, injection) = Blocks(z + injection).
import type { Ctx } from "../../engine/context.js";
import { scoped } from "../../engine/context.js";
import type { Tensor } from "../../engine/tensor.js";
import { add } from "../../ops/elementwise.js";
import { forwardDone } from "../../ops/grad.js";
import { blockForward } from "./block.js";
import type { HrmModel } from "./model.js";

export type Level = "H_level" | "L_level";

export function reasoningModule(ctx: Ctx, m: HrmModel, level: Level, z: Tensor, injection: Tensor): Tensor {
  const layers = level === "H_level" ? m.config.H_layers : m.config.L_layers;
  // In no-grad passes each block's intermediates go back to the pool as soon as the block returns.
  return scoped(ctx, () => {
    let h = add(ctx, z, injection);
    for (let i = 0; i < layers; i++) {
      const input = h;
      h = scoped(ctx, () => blockForward(ctx, m, `${level}.layers.${i}`, input));
      forwardDone(ctx, input); // its last forward reader was the block's first residual add
    }
    return h;
  });
}
