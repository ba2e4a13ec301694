// The training loop of the official pretrain.py, on CPU: iterations of eval_interval epochs over the
// train split (batches from the official sampler), one ACT segment per optimizer step with the persistent
// carry, evaluation on the test split, checkpoints that allow an exact resume, metrics as JSON lines and
// a picture of the curves.
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { makeCtx } from "../engine/context.js";
import type { Ctx } from "../engine/context.js";
import { Rng } from "../engine/rng.js";
import type { Kernels } from "../engine/kernels.js";
import { nativeBf16 } from "../kernels/select.js";
import { PuzzleLoader, toModelBatch, trainSchedule } from "../data/loader.js";
import type { OpenSplit } from "../data/split-reader.js";
import { openDatasetSplit } from "../data/split-reader.js";
import { evaluateSplit } from "../eval/evaluate.js";
import type { EvalResult } from "../eval/evaluate.js";
import { CheckpointError, ConfigError, HrmError, UsageError } from "../engine/errors.js";
import type { ModelConfig, ReasoningModel } from "../model/model.js";
import { createModel, parseModelConfig } from "../model/model.js";
import { ProgressBar } from "../util/progress.js";
import type { LoadedCheckpoint, LoaderPosition } from "./checkpoint.js";
import { checkpointName, listCheckpoints, loadCheckpointInto, saveCheckpoint } from "./checkpoint.js";
import { formatChanges, hyperParameterChanges } from "./config-diff.js";
import type { TrainConfig } from "./config.js";
import { parseTrainConfig } from "./config.js";
import { writeCurves } from "./curves.js";
import { truncateMetrics } from "./metrics-file.js";
import { sweepStaleTemps } from "../util/atomic.js";
import { acquireRunLock, checkRunDir } from "./run-lock.js";
import type { OptimConfig, TrainState } from "./step.js";
import { createTrainState, trainStep } from "./step.js";

export interface TrainRunOptions {
  /** Continue from the run folder's latest readable checkpoint (an error when it has none). */
  readonly resume?: boolean;
  /** On resume, accept a training config that differs from the checkpoint's (the changes are listed). */
  readonly acceptConfigChange?: boolean;
  /** Show a progress bar (stderr). */
  readonly progress?: boolean;
  readonly log?: (line: string) => void;
  /**
   * Stop early when aborted (the CLI aborts on SIGINT/SIGTERM): the step under way finishes, a checkpoint of
   * the last completed step is written (unless one was just written), the lock is released and the summary
   * says `interrupted`. Checked between steps; an evaluation under way finishes first.
   */
  readonly signal?: AbortSignal;
}

export interface TrainSummary {
  readonly runDir: string;
  readonly steps: number;
  readonly seconds: number;
  readonly lastEval: EvalResult | null;
  readonly checkpoint: string | null;
  readonly resumedFrom: string | null;
  readonly modelConfig: ModelConfig;
  readonly numParameters: number;
  /** Stopped by `signal` before the end; `checkpoint` is the one to resume from (null: no step was completed). */
  readonly interrupted: boolean;
}

/** The data fields of a model config: a dataset's metadata, or any shapes of the same names. */
export type DataShapes = Pick<OpenSplit["metadata"], "seq_len" | "vocab_size" | "num_puzzle_identifiers">;

/** The model config of a training config on a dataset of these shapes (data fields from its metadata). */
/**
 * The model config of a training config on a dataset. `bf16Native` resolves `forward_dtype: "auto"`:
 * bfloat16 when the kernels multiply bf16 natively (see nativeBf16), else float32.
 */
