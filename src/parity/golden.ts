// A golden folder in the format of shared/reference/hrm-tiny-a: config.json, golden.safetensors and
// (optionally) golden_f64.safetensors holding the exact float64 values of some tensors under the same names.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CheckpointError, ConfigError } from "../engine/errors.js";
import type { StoredTensor } from "../io/safetensors.js";
import { toFloat32, toFloat64, toInt32 } from "../io/safetensors.js";
import { readSafetensors } from "../io/safetensors-node.js";

export class GoldenSet {
  readonly folder: string;
  readonly config: Record<string, unknown>;
  private readonly tensors: Map<string, StoredTensor>;
  private readonly f64: Map<string, StoredTensor>;
  /** Names read as inputs or compared so far; the rest is reported as not replayed. */
  readonly used = new Set<string>();

  constructor(folder: string) {
    this.folder = folder;
    const configPath = join(folder, "config.json");
    if (!existsSync(configPath)) throw new ConfigError(`golden folder ${folder}: config.json is missing (expected config.json, golden.safetensors, golden_f64.safetensors)`);
    let config: unknown;
    try {
      config = JSON.parse(readFileSync(configPath, "utf8"));
    } catch (e) {
      throw new ConfigError(`${configPath}: not valid JSON (${(e as Error).message})`);
    }
    if (typeof config !== "object" || config === null || Array.isArray(config)) throw new ConfigError(`${configPath}: expected a JSON object`);
    this.config = config as Record<string, unknown>;
    const goldenPath = join(folder, "golden.safetensors");
    if (!existsSync(goldenPath)) throw new CheckpointError(`golden folder ${folder}: golden.safetensors is missing`);
    this.tensors = readSafetensors(goldenPath).tensors;
    const f64Path = join(folder, "golden_f64.safetensors");
    this.f64 = existsSync(f64Path) ? readSafetensors(f64Path).tensors : new Map();
  }

  names(): string[] {
    return [...this.tensors.keys()];
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  raw(name: string): StoredTensor {
    const t = this.tensors.get(name);
    if (t === undefined) throw new CheckpointError(`${this.folder}: golden tensor "${name}" is missing`);
    this.used.add(name);
    return t;
  }

  f32(name: string): Float32Array {
    return toFloat32(this.raw(name));
  }

  /** The float64 value where golden_f64 has it, else the stored value widened. */
  f64Value(name: string): Float64Array {
    const exact = this.f64.get(name);
    return exact !== undefined ? (this.raw(name), toFloat64(exact)) : toFloat64(this.raw(name));
  }

  i32(name: string): Int32Array {
    return toInt32(this.raw(name), name);
  }

  shape(name: string): readonly number[] {
    return this.raw(name).shape;
  }

  isInteger(name: string): boolean {
    const d = this.raw(name).dtype;
    return d === "I32" || d === "I64" || d === "BOOL" || d === "U8" || d === "I16" || d === "I8";
  }
}
