// Public data API: on-disk format, reader, loader and the three builders.
export { type DatasetMetadata, type SplitName, IGNORE_LABEL_ID, readIdentifiers, readMetadata } from "./format.js";
export { type OpenSet, type OpenSplit, type RowSource, openDatasetSplit } from "./split-reader.js";
export { type Batch, type LoaderOptions, PuzzleLoader, type TrainSchedule, planTrainBatches, trainSchedule } from "./loader.js";
export type { BuildProgress, BuildReport, ProgressCallback } from "./report.js";
export { type SudokuBuildOptions, buildSudokuDataset } from "./sudoku/build.js";
export { encodeSudoku } from "./sudoku/grid.js";
export { solveSudoku } from "./sudoku/solver.js";
export { type MazeBuildOptions, buildMazeDataset } from "./maze/build.js";
export { type ArcBuildOptions, buildArcDataset } from "./arc/build.js";
export { type ArcAugmentation, invertAugmentedGrid, parseAugmentedName } from "./arc/augment.js";
export { cropArcTokens } from "./arc/serialize.js";
export { verifyDataset } from "./verify.js";
