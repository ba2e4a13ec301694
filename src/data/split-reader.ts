// Opens one split of a dataset folder: dataset.json plus, per set, the small index arrays in memory
// and the inputs/labels as row sources (whole file in memory when small, else read per row from disk).
import { DataError } from "../engine/errors.js";
import { checkDatasetFolder } from "./check-folder.js";
import { type DatasetMetadata, type SplitName, arrayPath, readMetadata } from "./format.js";
import { NpyFile, decodeToInt32 } from "./npy.js";

/** Which values a row source accepts: [0, vocab) plus, for labels, the ignore id. */
export interface TokenRange {
  readonly vocab: number;
  /** A value accepted besides [0, vocab) (labels: ignore_label_id), or null. */
  readonly extra: number | null;
  /** "input token" or "label", for messages. */
  readonly what: string;
  /** Where the rows come from, for messages: "<file> (split train)". */
  readonly where: string;
}

/** Throw a DataError naming file, split, row and position of the first value outside `range`. */
function checkRow(out: Int32Array, offset: number, length: number, row: number, range: TokenRange): void {
  const { vocab, extra } = range;
  for (let i = 0; i < length; i++) {
    const t = out[offset + i]!;
    if ((t < 0 || t >= vocab) && t !== extra) {
      const also = extra === null ? "" : ` and not ignore_label_id ${extra}`;
      throw new DataError(`${range.where}: row ${row}, position ${i} has ${range.what} ${t}, outside [0, vocab_size = ${vocab})${also}`);
    }
  }
}

/** Rows of an [N, seq_len] integer array, decoded to int32 on demand. */
export interface RowSource {
  readonly rows: number;
  readonly rowLength: number;
  /** Copy row `row` into `out[offset .. offset + rowLength)`. */
  readRow(row: number, out: Int32Array, offset: number): void;
  close(): void;
}

class MemoryRows implements RowSource {
  readonly rows: number;
  readonly rowLength: number;
  private readonly raw: Buffer;
  private readonly rowBytes: number;

  constructor(private readonly file: NpyFile, private readonly range: TokenRange) {
    this.rows = file.rows;
    this.rowLength = file.rowLength;
    this.raw = file.readRaw();
    this.rowBytes = this.rowLength * file.itemBytes;
    file.close();
  }

  readRow(row: number, out: Int32Array, offset: number): void {
    if (row < 0 || row >= this.rows) throw new DataError(`${this.file.path}: row ${row} out of range (rows = ${this.rows})`);
    if (this.file.itemBytes === 1 && !this.file.dtype.signed) {
      const src = this.raw.subarray(row * this.rowBytes, (row + 1) * this.rowBytes);
      let max = 0;
      for (let i = 0; i < this.rowLength; i++) { const t = src[i]!; out[offset + i] = t; if (t > max) max = t; }
      if (max >= this.range.vocab) checkRow(out, offset, this.rowLength, row, this.range);
      return;
    }
    decodeToInt32(this.raw.subarray(row * this.rowBytes, (row + 1) * this.rowBytes), this.file.dtype, out, offset, this.rowLength, this.file.path);
    checkRow(out, offset, this.rowLength, row, this.range);
  }

  close(): void {}
}

class DiskRows implements RowSource {
  readonly rows: number;
  readonly rowLength: number;

  constructor(private readonly file: NpyFile, private readonly range: TokenRange) {
    this.rows = file.rows;
    this.rowLength = file.rowLength;
  }

  readRow(row: number, out: Int32Array, offset: number): void {
    this.file.readRows(row, 1, out, offset);
    checkRow(out, offset, this.rowLength, row, this.range);
  }

  close(): void {
    this.file.close();
  }
}

export interface OpenSet {
  readonly name: string;
  readonly inputs: RowSource;
  readonly labels: RowSource;
  readonly puzzleIdentifiers: Int32Array;
  readonly puzzleIndices: Int32Array;
  readonly groupIndices: Int32Array;
}

export interface OpenSplit {
  readonly root: string;
  readonly split: SplitName;
  readonly metadata: DatasetMetadata;
  readonly sets: readonly OpenSet[];
  close(): void;
}

export interface OpenSplitOptions {
  /** Keep inputs/labels in memory when each file's data is at most this many bytes (default 1 GiB). */
  readonly preloadBytes?: number;
}

