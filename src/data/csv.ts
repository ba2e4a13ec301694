// A line-based CSV reader for the Sudoku/Maze layouts: comma-separated, optional double quotes
// ("" escapes a quote), fields never trimmed (maze strings contain spaces), one record per line.
// Streams the file, so multi-GB CSVs never sit in memory as one string.
import { createReadStream, statSync } from "node:fs";
import { DataError } from "../engine/errors.js";
import { quoteText } from "../util/message-text.js";

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
      if (text[i] !== ",") throw new DataError(`${where}: unexpected character ${quoteText(text[i]!)} after a quoted field`);
      i++;
    } else {
      const c = text.indexOf(",", i);
      if (c < 0) { fields.push(text.slice(i)); return fields; }
      fields.push(text.slice(i, c));
      i = c + 1;
    }
  }
}

/** Longest line `readLines` accepts (a 700x700 maze row is ~1 MB: two 490,000-character fields). */
export const MAX_LINE_CHARS = 1 << 21;

/**
 * Read a text file line by line ("\n", "\r\n" or "\r" ends a line; a leading BOM is dropped; empty lines
 * are skipped). A folder, an unreadable file or a line over MAX_LINE_CHARS is a DataError.
 */
export async function* readLines(file: string): AsyncGenerator<{ line: number; text: string }> {
  let isDir: boolean;
  try {
    isDir = statSync(file).isDirectory();
  } catch (err) {
    throw new DataError(`${file}: cannot read (${(err as Error).message})`);
  }
  if (isDir) throw new DataError(`${file}: is a folder; expected a CSV or text file`);
  const stream = createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 16 });
  let line = 0;
  let partial = "";
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      let text = partial + chunk;
      if (line === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      let start = 0;
      for (;;) {
        NEWLINE.lastIndex = start;
        const m = NEWLINE.exec(text);
        if (m === null) break;
        const end = m.index;
        // a "\r" at the very end may be half of a "\r\n" split across chunks: wait for the next chunk
        if (m[0] === "\r" && end + 1 === text.length) break;
        line++;
        if (end > start) yield { line, text: text.slice(start, end) };
        start = end + m[0].length;
      }
      partial = text.slice(start);
      if (partial.length > MAX_LINE_CHARS) {
        throw new DataError(`${file}:${line + 1}: line longer than ${MAX_LINE_CHARS} characters (starts ${quoteText(partial)}); is this the right file?`);
      }
    }
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(`${file}: cannot read (${(err as Error).message})`);
  } finally {
    stream.destroy();
  }
  if (partial.endsWith("\r")) partial = partial.slice(0, -1);
  line++;
  if (partial.length > 0) yield { line, text: partial };
}

const NEWLINE = /\r\n|\r|\n/g;

/** Read CSV records: the first yielded line is the header when the file has one. */
export async function* readCsv(file: string): AsyncGenerator<CsvLine> {
  for await (const { line, text } of readLines(file)) yield { line, fields: parseCsvLine(text, `${file}:${line}`) };
}
