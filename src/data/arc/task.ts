// ARC task files: {"train": [{"input": grid, "output": grid}, ...], "test": [...]} with grids as
// non-empty rectangular lists of rows of integers 0..9, at most 30x30. Parsing validates all of it
// and names the file, pair and cell of the first problem. Pure (browser-safe); reading files is
// task-node.ts.
import { DataError } from "../../engine/errors.js";
import { describeValue } from "../../util/message-text.js";
import type { Grid } from "../grid.js";

export const ARC_MAX_SIZE = 30;
/** Largest task file read (the biggest ARC-AGI tasks are ~100 KB). */
export const ARC_MAX_FILE_BYTES = 16 << 20;

export interface ArcPair {
  readonly input: Grid;
  readonly output: Grid;
}

export interface ArcTask {
  /** File stem, e.g. "007bbfb7". */
  readonly name: string;
  readonly file: string;
  /** Demonstration pairs. */
  readonly train: readonly ArcPair[];
  readonly test: readonly ArcPair[];
  /**
   * The file lists "test" before "train" (39 ARC-AGI-1 training tasks do). The official builder keeps the
   * JSON key order, so a puzzle whose test pairs are trained on lists them first.
   */
  readonly testFirst: boolean;
}

function parseGrid(v: unknown, where: string): Grid {
  if (!Array.isArray(v) || v.length === 0) throw new DataError(`${where}: expected a non-empty list of rows, got ${describeValue(v)}`);
  const h = v.length;
  const first: unknown = v[0];
  if (!Array.isArray(first) || first.length === 0) throw new DataError(`${where}: row 1 must be a non-empty list of colours`);
  const w = first.length;
  if (h > ARC_MAX_SIZE || w > ARC_MAX_SIZE) throw new DataError(`${where}: grid is ${h}x${w}, larger than ${ARC_MAX_SIZE}x${ARC_MAX_SIZE}`);
  const data = new Uint8Array(h * w);
  for (let r = 0; r < h; r++) {
    const row: unknown = v[r];
    if (!Array.isArray(row)) throw new DataError(`${where}: row ${r + 1} is not a list`);
    if (row.length !== w) throw new DataError(`${where}: ragged grid: row ${r + 1} has ${row.length} cells, row 1 has ${w}`);
    for (let c = 0; c < w; c++) {
      const x: unknown = row[c];
      if (typeof x !== "number" || !Number.isInteger(x) || x < 0 || x > 9) {
        throw new DataError(`${where}: colour ${describeValue(x)} at row ${r + 1}, column ${c + 1} is out of range; expected an integer 0..9`);
      }
      data[r * w + c] = x;
    }
  }
  return { h, w, data };
}

function parsePairs(v: unknown, key: "train" | "test", where: string): ArcPair[] {
  if (!Array.isArray(v) || v.length === 0) throw new DataError(`${where}: "${key}" must be a non-empty list of {input, output} pairs`);
  return v.map((p: unknown, i) => {
    const at = `${where}: ${key} pair ${i + 1}`;
    if (typeof p !== "object" || p === null) throw new DataError(`${at}: expected an object with "input" and "output"`);
    const o = p as Record<string, unknown>;
    if (!("input" in o) || !("output" in o)) throw new DataError(`${at}: missing "${"input" in o ? "output" : "input"}"`);
    return { input: parseGrid(o["input"], `${at} input`), output: parseGrid(o["output"], `${at} output`) };
  });
}

/** Validate parsed JSON as an ARC task. */
export function parseArcTask(json: unknown, name: string, file: string): ArcTask {
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new DataError(`${file} (task ${name}): expected a JSON object with "train" and "test"`);
  const o = json as Record<string, unknown>;
  const where = `${file} (task ${name})`;
  const keys = Object.keys(o); // JSON.parse keeps the file's order of (non-numeric) keys
  return { name, file, train: parsePairs(o["train"], "train", where), test: parsePairs(o["test"], "test", where), testFirst: keys.indexOf("test") < keys.indexOf("train") };
}