/** Check the index arrays of a set against each other and the metadata; throws DataError naming the problem. */
export function checkSetIndices(
  where: string,
  meta: DatasetMetadata,
  examples: number,
  ids: Int32Array,
  puzzleIndices: Int32Array,
  groupIndices: Int32Array,
): void {
  if (puzzleIndices.length !== ids.length + 1) {
    throw new DataError(`${where}: puzzle_indices has ${puzzleIndices.length} entries, expected N_puzzles + 1 = ${ids.length + 1}`);
  }
  if (puzzleIndices[0] !== 0 || puzzleIndices[puzzleIndices.length - 1] !== examples) {
    throw new DataError(`${where}: puzzle_indices must run from 0 to N_examples = ${examples}, got ${puzzleIndices[0]} .. ${puzzleIndices[puzzleIndices.length - 1]}`);
  }
  for (let p = 0; p < ids.length; p++) {
    if (puzzleIndices[p + 1]! < puzzleIndices[p]!) throw new DataError(`${where}: puzzle_indices decreases at puzzle ${p}`);
    const id = ids[p]!;
    if (id < 0 || id >= meta.num_puzzle_identifiers) {
      throw new DataError(`${where}: puzzle ${p} has identifier ${id}, outside [0, num_puzzle_identifiers = ${meta.num_puzzle_identifiers})`);
    }
  }
  if (groupIndices.length < 1 || groupIndices[0] !== 0 || groupIndices[groupIndices.length - 1] !== ids.length) {
    throw new DataError(`${where}: group_indices must run from 0 to N_puzzles = ${ids.length}`);
  }
  for (let g = 0; g + 1 < groupIndices.length; g++) {
    if (groupIndices[g + 1]! < groupIndices[g]!) throw new DataError(`${where}: group_indices decreases at group ${g}`);
  }
}

/**
 * Open one split of a dataset folder (checked by `checkDatasetFolder`). Rows are range-checked as they
 * are read: input tokens in [0, vocab_size), labels too or equal to ignore_label_id. A train split
 * without examples is refused.
 */
export function openDatasetSplit(root: string, split: SplitName, opts: OpenSplitOptions = {}): OpenSplit {
  checkDatasetFolder(root);
  const metadata = readMetadata(root, split);
  const limit = opts.preloadBytes ?? 1 << 30;
  const sets: OpenSet[] = [];
  const close = (): void => { for (const s of sets) { s.inputs.close(); s.labels.close(); } };
  try {
    for (const name of metadata.sets) {
      const rows = (file: NpyFile, what: "input token" | "label"): RowSource => {
        if (file.shape.length !== 2 || file.shape[1] !== metadata.seq_len) {
          file.close();
          throw new DataError(`${file.path}: shape (${file.shape.join(", ")}), expected [N_examples, seq_len = ${metadata.seq_len}]`);
        }
        const range: TokenRange = { vocab: metadata.vocab_size, extra: what === "label" ? metadata.ignore_label_id : null, what, where: `${file.path} (split ${split})` };
        return file.size * file.itemBytes <= limit ? new MemoryRows(file, range) : new DiskRows(file, range);
      };
      const ints = (file: NpyFile): Int32Array => {
        try {
          if (file.shape.length !== 1) throw new DataError(`${file.path}: shape (${file.shape.join(", ")}), expected a 1-D array`);
          return file.readAll();
        } finally {
          file.close();
        }
      };
      const inputs = rows(NpyFile.open(arrayPath(root, split, name, "inputs")), "input token");
      let labels: RowSource;
      try {
        labels = rows(NpyFile.open(arrayPath(root, split, name, "labels")), "label");
      } catch (err) {
        inputs.close();
        throw err;
      }
      const set: OpenSet = {
        name,
        inputs,
        labels,
        puzzleIdentifiers: new Int32Array(0),
        puzzleIndices: new Int32Array(0),
        groupIndices: new Int32Array(0),
      };
      sets.push(set);
      if (labels.rows !== inputs.rows) {
        throw new DataError(`${root}/${split}: ${name}__labels has ${labels.rows} rows, ${name}__inputs has ${inputs.rows}`);
      }
      const full: OpenSet = {
        ...set,
        puzzleIdentifiers: ints(NpyFile.open(arrayPath(root, split, name, "puzzle_identifiers"))),
        puzzleIndices: ints(NpyFile.open(arrayPath(root, split, name, "puzzle_indices"))),
        groupIndices: ints(NpyFile.open(arrayPath(root, split, name, "group_indices"))),
      };
      sets[sets.length - 1] = full;
      checkSetIndices(`${root}/${split}/${name}`, metadata, inputs.rows, full.puzzleIdentifiers, full.puzzleIndices, full.groupIndices);
    }
    if (split === "train" && sets.every((s) => s.inputs.rows === 0)) {
      throw new DataError(`${root}/train: 0 training examples; nothing to train on (rebuild the dataset with usable puzzles)`);
    }
  } catch (err) {
    close();
    throw err;
  }
  return { root, split, metadata, sets, close };
}
