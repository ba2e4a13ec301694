// The package's browser entry (`exports` condition "browser", and what the web page imports as "hrm"):
// everything here is pure TypeScript over typed arrays, with no Node built-in reachable from it
// (test/web/browser-entry.test.ts walks the import graph to keep it so). Node-only parts (files, the native
// addon, the trainer and the CLI) are in the main entry, index.ts.
export { inferenceOnly, makeCtx } from "./engine/context.js";
export { CheckpointError, HrmError } from "./engine/errors.js";
export { Rng } from "./engine/rng.js";
export type { Kernels } from "./engine/kernels.js";
export { referenceKernels } from "./kernels/reference/index.js";
export { instantiateWasmKernels } from "./kernels/wasm/core.js";
export type { WasmKernels } from "./kernels/wasm/core.js";
export type { HrmConfig } from "./model/hrm/config.js";
export { newModel, parseFamily, parseModelConfig } from "./model/model.js";
export type { ModelConfig, ReasoningModel } from "./model/model.js";
export { checkpointModelConfigOf, modelFromCheckpointBytes } from "./io/checkpoint-model.js";
export { decodeSafetensors, encodeSafetensors } from "./io/safetensors.js";
export { parseArcTask } from "./data/arc/task.js";
export type { ArcTask } from "./data/arc/task.js";
export { cropArcTokens } from "./data/arc/serialize.js";
export type { Grid } from "./data/grid.js";
export { GOAL, OPEN, PATH, START, WALL } from "./data/maze/maze.js";
export { generateMaze } from "./data/maze/generate.js";
export { bfs, findCell, shortestPathProblem } from "./data/maze/path.js";
export { boardToString, parseBoard, solutionProblem } from "./data/sudoku/grid.js";
export { solveSudoku } from "./data/sudoku/solver.js";
export { arcToLabels, arcToTokens, sudokuToTokens, tokensToArc, tokensToSudoku } from "./solve/codecs.js";
export { haltsUnder } from "./solve/halt-rule.js";
export { solvePuzzle } from "./solve/solve.js";
export type { Halting, SegmentTrace, SolveResult } from "./solve/solve.js";
// charts: Vega-Lite specs (plain JSON) that the page renders with vega, as the CLI does in Node
export { compareCurvesSpec, linePanelsSpec, parsePrChartInput, prSpectrumSpec, qHaltSpec, trainingCurvesSpec } from "./viz/charts/index.js";
export type { ChartSpec, CompareRun, EvalPoint, LinePanel, LineRow, PrChartInput } from "./viz/charts/index.js";
