// Turns one dataset example (token rows) into picture panels for Sudoku, Maze or ARC datasets.
import { DataError } from "../engine/errors.js";
import { findArcGrid } from "../data/arc/serialize.js";
import type { DatasetMetadata } from "../data/format.js";
import type { Grid } from "../data/grid.js";
import type { Panel } from "./grid-render.js";

export type PuzzleKind = "sudoku" | "maze" | "arc";

/** Recognise the dataset by its vocabulary and sequence length. */
export function detectKind(meta: DatasetMetadata): PuzzleKind {
  if (meta.vocab_size === 11 && meta.seq_len === 81) return "sudoku";
  if (meta.vocab_size === 6 && Number.isInteger(Math.sqrt(meta.seq_len))) return "maze";
  if (meta.vocab_size === 12 && meta.seq_len === 900) return "arc";
  throw new DataError(`unknown dataset kind: vocab_size ${meta.vocab_size}, seq_len ${meta.seq_len} (expected Sudoku 11/81, Maze 6/side², ARC 12/900)`);
}

export const ARC_COLOURS: readonly string[] = [
  "#000000", "#0074d9", "#ff4136", "#2ecc40", "#ffdc00", "#aaaaaa", "#f012be", "#ff851b", "#7fdbff", "#870c25",
];

const DIGITS = ["", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

function sudokuPanels(input: ArrayLike<number>, label: ArrayLike<number>): Panel[] {
  const q = new Uint8Array(81), a = new Uint8Array(81);
  for (let i = 0; i < 81; i++) {
    q[i] = Math.max(0, input[i]! - 1);
    const d = Math.max(0, label[i]! - 1);
    a[i] = q[i] === 0 && d > 0 ? d + 10 : d; // digits the model must fill in: 11..19
  }
  const fills = [...Array(10).fill("#ffffff"), ...Array(10).fill("#cfe8ff")] as string[];
  const glyphs = [...DIGITS, ...DIGITS];
  const grid = (data: Uint8Array): Grid => ({ h: 9, w: 9, data });
  return [
    { title: "puzzle", grid: grid(q), fills, glyphs, chars: ["."], blockEvery: 3 },
    { title: "solution", grid: grid(a), fills, glyphs, chars: ["."], blockEvery: 3 },
  ];
}

function mazePanels(input: ArrayLike<number>, label: ArrayLike<number>, side: number): Panel[] {
  const fills = ["#dddddd", "#333333", "#ffffff", "#2ecc40", "#ff4136", "#ffdc00"];
  const glyphs = ["", "", "", "S", "G", ""];
  const chars = ["?", "#", " ", "S", "G", "o"];
  const grid = (t: ArrayLike<number>): Grid => ({ h: side, w: side, data: Uint8Array.from({ length: side * side }, (_, i) => Math.max(0, Math.min(5, t[i]!))) });
  return [
    { title: "maze", grid: grid(input), fills, glyphs, chars },
    { title: "shortest path", grid: grid(label), fills, glyphs, chars },
  ];
}

function arcPanels(input: ArrayLike<number>, label: ArrayLike<number>): Panel[] {
  const i = findArcGrid(input), o = findArcGrid(label);
  return [
    { title: `input ${i.h}x${i.w}`, grid: i, fills: ARC_COLOURS },
    { title: `output ${o.h}x${o.w}`, grid: o, fills: ARC_COLOURS },
  ];
}

export function examplePanels(kind: PuzzleKind, input: ArrayLike<number>, label: ArrayLike<number>, seqLen: number): Panel[] {
  switch (kind) {
    case "sudoku": return sudokuPanels(input, label);
    case "maze": return mazePanels(input, label, Math.round(Math.sqrt(seqLen)));
    case "arc": return arcPanels(input, label);
  }
}
