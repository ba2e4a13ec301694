// The --kernels option shared by commands: which kernel backend runs the model.
import { UsageError } from "../engine/errors.js";
import type { Kernels } from "../kernels/kernels.js";
import { referenceKernels } from "../kernels/reference/index.js";
import type { OptionSpec } from "./args.js";

export const kernelOptionSpec: OptionSpec = { kind: "string", help: "kernel backend: reference", default: "reference" };

export function kernelsFromOption(value: unknown): Kernels {
  if (value === "reference") return referenceKernels;
  throw new UsageError(`--kernels must be one of: reference; got ${JSON.stringify(value)}`);
}
