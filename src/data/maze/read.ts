// Reads the official Maze-Hard CSV layout (`source,question,answer,rating`; question and answer are
// side*side characters of "# SGo", row-major; fields contain spaces and are never trimmed).
import { DataError } from "../../engine/errors.js";
import { quoteText } from "../../util/message-text.js";
import { readCsv } from "../csv.js";
import type { Grid } from "../grid.js";
import { parseMaze } from "./maze.js";
import { mazeProblem, shortestPathProblem } from "./path.js";

export interface MazeRecord {
  readonly line: number;
  readonly question: Grid;
  readonly answer: Grid;
}

export async function readMazeCsv(file: string): Promise<MazeRecord[]> {
  const out: MazeRecord[] = [];
  let q = -1, a = -1, width = 0;
  let header = true;
  for await (const { line, fields } of readCsv(file)) {
    const where = `${file}:${line}`;
    if (header) {
      header = false;
      const names = fields.map((f) => f.trim().toLowerCase());
      q = names.indexOf("question");
      a = names.indexOf("answer");
      width = fields.length;
      if (q < 0 || a < 0) throw new DataError(`${where}: header ${quoteText(fields.join(","))} lacks "question" and "answer" columns (expected source,question,answer,rating)`);
      continue;
    }
    if (fields.length !== width) throw new DataError(`${where}: expected ${width} fields as in the header, got ${fields.length}`);
    const question = parseMaze(fields[q]!, `${where}: question`);
    const answer = parseMaze(fields[a]!, `${where}: answer`);
    if (answer.h !== question.h) throw new DataError(`${where}: answer has ${answer.h * answer.w} characters, question ${question.h * question.w}`);
    const bad = mazeProblem(question);
    if (bad !== null) throw new DataError(`${where}: question: ${bad}`);
    const wrong = shortestPathProblem(question, answer);
    if (wrong !== null) throw new DataError(`${where}: answer is not a shortest S-G path of the question (${wrong})`);
    if (out.length > 0 && out[0]!.question.h !== question.h) {
      throw new DataError(`${where}: maze side ${question.h} differs from the first maze (${out[0]!.question.h}, line ${out[0]!.line})`);
    }
    out.push({ line, question, answer });
  }
  if (header) throw new DataError(`${file}: empty file (expected a header source,question,answer,rating)`);
  return out;
}
