// Choosing a kernel backend by name: the one place that decides between native, wasm and reference, for
// the CLI, tests and benchmarks (the model only ever receives a Kernels object). "auto": native, else wasm,
// else reference.
import { ConfigError } from "../engine/errors.js";
import type { Kernels } from "../engine/kernels.js";
import { loadNativeKernels, nativeInfo, nativeLoadError } from "./native/index.js";
import { referenceKernels } from "./reference/index.js";
import { loadWasmKernels, wasmLoadError } from "./wasm/index.js";

export const backendChoices = ["auto", "reference", "native", "wasm"] as const;
export type BackendChoice = (typeof backendChoices)[number];

export interface SelectOptions {
  /** Threads for the native backend (default: the number of cores; the CLI reads HRM_NUM_THREADS). */
  readonly threads?: number;
  /** Addon file to load instead of the built one (tests). */
  readonly addonPath?: string;
  /** Folder of the WASM build instead of wasm/build (tests). */
  readonly wasmDir?: string;
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
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`${source} must be a positive integer, got "${value}"`);
  return n;
}

/**
 * The kernels for a backend name. "auto": native if it loads, else wasm (single-threaded SIMD), else the
 * reference, with one line (once per process) saying why and how to get the fast path. "native" / "wasm":
 * that backend or a ConfigError with the reason.
 */
export function selectKernels(name: BackendChoice, opts: SelectOptions = {}): Kernels {
  const log = opts.log ?? ((msg: string) => console.error(msg));
  switch (name) {
    case "reference":
      return referenceKernels;
    case "wasm": {
      const wasm = loadWasmKernels(opts.wasmDir !== undefined ? { wasmDir: opts.wasmDir } : {});
      if (wasm === null) throw new ConfigError(`hrm: wasm kernels unavailable (${wasmLoadError() ?? "unknown reason"})`);
      return wasm;
    }
    case "native":
    case "auto": {
      const threads = opts.threads;
      const native = loadNativeKernels({
        ...(threads !== undefined ? { threads } : {}),
        ...(opts.addonPath !== undefined ? { addonPath: opts.addonPath } : {}),
        log,
      });
      if (native !== null) return native;
      const reason = nativeLoadError() ?? "unknown reason";
      if (name === "native") throw new ConfigError(`hrm: native kernels unavailable (${reason}). ${nativeHint}`);
      const wasm = loadWasmKernels(opts.wasmDir !== undefined ? { wasmDir: opts.wasmDir } : {});
      if (!fallbackSaid) {
        fallbackSaid = true;
        log(wasm !== null
          ? `hrm: native kernels unavailable (${reason}); using wasm kernels (${wasm.variant}, 1 thread). ${nativeHint}`
          : `hrm: native kernels unavailable (${reason}) and wasm kernels unavailable (${wasmLoadError() ?? "unknown reason"}); ` +
            `using reference kernels. ${nativeHint}`);
      }
      return wasm ?? referenceKernels;
    }
    default: {
      const never: never = name;
      throw new ConfigError(`selectKernels: unknown backend "${String(never)}"; valid: ${backendChoices.join(", ")}`);
    }
  }
}

/**
 * Whether `kernels` multiply bfloat16 natively (the native backend with oneDNN's bf16 path: AVX-512 BF16 or
 * AMX), where a bf16 forward is faster than f32; elsewhere bf16 products are emulated on f32 units.
 */
export function nativeBf16(kernels: Kernels): boolean {
  return kernels.name === "native" && nativeInfo()?.bf16 === "onednn-bf16";
}
