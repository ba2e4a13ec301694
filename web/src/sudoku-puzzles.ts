// Sudokus embedded in the page: held-out puzzles of the project's generated sets
// (shared/data/sudoku/gen-k30 and gen-k40 test.csv, never trained on), 30 and 40 blanks.
export interface NamedPuzzle {
  readonly name: string;
  readonly puzzle: string;
}

export const sudokuPuzzles: readonly NamedPuzzle[] = [
  { name: "gen-k30 test #1 (30 blanks)", puzzle: ".917..6.4.5.93621762...1.35.64...85993586417.7..5.94635.91.8326.1639..488....7..." },
  { name: "gen-k30 test #2 (30 blanks)", puzzle: "459.12..321...6.58.87.3.4.1.7.24.68986.9.1374.9.7.8..594512.8.6...38.59..386.5142" },
  { name: "gen-k30 test #3 (30 blanks)", puzzle: "54368.19716.5.3.847.8.9165.8.2..93...7624....495...72.63...5879.8.9645.19518..46." },
  { name: "gen-k40 test #1 (40 blanks)", puzzle: ".....39.78....9.6....5...8146187..9.7..69...29524.1876.3.91...51.8.57.2..79.641.." },
  { name: "gen-k40 test #2 (40 blanks)", puzzle: ".9257...4..3..8.9..86..2.3.81...7.5..579148..2.483..1.....8.341.7834...54..2..978" },
];
