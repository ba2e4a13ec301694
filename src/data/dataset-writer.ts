// Writes a whole dataset folder atomically: both splits are streamed into `<outDir>.tmp-<pid>`,
// which replaces `outDir` only when everything succeeded.
import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { buildDirAtomic } from "../util/atomic.js";
import { BLANK_IDENTIFIER, type SplitName, formatIdentifiers } from "./format.js";
import type { CommonBuildOptions } from "./report.js";
import { type DatasetVocab, SplitWriter, type SplitStats } from "./split-writer.js";

export interface DatasetSink {
  readonly train: SplitWriter;
  readonly test: SplitWriter;
  /** The temporary dataset folder (for extra files such as identifiers.json). */
  readonly dir: string;
}

/**
 * Create both split writers, run `fill`, then close the splits with the number of puzzle
 * identifiers `fill` returns. `fill` must write identifiers.json (see `writeBlankIdentifiers`).
 */
export async function writeDataset(
  opts: CommonBuildOptions,
  vocab: DatasetVocab,
  fill: (sink: DatasetSink) => Promise<number>,
): Promise<Record<SplitName, SplitStats>> {
  return buildDirAtomic(opts.outDir, async (dir) => {
    const train = new SplitWriter(dir, "train", vocab);
    let test: SplitWriter;
    try {
      test = new SplitWriter(dir, "test", vocab);
    } catch (err) {
      train.abort();
      throw err;
    }
    try {
      const ids = await fill({ train, test, dir });
      return { train: train.finish(ids), test: test.finish(ids) };
    } catch (err) {
      train.abort();
      test.abort();
      throw err;
    }
  }, { overwrite: opts.overwrite ?? false, cleanupOnSignal: opts.cleanupOnSignal ?? false, ...(opts.onStaleRemoved ? { onStaleRemoved: opts.onStaleRemoved } : {}) });
}

/** identifiers.json for datasets where every puzzle uses the blank identifier 0. */
export function writeBlankIdentifiers(dir: string): void {
  writeFileSync(join(dir, "identifiers.json"), formatIdentifiers([BLANK_IDENTIFIER]));
}

/**
 * Streams identifiers.json while ids are assigned (id 0 = "<blank>"); names already seen keep their
 * id, as in the official builder's identifier map.
 */
export class IdentifierListWriter {
  private readonly ids = new Map<string, number>();
  private readonly fd: number;
  private pending = "";

  constructor(dir: string) {
    this.fd = openSync(join(dir, "identifiers.json"), "w");
    this.pending = "[" + JSON.stringify(BLANK_IDENTIFIER);
  }

  /** The id of `name`, assigning the next one on first sight. */
  idOf(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.ids.size + 1;
      this.ids.set(name, id);
      this.pending += ", " + JSON.stringify(name);
      if (this.pending.length > 1 << 16) { writeSync(this.fd, this.pending); this.pending = ""; }
    }
    return id;
  }

  /** Identifiers including the blank one. */
  get count(): number {
    return this.ids.size + 1;
  }

  close(): void {
    try {
      writeSync(this.fd, this.pending + "]");
    } finally {
      closeSync(this.fd);
    }
  }

  /** Release the file after an error (the temp folder is removed by the caller). */
  abort(): void {
    closeSync(this.fd);
  }
}
