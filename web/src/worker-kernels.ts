// Kernel choice inside the worker: the WASM backend (instantiated once from the .wasm files Vite ships
// beside the page) or the reference kernels. A WASM failure is reported with the result, never silent.
import { instantiateWasmKernels, referenceKernels } from "hrm";
import type { Kernels, WasmKernels } from "hrm";
import relaxedUrl from "../../wasm/build/hrm-kernels-relaxed.wasm?url";
import simdUrl from "../../wasm/build/hrm-kernels.wasm?url";
import type { KernelChoice } from "./protocol.js";

export interface ChosenKernels {
  readonly kernels: Kernels;
  /** "reference", "wasm (relaxed)", "wasm (simd)". */
  readonly label: string;
  /** Why wasm was not used, when it was asked for. */
  readonly note?: string;
}

let wasm: Promise<WasmKernels> | null = null;

async function fetchBytes(url: string): Promise<ArrayBuffer> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.arrayBuffer();
}

async function loadWasm(): Promise<WasmKernels> {
  const [simd, relaxed] = await Promise.all([fetchBytes(simdUrl), fetchBytes(relaxedUrl)]);
  return instantiateWasmKernels({ simd, relaxed });
}

export async function chooseKernels(choice: KernelChoice): Promise<ChosenKernels> {
  if (choice === "reference") return { kernels: referenceKernels, label: "reference" };
  wasm ??= loadWasm();
  try {
    const k = await wasm;
    return { kernels: k, label: `wasm (${k.variant})` };
  } catch (e) {
    wasm = null; // try again next time
    const why = e instanceof Error ? e.message : String(e);
    return { kernels: referenceKernels, label: "reference", note: `wasm kernels unavailable (${why}); ran the reference kernels` };
  }
}
