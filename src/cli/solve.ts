// `hrm solve`: one puzzle through a checkpoint, segment by segment, printing each segment's grid (changed
// cells highlighted) and Q values, or the trace as JSON.
import { readFileSync } from "node:fs";
import { ConfigError, DataError, UsageError } from "../engine/errors.js";
import { inferenceOnly, makeCtx } from "../engine/context.js";
import { readArcTask } from "../data/arc/task-node.js";
import { readIdentifiers } from "../data/format.js";
import { gridToRows } from "../data/grid.js";
import { mazeProblem, shortestPathProblem } from "../data/maze/path.js";
import { encodeSudoku } from "../data/sudoku/grid.js";
import { parseBoard, solutionProblem } from "../data/sudoku/grid.js";
import { solveSudoku } from "../data/sudoku/solver.js";
import type { ReasoningModel } from "../model/model.js";
import { arcToLabels, arcToTokens, mazeToTokens, sudokuToTokens, tokensToArc, tokensToMaze, tokensToSudoku } from "../solve/codecs.js";
import type { Highlight, TaskKind } from "../solve/render.js";
import { renderTrace } from "../solve/render.js";
import type { Halting, SolveInput, SolveResult } from "../solve/solve.js";
import { solvePuzzle, traceToJson } from "../solve/solve.js";
import { loadCheckpointModel } from "../io/checkpoint-model-node.js";
import { formatHelp, parseArgs } from "./args.js";
import type { Specs } from "./args.js";
import { kernelOptionSpec, kernelsFromOption } from "./kernels-option.js";
import { weightsFromOption, weightsOptionSpec } from "./weights-option.js";
import type { Command } from "./command.js";
import { ttaViewsFromOption } from "./tta-option.js";
import { solveMazeTta } from "../eval/maze-tta.js";
import { solveSudokuTta } from "../eval/sudoku-tta.js";

const specs = {
  checkpoint: { kind: "string", help: "checkpoint folder (config.json + model.safetensors), e.g. from `hrm train` or `hrm import`" },
  sudoku: { kind: "string", help: "a Sudoku as 81 characters, '.' or '0' for blanks" },
  maze: { kind: "string", help: "a maze file: 30 lines of 30 characters of \"# SGo\"" },
  arc: { kind: "string", help: "an ARC task JSON file; its test input --test-index is solved" },
  "test-index": { kind: "number", help: "which test pair of the ARC task", default: 0 },
  data: { kind: "string", help: "ARC: the dataset folder the checkpoint was trained on, to look up the task's puzzle identifier" },
  "puzzle-id": { kind: "number", help: "puzzle identifier to use (default: from --data for ARC, else 0)" },
  halting: { kind: "string", help: "fixed (halt_max_steps segments, as the official eval) or adaptive (stop when q_halt > q_continue; q_halt > 0 for a model trained with no_ACT_continue)", default: "fixed" },
  "max-segments": { kind: "number", help: "segment limit (default halt_max_steps; may exceed it; at most 1000)" },
  tta: { kind: "number", help: "Sudoku and mazes: also solve K augmented views (mazes: K ≤ 8 dihedral) and return a view's answer that satisfies the givens and the rules (1 = off)", default: 1 },
  kernels: kernelOptionSpec,
  weights: weightsOptionSpec,
  json: { kind: "boolean", help: "print the trace as JSON", default: false },
  color: { kind: "boolean", help: "highlight with ANSI colours (default: when stdout is a terminal; else [brackets])" },
} satisfies Specs;

/** Largest --max-segments: each segment is one forward pass and one stored trace row. */
export const MAX_SEGMENTS = 1000;

interface Prepared {
  readonly kind: TaskKind;
  readonly input: SolveInput;
  readonly decode: (tokens: Int32Array) => unknown;
  /** A line judging the final prediction. */
  readonly verdict: (final: Int32Array) => string;
}

function requireShape(model: ReasoningModel, what: string, seqLen: number, vocab: number): void {
  const c = model.config;
  if (c.seq_len !== seqLen || c.vocab_size !== vocab) {
    throw new ConfigError(`${what} needs a model with seq_len ${seqLen} and vocab_size ${vocab}; this checkpoint has seq_len ${c.seq_len}, vocab_size ${c.vocab_size}`);
  }
}