export function modelConfigFor(config: TrainConfig, m: DataShapes, bf16Native = false): ModelConfig {
  const { loss_type: _loss, name, mlp_t, puzzle_emb_len, forward_dtype: dtype, ...rest } = config.arch;
  const arch = { ...rest, forward_dtype: dtype === "auto" ? (bf16Native ? "bfloat16" : "float32") : dtype };
  const data = { batch_size: config.global_batch_size, seq_len: m.seq_len, vocab_size: m.vocab_size, num_puzzle_identifiers: m.num_puzzle_identifiers };
  if (name === "trm") return parseModelConfig({ ...arch, mlp_t, puzzle_emb_len, ...data }, "trm", "training config arch (trm)");
  if (mlp_t) throw new ConfigError(`config: "arch.mlp_t" is a TRM option; set arch.name=trm to use it`);
  if (arch.pos_encodings === "none") throw new ConfigError(`config: "arch.pos_encodings" none is a TRM option (HRM needs rope or learned)`);
  return parseModelConfig({ ...arch, ...data }, "hrm", "training config arch");
}

export function optimConfigOf(c: TrainConfig): OptimConfig {
  return {
    global_batch_size: c.global_batch_size, lr: c.lr, lr_min_ratio: c.lr_min_ratio, lr_warmup_steps: c.lr_warmup_steps,
    weight_decay: c.weight_decay, beta1: c.beta1, beta2: c.beta2, puzzle_emb_lr: c.puzzle_emb_lr,
    puzzle_emb_weight_decay: c.puzzle_emb_weight_decay, loss_type: c.arch.loss_type,
    ema: c.ema ? { rate: c.ema_rate, warmup: c.ema_warmup } : null,
  };
}

/** Training produced a non-finite loss: the weights are poisoned and are not checkpointed. */
export class TrainingDivergedError extends HrmError {}

/** The first non-finite loss metric of a step ("train/lm_loss" ...), or null when all are finite. */
function nonFiniteLoss(metrics: Readonly<Record<string, number>>): string | null {
  for (const [k, v] of Object.entries(metrics)) if (k.endsWith("loss") && !Number.isFinite(v)) return `${k} ${String(v)}`;
  return null;
}

/** The checkpoint's training config parsed as today (defaults filled), or as stored when it no longer parses. */
function storedTrainConfig(ck: LoadedCheckpoint): unknown {
  try { return parseTrainConfig(ck.trainConfig); } catch { return ck.trainConfig; }
}

function noCheckpoint(runDir: string): UsageError {
  return new UsageError(`--resume: run folder ${runDir} has no checkpoint to resume from; run without --resume to start a new run there`);
}

/**
 * Load the newest readable checkpoint of the run into `model`: a newest one that cannot be read is
 * skipped with a warning (the one before it is complete: checkpoints are written atomically).
 */
function loadLatestCheckpoint(runDir: string, model: ReasoningModel, log: (line: string) => void): LoadedCheckpoint {
  const all = listCheckpoints(runDir);
  if (all.length === 0) throw noCheckpoint(runDir);
  const failures: string[] = [];
  for (let i = all.length - 1; i >= 0; i--) {
    try {
      const ck = loadCheckpointInto(all[i]!, model);
      const st = ck.state as Partial<LoadedCheckpoint["state"]> | null;
      if (typeof st !== "object" || st === null || !Number.isInteger(st.step) || typeof st.loader !== "object" || st.rng === undefined) {
        throw new CheckpointError(`${all[i]!}/state.json: expected step, rng and loader`);
      }
      if (failures.length > 0) log(`hrm train: warning: ${failures.join("; ")}; resuming from the previous complete checkpoint ${all[i]!}`);
      return ck;
    } catch (err) {
      if (!(err instanceof CheckpointError) || /cannot resume a/.test(err.message)) throw err;
      failures.push(`checkpoint ${all[i]!} is unreadable (${err.message})`);
    }
  }
  throw new CheckpointError(`--resume: no readable checkpoint in ${runDir}: ${failures.join("; ")}`);
}

