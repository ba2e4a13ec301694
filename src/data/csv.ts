// A line-based CSV reader for the Sudoku/Maze layouts: comma-separated, optional double quotes
// ("" escapes a quote), fields never trimmed (maze strings contain spaces), one record per line.
// Streams the file, so multi-GB CSVs never sit in memory as one string.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { DataError } from "../engine/errors.js";

export interface CsvLine {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly fields: string[];
}

/** Split one CSV line into fields. */
export function parseCsvLine(text: string, where: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new DataError(`${where}: unterminated quoted field`);
        value += text.slice(i, q);
        if (text[q + 1] === '"') { value += '"'; i = q + 2; continue; }
        i = q + 1;
        break;
      }
      fields.push(value);
      if (i === text.length) return fields;
      if (text[i] !== ",") throw new DataError(`${where}: unexpected character '${text[i]}' after a quoted field`);
      i++;
    } else {
      const c = text.indexOf(",", i);
      if (c < 0) { fields.push(text.slice(i)); return fields; }
      fields.push(text.slice(i, c));
      i = c + 1;
    }
  }
}

/** Read a text file line by line (a trailing '\r' is dropped; empty lines are skipped). */
export async function* readLines(file: string): AsyncGenerator<{ line: number; text: string }> {
  const stream = createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20 });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once("open", () => resolve());
    stream.once("error", (err) => reject(new DataError(`${file}: cannot read (${err.message})`)));
  });
  await opened;
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const raw of rl) {
      line++;
      const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      if (text.length === 0) continue;
      yield { line, text };
    }
  } finally {
    rl.close();
    stream.destroy();
  }
}

/** Read CSV records: the first yielded line is the header when the file has one. */
export async function* readCsv(file: string): AsyncGenerator<CsvLine> {
  for await (const { line, text } of readLines(file)) yield { line, fields: parseCsvLine(text, `${file}:${line}`) };
}
