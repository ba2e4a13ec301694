// The --weights option shared by commands that load a checkpoint: the EMA copy or the live weights.
import { UsageError } from "../engine/errors.js";
import type { WeightChoice } from "../io/checkpoint-model-node.js";
import type { OptionSpec } from "./args.js";

export const weightsOptionSpec = {
  kind: "string",
  help: "auto | ema | live: the EMA weights of a run that kept them (ema.safetensors; auto picks them when present, as the official TRM evaluates) or the live ones",
  default: "auto",
} satisfies OptionSpec;

export function weightsFromOption(value: unknown): WeightChoice {
  if (value === "auto" || value === "ema" || value === "live") return value;
  throw new UsageError(`--weights must be one of: auto, ema, live; got ${JSON.stringify(value)}`);
}
