// Messages between the page (main.ts) and the model worker (worker.ts). Everything here survives
// structured cloning: plain objects, numbers, strings, typed arrays and ArrayBuffers.
import type { Halting, ModelConfig, SolveResult } from "hrm";

/** "wasm": the SIMD kernels (relaxed SIMD where the engine takes it); "reference": the plain-TS spec. */
export type KernelChoice = "wasm" | "reference";
export const kernelChoices: readonly KernelChoice[] = ["wasm", "reference"];

export interface LoadRequest {
  readonly type: "load";
  /** The checkpoint's config.json, parsed (its "model" object is the HRM config). */
  readonly configJson: unknown;
  /** model.safetensors bytes (transferred). */
  readonly weights: ArrayBuffer;
  /** Where the files came from, for messages. */
  readonly source: string;
}

export interface SolveRequest {
  readonly type: "solve";
  readonly id: number;
  readonly inputs: Int32Array;
  readonly labels?: Int32Array;
  readonly puzzleIdentifier: number;
  readonly halting: Halting;
  readonly maxSegments: number;
  readonly kernels: KernelChoice;
}

export type ToWorker = LoadRequest | SolveRequest;

export interface ModelSummary {
  readonly source: string;
  readonly family: "hrm" | "trm";
  readonly config: ModelConfig;
  readonly parameters: number;
  /** The checkpoint's own note (config.json "note", e.g. its measured held-out accuracy), if any. */
  readonly note: string | null;
}

export interface Loaded {
  readonly type: "loaded";
  readonly summary: ModelSummary;
}

export interface Solved {
  readonly type: "solved";
  readonly id: number;
  readonly result: SolveResult;
  /** What ran: "reference", "wasm (relaxed)" or "wasm (simd)". */
  readonly kernels: string;
  /** Set when wasm was asked for and could not be used (the reference ran instead). */
  readonly kernelNote?: string;
  readonly milliseconds: number;
}

export interface Failed {
  readonly type: "error";
  /** The solve request that failed; absent for a failed load. */
  readonly id?: number;
  readonly message: string;
}

export type FromWorker = Loaded | Solved | Failed;