/** Train `config` on `kernels` (the caller picks the backend: the CLI from the config's `kernels` field). */
export async function trainRun(config: TrainConfig, kernels: Kernels, opts: TrainRunOptions = {}): Promise<TrainSummary> {
  const log = opts.log ?? ((s: string) => console.error(s));
  const t0 = performance.now();
  checkRunDir(config.run_dir);
  if (opts.resume && listCheckpoints(config.run_dir).length === 0) throw noCheckpoint(config.run_dir);
  const trainSplit = openDatasetSplit(config.data_path, "train");
  let testSplit: OpenSplit | null = null;
  let release: (() => void) | null = null;
  try {
    testSplit = existsSync(join(config.data_path, "test", "dataset.json")) ? openDatasetSplit(config.data_path, "test") : null;
    mkdirSync(config.run_dir, { recursive: true });
    release = acquireRunLock(config.run_dir, log);
    // checkpoints half-written by a trainer that was killed (its pid is gone): ours to clean, under the lock
    for (const p of sweepStaleTemps(join(config.run_dir, "checkpoints"))) log(`hrm train: removed ${p} (left by a trainer that was killed mid-write)`);
    return await trainLocked(config, opts, log, { t0, kernels, trainSplit, testSplit });
  } finally {
    release?.();
    trainSplit.close();
    testSplit?.close();
  }
}

interface Prepared {
  readonly t0: number;
  readonly kernels: Kernels;
  readonly trainSplit: OpenSplit;
  readonly testSplit: OpenSplit | null;
}

