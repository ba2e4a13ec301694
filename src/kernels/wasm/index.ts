// The WASM backend in Node: reads wasm/build/hrm-kernels{,-relaxed}.wasm (built at `npm ci` by
// scripts/build-wasm.mjs from wasm/assembly/) and compiles it synchronously, so selectKernels stays
// synchronous. The browser-safe part (instantiation, copies, checks) is ./core.ts; a web page imports that
// and passes the bytes it fetched.
//
// Variant: "relaxed" (fused multiply-add in matmul) when this engine validates the relaxed-SIMD build:
// Node 20 does only with --experimental-wasm-relaxed-simd, Chromium by default; else "simd".
// loadWasmKernels returns null when the build is missing or does not compile, and wasmLoadError() says why.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, KernelError } from "../../engine/errors.js";
import { packageRoot } from "../../util/package-root.js";
import { createWasmKernels, pickWasmVariant } from "./core.js";
import type { WasmKernels, WasmVariant } from "./core.js";

export type { WasmKernels, WasmVariant } from "./core.js";
export { createWasmKernels, instantiateWasmKernels, pickWasmVariant } from "./core.js";

export const wasmVariantChoices = ["auto", "simd", "relaxed"] as const;
export type WasmVariantChoice = (typeof wasmVariantChoices)[number];

export interface WasmOptions {
  /** "auto" (default): relaxed when the engine accepts it, else simd. */
  readonly variant?: WasmVariantChoice;
  /** Folder holding the .wasm files instead of wasm/build (tests). */
  readonly wasmDir?: string;
}

/** The build's file names. */
export const wasmFiles: Readonly<Record<WasmVariant, string>> = { simd: "hrm-kernels.wasm", relaxed: "hrm-kernels-relaxed.wasm" };

/** wasm/build under the package root (the nearest folder above this file holding package.json). */
export function wasmBuildDir(): string {
  return join(packageRoot(), "wasm", "build");
}

let lastError: string | null = null;
const modules = new Map<string, WebAssembly.Module>(); // compiled once per file and process

/** Why the last loadWasmKernels returned null (null after a successful load). */
export function wasmLoadError(): string | null {
  return lastError;
}

function compile(path: string): WebAssembly.Module {
  let m = modules.get(path);
  if (m === undefined) {
    m = new WebAssembly.Module(readFileSync(path));
    modules.set(path, m);
  }
  return m;
}

/**
 * A fresh WASM backend (its own linear memory), or null with wasmLoadError() set when the build is missing
 * or this engine cannot run it. An explicit variant "relaxed" the engine refuses is an Error, not null.
 */
export function loadWasmKernels(opts: WasmOptions = {}): WasmKernels | null {
  const dir = opts.wasmDir ?? wasmBuildDir();
  const choice = opts.variant ?? "auto";
  if (!(wasmVariantChoices as readonly string[]).includes(choice)) {
    throw new ConfigError(`loadWasmKernels: unknown variant "${choice}"; valid: ${wasmVariantChoices.join(", ")}`);
  }
  const simdPath = join(dir, wasmFiles.simd), relaxedPath = join(dir, wasmFiles.relaxed);
  let variant: WasmVariant = "simd";
  if (choice !== "simd" && existsSync(relaxedPath)) {
    const ok = pickWasmVariant(readFileSync(relaxedPath)) === "relaxed";
    if (ok) variant = "relaxed";
    else if (choice === "relaxed") {
      throw new KernelError("hrm: this engine does not accept relaxed SIMD (Node 20: run node --experimental-wasm-relaxed-simd)", "load");
    }
  } else if (choice === "relaxed") {
    throw new KernelError(`hrm: wasm kernels not built: ${relaxedPath} is missing (npm run build:wasm)`, "load");
  }
  const path = variant === "relaxed" ? relaxedPath : simdPath;
  if (!existsSync(path)) {
    lastError = `wasm kernels not built: ${path} is missing (npm run build:wasm)`;
    return null;
  }
  try {
    const k = createWasmKernels(compile(path), variant);
    lastError = null;
    return k;
  } catch (e) {
    lastError = `wasm kernels failed to load: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`;
    return null;
  }
}
