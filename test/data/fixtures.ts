// Small generated inputs for the data tests: valid Sudoku puzzle/solution pairs and maze CSV rows.
import { writeFileSync } from "node:fs";
import { Rng } from "../../src/engine/rng.js";

/** A valid solved grid (81 chars) from the shifted-row pattern with shuffled digits, rows and columns. */
export function randomSolution(rng: Rng): string {
  const digits = rng.permutation(9);
  const band = (): number[] => {
    const bands = rng.permutation(3);
    const out: number[] = [];
    for (const b of bands) for (const r of rng.permutation(3)) out.push(b * 3 + r);
    return out;
  };
  const rows = band(), cols = band();
  let s = "";
  for (const r of rows) for (const c of cols) s += String(digits[(r * 3 + Math.floor(r / 3) + c) % 9]! + 1);
  return s;
}

/** The solution with `blanks` random cells replaced by '.'. */
export function blankOut(solution: string, blanks: number, rng: Rng): string {
  const chars = solution.split("");
  const order = rng.permutation(81);
  for (let i = 0; i < blanks; i++) chars[order[i]!] = ".";
  return chars.join("");
}

/** A Sudoku-Extreme style CSV (source,question,answer,rating) of `n` puzzles with their answers. */
export function writeSudokuCsv(file: string, n: number, seed = 1): void {
  const rng = new Rng(seed);
  const rows = ["source,question,answer,rating"];
  for (let k = 0; k < n; k++) {
    const a = randomSolution(rng);
    rows.push(`gen,${blankOut(a, 40, rng)},${a},0`);
  }
  writeFileSync(file, rows.join("\n") + "\n");
}

/** A maze CSV with the given question/answer rows (strings of "# SGo", row-major). */
export function writeMazeCsv(file: string, rows: ReadonlyArray<readonly [string, string]>): void {
  writeFileSync(file, ["source,question,answer,rating", ...rows.map(([q, a]) => `t,${q},${a},0`)].join("\n") + "\n");
}
