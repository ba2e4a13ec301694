// The --kernels option shared by commands: which kernel backend runs the model.
import { UsageError } from "../engine/errors.js";
import type { Kernels } from "../kernels/kernels.js";
import type { BackendChoice } from "../kernels/select.js";
import { backendChoices, selectKernels } from "../kernels/select.js";
import type { OptionSpec } from "./args.js";

export const kernelOptionSpec: OptionSpec = {
  kind: "string",
  help: `kernel backend: ${backendChoices.join(" | ")} (auto = native when built, else the next available)`,
  default: "auto",
};

export function kernelsFromOption(value: unknown): Kernels {
  if (typeof value !== "string" || !(backendChoices as readonly string[]).includes(value)) {
    throw new UsageError(`--kernels must be one of: ${backendChoices.join(", ")}; got ${JSON.stringify(value)}`);
  }
  return selectKernels(value as BackendChoice);
}
