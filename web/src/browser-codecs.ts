// Task codecs for the page, over the same browser-safe primitives as src/solve/codecs.ts (the reference).
// Why not import codecs.ts: it takes encodeSudoku from the Node dataset builder (src/data/sudoku/build.ts),
// whose .npy writer runs Node code when imported (os.endianness(), Buffer), so the page would not load.
// These few lines mirror it; test/web/browser-codecs.test.ts checks them against codecs.ts.
//   Sudoku: 81 characters ('.' or '0' blank) <-> tokens blank 1, digit d -> d + 1
//   ARC:    grid <-> 30x30 canvas tokens colour + 2, EOS 1, PAD 0 (labels: PAD ignored as −100)
import { arcGridToTokens, cropArcTokens } from "../../src/data/arc/serialize.js";
import type { Grid } from "../../src/data/grid.js";
import { gridToRows } from "../../src/data/grid.js";
import { CELLS, parseBoard } from "../../src/data/sudoku/grid.js";
import { IGNORE_LABEL_ID } from "../../src/losses/stablemax-ce.js";

/** 81 characters -> 81 tokens (throws a DataError naming the bad character). */
export function sudokuToTokens(text: string): Int32Array {
  return Int32Array.from(parseBoard(text.trim(), "sudoku", true), (d) => d + 1);
}

/** 81 tokens -> 81 characters ('.' blank; '?' for a token that is not a cell value). */
export function tokensToSudoku(tokens: ArrayLike<number>): string {
  let s = "";
  for (let i = 0; i < CELLS; i++) {
    const t = tokens[i]!;
    s += t === 1 ? "." : t >= 2 && t <= 10 ? String(t - 1) : "?";
  }
  return s;
}

/** Grid -> 900 tokens at the top-left corner of the canvas. */
export function arcToTokens(grid: Grid): Int32Array {
  return Int32Array.from(arcGridToTokens(grid));
}

/** Grid -> 900 labels: PAD positions ignored (−100). */
export function arcToLabels(grid: Grid): Int32Array {
  return arcToTokens(grid).map((t) => (t === 0 ? IGNORE_LABEL_ID : t));
}

/** 900 tokens -> the grid the evaluation notebook reads off them. */
export function tokensToArc(tokens: ArrayLike<number>): number[][] {
  return gridToRows(cropArcTokens(tokens));
}