async function trainLocked(config: TrainConfig, opts: TrainRunOptions, log: (line: string) => void, prep: Prepared): Promise<TrainSummary> {
  const { t0, kernels, trainSplit, testSplit } = prep;
  const modelConfig = modelConfigFor(config, trainSplit.metadata, nativeBf16(kernels));
  const sched = trainSchedule(trainSplit.metadata, { epochs: config.epochs, evalInterval: config.eval_interval, globalBatchSize: config.global_batch_size });
  const totalSteps = config.max_steps > 0 ? config.max_steps : sched.totalSteps;
  const optim = optimConfigOf(config);

  const model = createModel(modelConfig, new Rng(config.seed));
  const state = createTrainState(model, optim, totalSteps);
  const rng = new Rng(config.seed + 0x5eed); // exploration draws
  const loader = new PuzzleLoader(trainSplit, { seed: config.seed, globalBatchSize: config.global_batch_size, epochsPerIter: sched.epochsPerIter });
  const metricsPath = join(config.run_dir, "metrics.jsonl");

  let position: LoaderPosition = { iteration: 0, batch: 0 };
  let elapsedBefore = 0;
  let evalSeconds = 0; // wall time spent evaluating (not training); the time budget counts training only
  let resumedFrom: string | null = null;
  let evaluatedAt = -1; // the step of the last evaluation on record
  if (opts.resume) {
    const ck = loadLatestCheckpoint(config.run_dir, model, log);
    const latest = ck.dir;
    const stored = storedTrainConfig(ck);
    if (typeof stored !== "object" || stored === null) log(`hrm train: warning: ${latest}/config.json holds no training config; cannot check it against this one`);
    const changes = typeof stored === "object" && stored !== null ? hyperParameterChanges(stored, config) : [];
    if (changes.length > 0 && opts.acceptConfigChange !== true) {
      throw new UsageError(`--resume: the config differs from checkpoint ${latest}: ${formatChanges(changes)}; pass --accept-config-change to continue with the new values, or resume with the old ones`);
    }
    if (changes.length > 0) log(`hrm train: resuming with a changed config (accepted): ${formatChanges(changes)}`);
    state.adam.expAvg.set(ck.expAvg);
    state.adam.expAvgSq.set(ck.expAvgSq);
    state.adam.step = ck.state.adamStep;
    if (state.ema !== null) {
      if (ck.emaShadow === null) throw new ConfigError(`${latest}: this run keeps an EMA (ema=true) but the checkpoint has none; resume with ema=false or start a new run`);
      state.ema.shadow.set(ck.emaShadow);
      state.ema.updates = ck.state.emaUpdates ?? state.step;
    }
    state.step = ck.state.step;
    state.carry = ck.carry;
    rng.setState(ck.state.rng);
    position = ck.state.loader;
    elapsedBefore = ck.state.elapsedSeconds;
    evalSeconds = ck.state.evalSeconds ?? 0;
    resumedFrom = latest;
    const { torn, evalAtStep } = truncateMetrics(metricsPath, state.step);
    if (torn.length > 0) log(`hrm train: warning: ${metricsPath}: dropped ${torn.length} incomplete line(s) (line ${torn.join(", ")}; a write cut short)`);
    if (evalAtStep) evaluatedAt = state.step; // evaluated before that checkpoint was written
    log(`hrm train: resumed from ${latest} (step ${state.step})`);
  } else {
    writeFileSync(metricsPath, "");
  }
  writeFileSync(join(config.run_dir, "config.json"), JSON.stringify({ train: config, model: modelConfig }, null, 2));
  log(`hrm train: ${model.family.toUpperCase()}${model.family === "trm" && model.config.mlp_t ? " (mlp_t)" : ""}, ${model.params.numParameters.toLocaleString("en")} parameters, T=${model.dims.totalSeqLen}, MLP ${model.dims.mlpIntermediate}, ` +
    `${totalSteps} steps (${sched.totalIters} iteration(s) of ${sched.epochsPerIter} epoch(s)), kernels: ${kernels.name}`);

  const ctx = makeCtx(kernels);
  const elapsed = (): number => elapsedBefore + (performance.now() - t0) / 1000;
  const trainElapsed = (): number => elapsed() - evalSeconds;
  const bar = opts.progress ? new ProgressBar({
    total: totalSteps, label: "train", unit: "steps", initial: state.step,
    remaining: config.max_minutes > 0 ? () => config.max_minutes * 60 - trainElapsed() : undefined,
  }) : null;
  bar?.update(state.step);
  let lastEval: EvalResult | null = null;
  let lastEvalStep = evaluatedAt;
  let lastCheckpoint: string | null = null;
  const checkpoint = (): void => {
    if (lastCheckpoint !== null && lastCheckpoint.endsWith(checkpointName(state.step))) return;
    lastCheckpoint = saveCheckpoint(config.run_dir, config, state, { rng: rng.getState(), loader: position, elapsedSeconds: elapsed(), evalSeconds }, config.keep_checkpoints);
  };
  const evaluate = async (): Promise<void> => {
    if (testSplit === null || lastEvalStep === state.step) return; // once per step (also across a resume)
    const e0 = performance.now();
    lastEval = withEvalWeights(state, () => evalOnce(ctx, model, testSplit, config));
    evalSeconds += (performance.now() - e0) / 1000;
    lastEvalStep = state.step;
    appendFileSync(metricsPath, `${JSON.stringify({ step: state.step, time: elapsed(), train_time: trainElapsed(), row_segments: state.step * config.global_batch_size, eval_weights: state.ema !== null ? "ema" : "live", eval: lastEval.metrics, eval_count: lastEval.count, per_segment: lastEval.perSegment })}\n`);
    log(`\nhrm train: eval at step ${state.step}: exact_accuracy ${(lastEval.metrics["exact_accuracy"] ?? 0).toFixed(4)}, accuracy ${(lastEval.metrics["accuracy"] ?? 0).toFixed(4)} over ${lastEval.count} examples (${lastEval.seconds.toFixed(1)} s)`);
    await writeCurves(config.run_dir);
  };

  let stop = false;
  let interrupted = false;
  const firstStep = state.step;
  let shown = { acc: 0, exact: 0 };
  for (let it = position.iteration > 0 ? position.iteration - 1 : 0; it < sched.totalIters && !stop; it++) {
    loader.resumeAt(it);
    let bi = 0;
    for (const lb of loader.train()) {
      bi++;
      if (it + 1 === position.iteration && bi <= position.batch) continue; // consumed before the checkpoint
      if (state.step >= totalSteps) { stop = true; break; }
      await new Promise<void>((resolve) => setImmediate(resolve)); // let a signal in between steps (a step is 0.1-1 s)
      if (opts.signal?.aborted) { interrupted = true; stop = true; break; }
      const r = trainStep(ctx, state, toModelBatch(lb), optim, rng);
      const bad = nonFiniteLoss(r.metrics);
      if (bad !== null) {
        bar?.finish();
        throw new TrainingDivergedError(`training diverged at step ${state.step}: ${bad}; no checkpoint written for these weights ` +
          `(last checkpoint: ${lastCheckpoint ?? listCheckpoints(config.run_dir).at(-1) ?? "none"}). Check that the labels are within the vocabulary (vocab_size ${modelConfig.vocab_size}) or lower lr (${config.lr})`);
      }
      position = { iteration: it + 1, batch: bi };
      appendFileSync(metricsPath, `${JSON.stringify({ step: state.step, time: elapsed(), ...r.metrics })}\n`);
      // accuracy is measured on rows that halted this step (official metric); show the latest such step
      if ((r.metrics["train/count"] ?? 0) > 0) shown = { acc: r.metrics["train/accuracy"] ?? 0, exact: r.metrics["train/exact_accuracy"] ?? 0 };
      bar?.update(state.step, { loss: (r.metrics["train/lm_loss"] ?? 0).toFixed(3), acc: shown.acc.toFixed(3), exact: shown.exact.toFixed(3) });
      // evaluate before checkpointing: a process killed right after a checkpoint has its evaluation on record
      if (config.eval_every_steps > 0 && state.step % config.eval_every_steps === 0) await evaluate();
      if (config.checkpoint_every_steps > 0 && state.step % config.checkpoint_every_steps === 0) checkpoint();
      if (config.max_minutes > 0 && trainElapsed() >= config.max_minutes * 60) { stop = true; log(`\nhrm train: time budget of ${config.max_minutes} min reached at step ${state.step}`); break; }
    }
    if (!stop) {
      await evaluate();
      if (config.checkpoint_every_eval || it === sched.totalIters - 1) checkpoint();
    }
  }
  bar?.finish();
  if (interrupted) {
    // stop promptly: no evaluation; the last completed step is saved, unless it was saved just now or is the start
    if (state.step > firstStep) checkpoint();
    await writeCurves(config.run_dir);
    const resumeFrom = lastCheckpoint ?? resumedFrom;
    return { runDir: config.run_dir, steps: state.step, seconds: elapsed(), lastEval, checkpoint: resumeFrom, resumedFrom, modelConfig, numParameters: model.params.numParameters, interrupted };
  }
  if (lastEvalStep !== state.step) await evaluate();
  checkpoint();
  await writeCurves(config.run_dir);
  return { runDir: config.run_dir, steps: state.step, seconds: elapsed(), lastEval, checkpoint: lastCheckpoint, resumedFrom, modelConfig, numParameters: model.params.numParameters, interrupted };
}

/** Run fn with the EMA weights in the model when the run keeps an EMA (official TRM evaluate), then restore. */
function withEvalWeights<T>(state: TrainState, fn: () => T): T {
  if (state.ema === null) return fn();
  const live = state.model.params.flat.slice();
  state.model.params.flat.set(state.ema.shadow);
  try {
    return fn();
  } finally {
    state.model.params.flat.set(live);
  }
}

function evalOnce(ctx: Ctx, model: ReasoningModel, split: OpenSplit, config: TrainConfig): EvalResult {
  return evaluateSplit(ctx, model, split, { batchSize: config.global_batch_size, lossType: config.arch.loss_type, maxExamples: config.eval_max_examples });
}

export type { TrainState };
