// Reads Sudoku sources into a compact table: the Sudoku-Extreme CSV layout (`source,question,answer,
// rating`), tdoku-style CSVs (`puzzle[,solution|,num_solutions,solution]`) and plain lists of
// 81-character puzzles (no header; '#' comment lines skipped). '.' or '0' = blank.
import { DataError } from "../../engine/errors.js";
import { quoteText } from "../../util/message-text.js";
import { parseCsvLine, readLines } from "../csv.js";
import { CELLS, firstClueMismatch, parseBoard, solutionProblem } from "./grid.js";

/** Puzzles in flat arrays: puzzle k occupies [81k, 81k + 81). */
export interface SudokuTable {
  readonly file: string;
  readonly count: number;
  readonly questions: Uint8Array;
  /** All zero for a puzzle without a given answer (see hasAnswer). */
  readonly answers: Uint8Array;
  readonly hasAnswer: Uint8Array;
  /** NaN when the source has no rating. */
  readonly ratings: Float64Array;
  /** 1-based source line of each puzzle (for messages). */
  readonly lines: Int32Array;
  /** Rows skipped for a rating below `minRating`. */
  readonly belowMinRating: number;
}

class Growable {
  q = new Uint8Array(CELLS * 1024);
  a = new Uint8Array(CELLS * 1024);
  has = new Uint8Array(1024);
  rating = new Float64Array(1024);
  line = new Int32Array(1024);
  n = 0;

  push(q: Uint8Array, a: Uint8Array | null, rating: number, line: number): void {
    if (this.n === this.has.length) {
      const grow = <T extends Uint8Array | Float64Array | Int32Array>(x: T, make: (n: number) => T): T => { const y = make(x.length * 2); y.set(x); return y; };
      this.q = grow(this.q, (n) => new Uint8Array(n));
      this.a = grow(this.a, (n) => new Uint8Array(n));
      this.has = grow(this.has, (n) => new Uint8Array(n));
      this.rating = grow(this.rating, (n) => new Float64Array(n));
      this.line = grow(this.line, (n) => new Int32Array(n));
    }
    this.q.set(q, this.n * CELLS);
    if (a !== null) { this.a.set(a, this.n * CELLS); this.has[this.n] = 1; }
    this.rating[this.n] = rating;
    this.line[this.n] = line;
    this.n++;
  }

  table(file: string, belowMinRating: number): SudokuTable {
    const n = this.n;
    return {
      file, count: n, belowMinRating,
      questions: this.q.slice(0, n * CELLS), answers: this.a.slice(0, n * CELLS), hasAnswer: this.has.slice(0, n),
      ratings: this.rating.slice(0, n), lines: this.line.slice(0, n),
    };
  }
}

interface Columns { question: number; answer: number; rating: number; width: number }

function headerColumns(fields: string[], where: string): Columns {
  const names = fields.map((f) => f.trim().toLowerCase());
  const find = (...cands: string[]): number => names.findIndex((n) => cands.includes(n));
  const question = find("question", "puzzle", "quizzes", "quiz");
  if (question < 0) {
    throw new DataError(`${where}: header ${quoteText(fields.join(","))} has no puzzle column; expected "question" (Sudoku-Extreme: source,question,answer,rating) or "puzzle"`);
  }
  return { question, answer: find("answer", "solution", "solutions"), rating: find("rating"), width: fields.length };
}

const BOARD_LINE = /^[.0-9]{81}$/;

export interface ReadSudokuOptions {
  /** Called every 10k rows with the rows read so far. */
  readonly onRows?: (rows: number) => void;
  /** Skip rows whose rating is below this (only when the file has a rating column). */
  readonly minRating?: number;
}

/** Read a Sudoku CSV or plain list. Every malformed row is a DataError naming file and line. */
export async function readSudokuFile(file: string, opts: ReadSudokuOptions = {}): Promise<SudokuTable> {
  const out = new Growable();
  let cols: Columns | null | undefined; // undefined = not decided yet; null = plain list
  let rows = 0, belowMinRating = 0;
  for await (const { line, text } of readLines(file)) {
    const where = `${file}:${line}`;
    if (cols === undefined) {
      if (BOARD_LINE.test(text.trim())) cols = null;
      else if (text.startsWith("#")) continue;
      else { cols = headerColumns(parseCsvLine(text, where), where); continue; }
    }
    if (cols === null) {
      if (text.startsWith("#")) continue;
      out.push(parseBoard(text.trim(), `${where}: puzzle`, true), null, NaN, line);
    } else {
      const f = parseCsvLine(text, where);
      if (f.length !== cols.width) throw new DataError(`${where}: expected ${cols.width} fields as in the header, got ${f.length}`);
      let rating = NaN;
      if (cols.rating >= 0) {
        rating = Number(f[cols.rating]);
        if (f[cols.rating]!.trim() === "" || !Number.isFinite(rating)) throw new DataError(`${where}: rating ${quoteText(f[cols.rating]!)} is not a number`);
      }
      if (opts.minRating !== undefined && cols.rating >= 0 && rating < opts.minRating) { belowMinRating++; continue; }
      const q = parseBoard(f[cols.question]!, `${where}: question`, true);
      let a: Uint8Array | null = null;
      const aText = cols.answer >= 0 ? f[cols.answer]! : "";
      if (aText !== "") {
        a = parseBoard(aText, `${where}: answer`, false);
        const problem = solutionProblem(a);
        if (problem !== null) throw new DataError(`${where}: answer is not a valid Sudoku solution (${problem})`);
        const bad = firstClueMismatch(q, a);
        if (bad >= 0) {
          throw new DataError(`${where}: answer has ${a[bad]} at row ${Math.floor(bad / 9) + 1}, column ${(bad % 9) + 1} where the question gives ${q[bad]}`);
        }
      }
      out.push(q, a, rating, line);
    }
    if (++rows % 10000 === 0) opts.onRows?.(rows);
  }
  if (cols === undefined) throw new DataError(`${file}: no puzzles (empty file)`);
  return out.table(file, belowMinRating);
}
