// Streams one split (one set) of a dataset to disk in the official layout: examples are appended as
// they are made, puzzles and groups are closed by index, and `finish` writes dataset.json.
import { DataError, ShapeError } from "../engine/errors.js";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_SET, type DatasetMetadata, type SplitName, arrayPath, formatMetadata } from "./format.js";
import { NpyStreamWriter } from "./npy.js";

/** The metadata fields every split of a dataset shares. */
export interface DatasetVocab {
  readonly vocabSize: number;
  readonly seqLen: number;
  readonly padId: number;
  readonly ignoreLabelId: number | null;
  readonly blankIdentifierId: number;
}

export interface SplitStats {
  readonly examples: number;
  readonly puzzles: number;
  readonly groups: number;
}

export class SplitWriter {
  private readonly inputs: NpyStreamWriter;
  private readonly labels: NpyStreamWriter;
  private readonly identifiers: NpyStreamWriter;
  private readonly puzzleIndices: NpyStreamWriter;
  private readonly groupIndices: NpyStreamWriter;
  private examples = 0;
  private puzzles = 0;
  private groups = 0;
  private puzzleStart = 0;
  private groupStart = 0;

  /** `root` is the (temporary) dataset folder; the split folder is created. */
  constructor(
    private readonly root: string,
    readonly split: SplitName,
    private readonly vocab: DatasetVocab,
    private readonly setName = DEFAULT_SET,
  ) {
    mkdirSync(join(root, split), { recursive: true });
    const path = (n: Parameters<typeof arrayPath>[3]): string => arrayPath(root, split, setName, n);
    this.inputs = new NpyStreamWriter(path("inputs"), "|u1", vocab.seqLen);
    this.labels = new NpyStreamWriter(path("labels"), "|u1", vocab.seqLen);
    this.identifiers = new NpyStreamWriter(path("puzzle_identifiers"), "<i4", 0);
    this.puzzleIndices = new NpyStreamWriter(path("puzzle_indices"), "<i4", 0);
    this.groupIndices = new NpyStreamWriter(path("group_indices"), "<i4", 0);
    this.puzzleIndices.appendInt(0);
    this.groupIndices.appendInt(0);
  }

  /** Append one input/label pair (token ids, `seqLen` each) to the open puzzle. */
  addExample(input: Uint8Array, label: Uint8Array): void {
    const n = this.vocab.seqLen;
    if (input.length !== n || label.length !== n) {
      throw new ShapeError(`SplitWriter(${this.split}): example of length ${input.length}/${label.length}, seq_len is ${n}`);
    }
    this.inputs.append(input);
    this.labels.append(label);
    this.examples++;
  }

  /** Close the open puzzle (at least one example) under puzzle identifier `identifier`. */
  endPuzzle(identifier: number): void {
    if (this.examples === this.puzzleStart) throw new DataError(`SplitWriter(${this.split}): puzzle ${this.puzzles} has no examples`);
    this.identifiers.appendInt(identifier);
    this.puzzles++;
    this.puzzleIndices.appendInt(this.examples);
    this.puzzleStart = this.examples;
  }

  /** Close the open group (at least one puzzle). */
  endGroup(): void {
    if (this.puzzles === this.groupStart) throw new DataError(`SplitWriter(${this.split}): group ${this.groups} has no puzzles`);
    this.groups++;
    this.groupIndices.appendInt(this.puzzles);
    this.groupStart = this.puzzles;
  }

  get stats(): SplitStats {
    return { examples: this.examples, puzzles: this.puzzles, groups: this.groups };
  }

  /** Close the arrays and write dataset.json. */
  finish(numPuzzleIdentifiers: number): SplitStats {
    if (this.examples !== this.puzzleStart || this.puzzles !== this.groupStart) {
      throw new DataError(`SplitWriter(${this.split}): finish with an open puzzle or group`);
    }
    for (const w of [this.inputs, this.labels, this.identifiers, this.puzzleIndices, this.groupIndices]) w.close();
    const v = this.vocab;
    const meta: DatasetMetadata = {
      pad_id: v.padId,
      ignore_label_id: v.ignoreLabelId,
      blank_identifier_id: v.blankIdentifierId,
      vocab_size: v.vocabSize,
      seq_len: v.seqLen,
      num_puzzle_identifiers: numPuzzleIdentifiers,
      total_groups: this.groups,
      mean_puzzle_examples: this.puzzles > 0 ? this.examples / this.puzzles : 0,
      sets: [this.setName],
    };
    writeFileSync(join(this.root, this.split, "dataset.json"), formatMetadata(meta));
    return this.stats;
  }

  /** Release file handles after an error (the temp folder is then removed by the caller). */
  abort(): void {
    for (const w of [this.inputs, this.labels, this.identifiers, this.puzzleIndices, this.groupIndices]) w.abort();
  }
}
