// The two model families behind one type: HRM (two modules, one-step gradient) and TRM (one network, full
// backprop through the last cycle). Everything above the model (ACT, losses, trainer, eval, solve, io)
// takes a ReasoningModel; only the inner forward and the parameter layout differ by family.
import { ConfigError } from "../engine/errors.js";
import { describeValue } from "../util/message-text.js";
import type { Rng } from "../engine/rng.js";
import type { HrmConfig } from "./hrm/config.js";
import { parseHrmConfig } from "./hrm/config.js";
import type { Mode } from "./mode.js";
import type { InnerCarry, InnerData, InnerOutput, TraceFn } from "./hrm/inner.js";
import { innerForward } from "./hrm/inner.js";
import { HrmModel } from "./hrm/model.js";
import type { TrmConfig } from "./trm/config.js";
import { isTrmConfig, parseTrmConfig } from "./trm/config.js";
import { trmInnerForward } from "./trm/inner.js";
import { TrmModel } from "./trm/model.js";
import type { Ctx } from "../engine/context.js";

export type ReasoningModel = HrmModel | TrmModel;
export type ModelConfig = HrmConfig | TrmConfig;
export type ModelFamily = ReasoningModel["family"];
export const modelFamilies: readonly ModelFamily[] = ["hrm", "trm"];

export function familyOf(config: ModelConfig): ModelFamily {
  return isTrmConfig(config) ? "trm" : "hrm";
}

/** An uninitialised model (zeros) of the config's family, to load weights into. */
export function newModel(config: ModelConfig): ReasoningModel {
  return isTrmConfig(config) ? new TrmModel(config) : new HrmModel(config);
}

/** A model initialised as the official constructor does (values differ: the RNG is ours). */
export function createModel(config: ModelConfig, rng: Rng): ReasoningModel {
  const m = newModel(config);
  m.params.initialize(rng, config.forward_dtype);
  return m;
}

export function parseFamily(value: unknown, source: string): ModelFamily {
  if (value === undefined) return "hrm";
  if (value === "hrm" || value === "trm") return value;
  throw new ConfigError(`${source}: model family must be "hrm" or "trm", got ${describeValue(value)}`);
}

/** Parse a model config of the given family (HRM when the family is not stated: the format before TRM). */
export function parseModelConfig(json: unknown, family: ModelFamily, source = "config"): ModelConfig {
  return family === "trm" ? parseTrmConfig(json, source) : parseHrmConfig(json, source);
}

/** One inner segment (HRM) or ACT step (TRM) of the model's family. */
export function modelInnerForward(ctx: Ctx, m: ReasoningModel, carry: InnerCarry, data: InnerData, mode: Mode, trace?: TraceFn): InnerOutput {
  return m.family === "trm" ? trmInnerForward(ctx, m, carry, data, mode, trace) : innerForward(ctx, m, carry, data, mode, trace);
}
