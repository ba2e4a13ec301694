// The public API of hrm. Everything a library user needs: build or load a model, pick kernels, run ACT
// segments, train, evaluate, solve one puzzle, read and write checkpoints and datasets.

// engine and kernels
export { Tensor } from "./engine/tensor.js";
export { Rng } from "./engine/rng.js";
export { frozenWeights, inferenceOnly, makeCtx, stepScope } from "./engine/context.js";
export type { Ctx } from "./engine/context.js";
export { HrmError, ShapeError, ConfigError, CheckpointError, DataError, UsageError } from "./engine/errors.js";
export type { Kernels, KernelName } from "./engine/kernels.js";
export { referenceKernels } from "./kernels/reference/index.js";
export { selectKernels } from "./kernels/select.js";

// model
export { parseHrmConfig, deriveDims } from "./model/hrm/config.js";
export type { HrmConfig, HrmDims } from "./model/hrm/config.js";
export { HrmModel } from "./model/hrm/model.js";
export { actForward, initialCarry } from "./model/act.js";
export type { ActCarry, ActResult, Batch, ExplorationDraws } from "./model/act.js";
export { innerForward } from "./model/hrm/inner.js";

// losses and optimizers
export { actLossHead } from "./losses/act-loss-head.js";
export type { ActMetrics, LossType } from "./losses/act-loss-head.js";
export { stablemaxCrossEntropy, logStablemax } from "./losses/stablemax-ce.js";
export { softmaxCrossEntropy } from "./losses/softmax-ce.js";
export { AdamAtan2 } from "./optim/adam-atan2.js";
export { sparseSignSgdStep } from "./optim/sign-sgd-sparse.js";
export { lrAt } from "./optim/schedule.js";

// training, evaluation, solving
export { trainStep, createTrainState } from "./train/step.js";
export type { OptimConfig, TrainState } from "./train/step.js";
export { trainRun } from "./train/trainer.js";
export { parseTrainConfig } from "./train/config.js";
export type { TrainConfig } from "./train/config.js";
export { presetConfig, presetNames } from "./train/presets.js";
export { loadCheckpointModel } from "./io/checkpoint-model-node.js";
export { evaluateSplit } from "./eval/evaluate.js";
export { solvePuzzle } from "./solve/solve.js";
export type { SolveResult } from "./solve/solve.js";
export type { HaltRule } from "./solve/halt-rule.js";
export { sudokuToTokens, tokensToSudoku, mazeToTokens, tokensToMaze } from "./solve/codecs.js";

// files
export { decodeSafetensors, encodeSafetensors } from "./io/safetensors.js";
export { readSafetensors, writeSafetensors } from "./io/safetensors-node.js";
export { readTorchCheckpoint, writeTorchCheckpoint } from "./io/torch-checkpoint.js";
export { modelTensors, loadModelTensors } from "./io/model-weights.js";
export { checkReference } from "./parity/replay.js";

// datasets
export { buildSudokuDataset } from "./data/sudoku/build.js";
export { buildMazeDataset } from "./data/maze/build.js";
export { buildArcDataset } from "./data/arc/build.js";
export { openDatasetSplit } from "./data/split-reader.js";
export { PuzzleLoader } from "./data/loader.js";

// charts: one Vega-Lite spec per chart (the same objects the browser entry exports), rendered to SVG and PNG
export { compareCurvesSpec, linePanelsSpec, parsePrChartInput, prSpectrumSpec, qHaltSpec, trainingCurvesSpec } from "./viz/charts/index.js";
export type { ChartSpec, CompareRun, EvalPoint, LinePanel, LineRow, PrChartInput } from "./viz/charts/index.js";
export { chartSvg, rasterize, writeChart } from "./viz/charts/render-node.js";
