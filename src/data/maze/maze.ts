// Maze grids in the official Maze-Hard layout: a square grid flattened row-major, characters
// "# SGo" = wall, open, start, goal, path. Tokens (build_maze_dataset.py CHARSET): PAD 0,
// '#' 1, ' ' 2, 'S' 3, 'G' 4, 'o' 5; vocab 6.
import { DataError } from "../../engine/errors.js";
import type { Grid } from "../grid.js";

export const MAZE_CHARSET = "# SGo";
export const WALL = 1, OPEN = 2, START = 3, GOAL = 4, PATH = 5;

/** Parse a maze string into a side x side grid of tokens. */
export function parseMaze(text: string, where: string): Grid {
  const side = Math.round(Math.sqrt(text.length));
  if (text.length === 0 || side * side !== text.length) {
    throw new DataError(`${where}: length ${text.length} is not a square (expected e.g. 900 = 30x30)`);
  }
  const data = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const k = MAZE_CHARSET.indexOf(text[i]!);
    if (k < 0) {
      throw new DataError(`${where}: invalid character ${JSON.stringify(text[i])} at row ${Math.floor(i / side) + 1}, column ${(i % side) + 1}; expected one of "# SGo"`);
    }
    data[i] = k + 1;
  }
  return { h: side, w: side, data };
}

export function mazeToString(g: Grid): string {
  let s = "";
  for (const t of g.data) s += t === 0 ? "?" : MAZE_CHARSET[t - 1];
  return s;
}