function prepareSudoku(model: ReasoningModel, text: string): Prepared {
  requireShape(model, "--sudoku", 81, 11);
  const inputs = sudokuToTokens(text);
  const board = parseBoard(text.trim(), "sudoku", true);
  const solved = solveSudoku(board);
  // the exact solver gives the labels when the puzzle has exactly one solution
  const labels = solved.count === 1 && solved.solution !== undefined ? Int32Array.from(encodeSudoku(solved.solution)) : undefined;
  return {
    kind: "sudoku",
    input: { inputs, ...(labels ? { labels } : {}) },
    decode: tokensToSudoku,
    verdict: (final) => {
      const s = tokensToSudoku(final);
      if (s.includes("?") || s.includes(".")) return "final grid: incomplete";
      const grid = parseBoard(s, "prediction", false);
      const problem = solutionProblem(grid);
      const keeps = board.every((d, i) => d === 0 || d === grid[i]);
      return problem === null && keeps ? "final grid: a valid solution" : `final grid: not a solution (${problem ?? "changes a given digit"})`;
    },
  };
}

function prepareMaze(model: ReasoningModel, file: string): Prepared {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new DataError(`${file}: cannot read (${(e as Error).message})`);
  }
  const inputs = mazeToTokens(text, file);
  const side0 = Math.sqrt(inputs.length);
  const problem = mazeProblem({ h: side0, w: side0, data: Uint8Array.from(inputs) });
  if (problem !== null) throw new DataError(`${file}: ${problem}`);
  requireShape(model, `--maze (${Math.sqrt(inputs.length)}x${Math.sqrt(inputs.length)})`, inputs.length, 6);
  const side = Math.sqrt(inputs.length);
  const grid = (t: Int32Array): { h: number; w: number; data: Uint8Array } => ({ h: side, w: side, data: Uint8Array.from(t) });
  return {
    kind: "maze",
    input: { inputs },
    decode: tokensToMaze,
    verdict: (final) => {
      const problem = shortestPathProblem(grid(inputs), grid(final));
      return problem === null ? "final grid: a shortest path from S to G" : `final grid: not a shortest path (${problem})`;
    },
  };
}

async function prepareArc(model: ReasoningModel, file: string, index: number, dataDir: string | undefined, puzzleId: number | undefined): Promise<Prepared> {
  requireShape(model, "--arc", 900, 12);
  const name = file.replace(/^.*[\\/]/, "").replace(/\.json$/i, "");
  const task = await readArcTask(file, name);
  const pair = task.test[index];
  if (pair === undefined || !Number.isInteger(index)) throw new UsageError(`--test-index ${index}: task ${name} has ${task.test.length} test pair(s) (0..${task.test.length - 1})`);
  let id = puzzleId;
  if (id === undefined && dataDir !== undefined) {
    const ids = readIdentifiers(dataDir);
    id = ids.indexOf(name);
    if (id < 0) throw new DataError(`task "${name}" is not in ${dataDir}/identifiers.json (${ids.length} names); the model has no trained embedding for it`);
  }
  if (id === undefined) {
    if (model.config.puzzle_emb_ndim > 0 && model.config.num_puzzle_identifiers > 1) {
      console.error(`hrm solve: using puzzle identifier 0 (blank); pass --data <dataset> (or --puzzle-id) to use task ${name}'s trained embedding`);
    }
    id = 0;
  }
  const label = gridToRows(pair.output);
  return {
    kind: "arc",
    input: { inputs: arcToTokens(pair.input), puzzleIdentifier: id, labels: arcToLabels(pair.output) },
    decode: tokensToArc,
    verdict: (final) => (JSON.stringify(tokensToArc(final)) === JSON.stringify(label) ? "final grid: equals the task's test output" : "final grid: differs from the task's test output"),
  };
}

