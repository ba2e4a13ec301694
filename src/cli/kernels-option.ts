// The --kernels option shared by commands: which kernel backend runs the model.
import { UsageError } from "../engine/errors.js";
import type { Kernels } from "../engine/kernels.js";
import type { BackendChoice } from "../kernels/select.js";
import { backendChoices, parseThreadCount, selectKernels } from "../kernels/select.js";
import type { OptionSpec } from "./args.js";

export const kernelOptionSpec = {
  kind: "string",
  help: `kernel backend: ${backendChoices.join(" | ")} (auto = native when built, else the next available)`,
  default: "auto",
} satisfies OptionSpec;

/** The backend named by --kernels, or a UsageError listing the valid names. */
export function backendFromOption(value: unknown): BackendChoice {
  if (typeof value !== "string" || !(backendChoices as readonly string[]).includes(value)) {
    throw new UsageError(`--kernels must be one of: ${backendChoices.join(", ")}; got ${JSON.stringify(value)}`);
  }
  return value as BackendChoice;
}

export function kernelsFromOption(value: unknown): Kernels {
  return cliKernels(backendFromOption(value));
}

/**
 * The kernels a command runs on: `choice`, with the native backend's thread count from the HRM_NUM_THREADS
 * environment variable when set (read here, in the CLI, and nowhere in the library).
 */
export function cliKernels(choice: BackendChoice, log?: (msg: string) => void): Kernels {
  const threads = parseThreadCount(process.env["HRM_NUM_THREADS"]);
  return selectKernels(choice, { ...(threads !== undefined ? { threads } : {}), ...(log !== undefined ? { log } : {}) });
}
