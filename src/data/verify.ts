// Full consistency check of a dataset folder: metadata, index arrays, and every token < vocab_size.
import { DataError } from "../engine/errors.js";
import { checkDatasetFolder } from "./check-folder.js";
import { describeValue } from "../util/message-text.js";
import { BLANK_IDENTIFIER, SPLITS, type SplitName, arrayPath, readIdentifiers } from "./format.js";
import { NpyFile } from "./npy.js";
import { openDatasetSplit } from "./split-reader.js";
import type { SplitStats } from "./split-writer.js";

export interface VerifyReport {
  readonly identifiers: number;
  readonly splits: Readonly<Record<SplitName, SplitStats>>;
}

export function verifyDataset(root: string): VerifyReport {
  checkDatasetFolder(root);
  const ids = readIdentifiers(root);
  if (ids[0] !== BLANK_IDENTIFIER) throw new DataError(`${root}/identifiers.json: entry 0 must be ${JSON.stringify(BLANK_IDENTIFIER)}, got ${describeValue(ids[0])}`);
  const splits = {} as Record<SplitName, SplitStats>;
  for (const split of SPLITS) {
    const s = openDatasetSplit(root, split, { preloadBytes: 0 });
    try {
      const meta = s.metadata;
      if (meta.num_puzzle_identifiers !== ids.length) {
        throw new DataError(`${root}/${split}/dataset.json: num_puzzle_identifiers ${meta.num_puzzle_identifiers}, identifiers.json lists ${ids.length}`);
      }
      let examples = 0, puzzles = 0, groups = 0;
      for (const set of s.sets) {
        for (const what of ["inputs", "labels"] as const) {
          const file = NpyFile.open(arrayPath(root, split, set.name, what));
          try {
            const chunk = Math.max(1, Math.floor((1 << 22) / meta.seq_len));
            const buf = new Int32Array(chunk * meta.seq_len);
            for (let r0 = 0; r0 < file.rows; r0 += chunk) {
              const n = Math.min(chunk, file.rows - r0);
              file.readRows(r0, n, buf);
              const extra = what === "labels" ? meta.ignore_label_id : null;
              for (let i = 0; i < n * meta.seq_len; i++) {
                const t = buf[i]!;
                if ((t < 0 || t >= meta.vocab_size) && t !== extra) {
                  const r = r0 + Math.floor(i / meta.seq_len);
                  const kind = what === "labels" ? "label" : "input token";
                  const also = extra === null ? "" : ` and not ignore_label_id ${extra}`;
                  throw new DataError(`${file.path} (split ${split}): row ${r}, position ${i % meta.seq_len} has ${kind} ${t}, outside [0, vocab_size = ${meta.vocab_size})${also}`);
                }
              }
            }
          } finally {
            file.close();
          }
        }
        examples += set.inputs.rows;
        puzzles += set.puzzleIdentifiers.length;
        groups += set.groupIndices.length - 1;
      }
      if (groups !== meta.total_groups) throw new DataError(`${root}/${split}/dataset.json: total_groups ${meta.total_groups}, arrays hold ${groups}`);
      const mean = puzzles > 0 ? examples / puzzles : 0;
      if (Math.abs(mean - meta.mean_puzzle_examples) > 1e-9 * Math.max(1, mean)) {
        throw new DataError(`${root}/${split}/dataset.json: mean_puzzle_examples ${meta.mean_puzzle_examples}, arrays give ${mean}`);
      }
      splits[split] = { examples, puzzles, groups };
    } finally {
      s.close();
    }
  }
  return { identifiers: ids.length, splits };
}
