// The official on-disk dataset layout (sapientinc/HRM dataset/common.py and the builders):
//   <root>/identifiers.json                    list: puzzle identifier id -> name; 0 = "<blank>"
//   <root>/{train,test}/dataset.json           metadata (PuzzleDatasetMetadata, keys below)
//   <root>/{train,test}/<set>__inputs.npy      |u1 [N_examples, seq_len]  (any integer dtype is read)
//   <root>/{train,test}/<set>__labels.npy      |u1 [N_examples, seq_len]
//   <root>/{train,test}/<set>__puzzle_identifiers.npy  <i4 [N_puzzles]
//   <root>/{train,test}/<set>__puzzle_indices.npy      <i4 [N_puzzles + 1]  examples of puzzle p: [pi[p], pi[p+1])
//   <root>/{train,test}/<set>__group_indices.npy       <i4 [N_groups + 1]   puzzles of group g: [gi[g], gi[g+1])
// A group = an original puzzle and its augmented versions; a puzzle = one version with one identifier;
// an example = one input/label pair. Every builder writes the single set "all".
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DataError } from "../engine/errors.js";
import { describeValue } from "../util/message-text.js";

export type SplitName = "train" | "test";
export const SPLITS: readonly SplitName[] = ["train", "test"];

export const ARRAY_NAMES = ["inputs", "labels", "puzzle_identifiers", "puzzle_indices", "group_indices"] as const;
export type ArrayName = (typeof ARRAY_NAMES)[number];

export const DEFAULT_SET = "all";
/** The name of puzzle identifier 0 in identifiers.json (official: `ids_mapping.get(i, "<blank>")`). */
export const BLANK_IDENTIFIER = "<blank>";
/** Label value the loader substitutes for ignore_label_id (PyTorch cross-entropy ignore_index). */
export const IGNORE_LABEL_ID = -100;

/** dataset.json, with the official field names and order. */
export interface DatasetMetadata {
  readonly pad_id: number;
  readonly ignore_label_id: number | null;
  readonly blank_identifier_id: number;
  readonly vocab_size: number;
  readonly seq_len: number;
  readonly num_puzzle_identifiers: number;
  readonly total_groups: number;
  readonly mean_puzzle_examples: number;
  readonly sets: readonly string[];
}

const INT_FIELDS = ["pad_id", "blank_identifier_id", "vocab_size", "seq_len", "num_puzzle_identifiers", "total_groups"] as const;

export function arrayPath(root: string, split: SplitName, set: string, name: ArrayName): string {
  return join(root, split, `${set}__${name}.npy`);
}

/** Validate a parsed dataset.json. */
export function parseMetadata(json: unknown, file: string): DatasetMetadata {
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new DataError(`${file}: expected a JSON object`);
  const o = json as Record<string, unknown>;
  for (const k of INT_FIELDS) {
    const v = o[k];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new DataError(`${file}: "${k}" must be a non-negative integer, got ${describeValue(v)}`);
  }
  const ign = o["ignore_label_id"];
  if (ign !== null && !(typeof ign === "number" && Number.isInteger(ign))) throw new DataError(`${file}: "ignore_label_id" must be an integer or null, got ${describeValue(ign)}`);
  const mean = o["mean_puzzle_examples"];
  if (typeof mean !== "number" || !(mean >= 0)) throw new DataError(`${file}: "mean_puzzle_examples" must be a non-negative number, got ${describeValue(mean)}`);
  const sets = o["sets"];
  if (!Array.isArray(sets) || sets.length === 0 || !sets.every((s): s is string => typeof s === "string" && /^[\w.-]+$/.test(s))) {
    throw new DataError(`${file}: "sets" must be a non-empty list of set names, got ${describeValue(sets)}`);
  }
  return {
    pad_id: o["pad_id"] as number,
    ignore_label_id: ign as number | null,
    blank_identifier_id: o["blank_identifier_id"] as number,
    vocab_size: o["vocab_size"] as number,
    seq_len: o["seq_len"] as number,
    num_puzzle_identifiers: o["num_puzzle_identifiers"] as number,
    total_groups: o["total_groups"] as number,
    mean_puzzle_examples: mean,
    sets: [...sets],
  };
}

/** A number as Python's json.dump writes a float (1 -> "1.0"). */
export function pythonFloat(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return x.toFixed(1);
  return String(x).replace(/e([+-])(\d)$/, "e$10$2");
}

/** dataset.json text, formatted like Python's json.dump (", " and ": " separators, field order kept). */
export function formatMetadata(m: DatasetMetadata): string {
  const fields: string[] = [
    `"pad_id": ${m.pad_id}`,
    `"ignore_label_id": ${m.ignore_label_id === null ? "null" : m.ignore_label_id}`,
    `"blank_identifier_id": ${m.blank_identifier_id}`,
    `"vocab_size": ${m.vocab_size}`,
    `"seq_len": ${m.seq_len}`,
    `"num_puzzle_identifiers": ${m.num_puzzle_identifiers}`,
    `"total_groups": ${m.total_groups}`,
    `"mean_puzzle_examples": ${pythonFloat(m.mean_puzzle_examples)}`,
    `"sets": [${m.sets.map((s) => JSON.stringify(s)).join(", ")}]`,
  ];
  return `{${fields.join(", ")}}`;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new DataError(`${file}: cannot read (${(err as Error).message})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new DataError(`${file}: invalid JSON (${(err as Error).message})`);
  }
}

export function readMetadata(root: string, split: SplitName): DatasetMetadata {
  const file = join(root, split, "dataset.json");
  return parseMetadata(readJson(file), file);
}

/** identifiers.json: names by identifier id; entry 0 is "<blank>". */
export function readIdentifiers(root: string): string[] {
  const file = join(root, "identifiers.json");
  const json = readJson(file);
  if (!Array.isArray(json) || !json.every((s): s is string => typeof s === "string")) {
    throw new DataError(`${file}: expected a JSON list of strings`);
  }
  return json;
}

/** identifiers.json text in Python json.dump style. */
export function formatIdentifiers(names: readonly string[]): string {
  return `[${names.map((s) => JSON.stringify(s)).join(", ")}]`;
}