export const command: Command = {
  async run(argv) {
    const args = parseArgs(argv, specs);
    const o = args.options;
    if (args.help) {
      console.log(formatHelp("hrm solve --checkpoint <dir> (--sudoku <81 chars> | --maze <file> | --arc <task.json> [--test-index i]) [options]", specs, [
        "hrm solve --checkpoint runs/sudoku/checkpoints/step_0002000 --sudoku 4.....8.5.3..........7......2.....6.....8.4......1.......6.3.7.5..2.....1.4......",
        "hrm solve --checkpoint ckpt/maze --maze maze.txt --halting adaptive",
        "hrm solve --checkpoint ckpt/arc --arc ARC-AGI/data/evaluation/00576224.json --data data/arc-aug-1000 --json",
      ]));
      return 0;
    }
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
    if (typeof o["checkpoint"] !== "string") throw new UsageError("--checkpoint <dir> is required");
    const tasks = (["sudoku", "maze", "arc"] as const).filter((k) => typeof o[k] === "string");
    if (tasks.length !== 1) throw new UsageError(`give exactly one of --sudoku, --maze, --arc (got ${tasks.length === 0 ? "none" : tasks.map((t) => `--${t}`).join(", ")})`);
    const halting = o["halting"];
    if (halting !== "fixed" && halting !== "adaptive") throw new UsageError(`--halting must be "fixed" or "adaptive", got ${JSON.stringify(halting)}`);
    const maxSegments = o["max-segments"];
    if (maxSegments !== undefined && !(Number.isInteger(maxSegments) && maxSegments >= 1 && maxSegments <= MAX_SEGMENTS)) {
      throw new UsageError(`--max-segments must be an integer from 1 to ${MAX_SEGMENTS}, got ${maxSegments}`);
    }
    const views = ttaViewsFromOption(o["tta"], tasks[0] === "maze");
    if (views > 1 && tasks[0] === "arc") throw new UsageError("--tta is for Sudoku (--sudoku) and mazes (--maze)");
    const kernels = kernelsFromOption(o["kernels"]);
    const model = loadCheckpointModel(o["checkpoint"], weightsFromOption(o["weights"]));
    if (maxSegments === undefined && model.config.halt_max_steps > MAX_SEGMENTS) {
      throw new ConfigError(`${o["checkpoint"]}: halt_max_steps ${model.config.halt_max_steps} is over the ${MAX_SEGMENTS}-segment limit of hrm solve; pass --max-segments N (N <= ${MAX_SEGMENTS})`);
    }
    const prep = tasks[0] === "sudoku" ? prepareSudoku(model, o["sudoku"]!)
      : tasks[0] === "maze" ? prepareMaze(model, o["maze"]!)
      : await prepareArc(model, o["arc"]!, o["test-index"], o["data"], o["puzzle-id"]);
    const input: SolveInput = o["puzzle-id"] !== undefined ? { ...prep.input, puzzleIdentifier: o["puzzle-id"] } : prep.input;
    const ctx = inferenceOnly(makeCtx(kernels)); // the loaded model is only solved with: bf16 weights rounded in place
    const result: SolveResult = solvePuzzle(ctx, model, input, { halting: halting as Halting, ...(maxSegments !== undefined ? { maxSegments } : {}) });
    const ttaOpts = { views, batchSize: views, ...(maxSegments !== undefined ? { segments: maxSegments } : {}) };
    const tta = views <= 1 ? null : prep.kind === "maze" ? solveMazeTta(ctx, model, input.inputs, ttaOpts) : solveSudokuTta(ctx, model, input.inputs, ttaOpts);
    const ttaJson = tta === null ? {} : { tta: { views, verified: tta.verified[0] === 1, chosen_view: tta.chosenView[0], final: Array.from(tta.predictions), final_decoded: prep.decode(tta.predictions), verdict: prep.verdict(tta.predictions) } };
    if (o["json"]) {
      console.log(JSON.stringify({ checkpoint: o["checkpoint"], task: prep.kind, ...traceToJson(result, prep.decode), verdict: prep.verdict(result.final), ...ttaJson }));
      return 0;
    }
    const hl: Highlight = (o["color"] ?? process.stdout.isTTY === true) ? "ansi" : "brackets";
    console.log(renderTrace(prep.kind, result, hl, maxSegments ?? model.config.halt_max_steps));
    console.log(prep.verdict(result.final));
    if (tta !== null) {
      const how = tta.verified[0] === 1 ? `view ${tta.chosenView[0]!} of ${views} satisfies the givens and the rules` : `no view of ${views} satisfies the rules: a σ(q_halt)-weighted vote of the views`;
      console.log(`\ntest-time augmentation (${how}):\n${String(prep.decode(tta.predictions))}\n${prep.verdict(tta.predictions)}`);
    }
    return 0;
  },
};
