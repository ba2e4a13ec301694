// safetensors files on disk (Node): read + decode, and encode + atomic write; the format itself is the
// pure safetensors.ts (which the browser uses).
import { readFileSync } from "node:fs";
import { CheckpointError } from "../engine/errors.js";
import { writeFileAtomicSync } from "../util/atomic.js";
import { type SafetensorsFile, decodeSafetensors, encodeSafetensors } from "./safetensors.js";
import type { StoredTensor } from "./stored-tensor.js";

/** Reads and parses a safetensors file. */
export function readSafetensors(path: string): SafetensorsFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new CheckpointError(`${path}: cannot read safetensors file (${(e as Error).message})`);
  }
  return decodeSafetensors(bytes, path);
}

/** Writes a safetensors file atomically (temp file + rename). */
export function writeSafetensors(
  path: string,
  tensors: Map<string, StoredTensor> | Record<string, StoredTensor>,
  metadata?: Record<string, string>,
): void {
  writeFileAtomicSync(path, encodeSafetensors(tensors, metadata));
}
