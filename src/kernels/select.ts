// Choosing a kernel backend by name: the one place that decides between native and reference, for the
// CLI, tests and benchmarks (the model only ever receives a Kernels object).
import type { Kernels } from "./kernels.js";
import { loadNativeKernels, nativeLoadError } from "./native/index.js";
import { referenceKernels } from "./reference/index.js";

export const backendChoices = ["auto", "reference", "native"] as const;
export type BackendChoice = (typeof backendChoices)[number];

export interface SelectOptions {
  /**
   * Threads for the native backend. Default: the HRM_NUM_THREADS environment variable if set (read here,
   * the loader layer, and nowhere else), else the number of cores.
   */
  readonly threads?: number;
  /** Addon file to load instead of the built one (tests). */
  readonly addonPath?: string;
  /** Where the fallback line goes; default stderr. */
  readonly log?: (msg: string) => void;
}

/** The hint printed when "auto" cannot use the native backend. */
export const nativeHint = "For the fast path: apt install libdnnl-dev && npm rebuild";

let fallbackSaid = false; // the fallback line is printed once per process

/** Parse a thread count such as HRM_NUM_THREADS: undefined/empty -> undefined, else a positive integer. */
export function parseThreadCount(value: string | undefined, source = "HRM_NUM_THREADS"): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${source} must be a positive integer, got "${value}"`);
  return n;
}

/**
 * The kernels for a backend name. "auto": native if it loads, else the reference with one line (once per
 * process) saying why and how to get the fast path. "native": the native backend or an Error with the reason.
 */
export function selectKernels(name: BackendChoice, opts: SelectOptions = {}): Kernels {
  const log = opts.log ?? ((msg: string) => console.error(msg));
  switch (name) {
    case "reference":
      return referenceKernels;
    case "native":
    case "auto": {
      const threads = opts.threads ?? parseThreadCount(process.env["HRM_NUM_THREADS"]);
      const native = loadNativeKernels({
        ...(threads !== undefined ? { threads } : {}),
        ...(opts.addonPath !== undefined ? { addonPath: opts.addonPath } : {}),
        log,
      });
      if (native !== null) return native;
      const reason = nativeLoadError() ?? "unknown reason";
      if (name === "native") throw new Error(`hrm: native kernels unavailable (${reason}). ${nativeHint}`);
      if (!fallbackSaid) {
        fallbackSaid = true;
        log(`hrm: native kernels unavailable (${reason}); using reference kernels. ${nativeHint}`);
      }
      return referenceKernels;
    }
    default: {
      const never: never = name;
      throw new RangeError(`selectKernels: unknown backend "${String(never)}"; valid: ${backendChoices.join(", ")}`);
    }
  }
}
