// One training step as the official pretrain.train_batch (hrm-spec §5.5):
//   carry ← initial_carry on the first step; one ACT segment (halted rows take the new batch's rows) with
//   exploration and the Q target; loss head; backward of loss / global_batch_size; step counter += 1;
//   sign-SGD on the puzzle-embedding rows of this batch and AdamATan2 on every parameter, each at its
//   scheduled learning rate, then the EMA update (TRM's pretrain, when enabled); metrics reduced as the
//   official code logs them.
import type { Ctx } from "../engine/context.js";
import { stepScope, stepWeights } from "../engine/context.js";
import { InternalError } from "../engine/errors.js";
import type { Rng } from "../engine/rng.js";
import type { ActLoss, ActMetrics, LossType } from "../losses/act-loss-head.js";
import { actLossHead } from "../losses/act-loss-head.js";
import type { ActCarry, Batch } from "../model/act.js";
import { actForward, initialCarry } from "../model/act.js";
import type { ReasoningModel } from "../model/model.js";
import { AdamAtan2 } from "../optim/adam-atan2.js";
import type { EmaOptions } from "../optim/ema.js";
import { Ema } from "../optim/ema.js";
import { lrAt } from "../optim/schedule.js";
import { sparseSignSgdStep } from "../optim/sign-sgd-sparse.js";

/** Optimisation settings with the official config names (cfg_pretrain.yaml). */
export interface OptimConfig {
  readonly global_batch_size: number;
  readonly lr: number;
  readonly lr_min_ratio: number;
  readonly lr_warmup_steps: number;
  readonly weight_decay: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly puzzle_emb_lr: number;
  readonly puzzle_emb_weight_decay: number;
  readonly loss_type: LossType;
  /** EMA of the parameters after every step (official TRM `ema`, `ema_rate`), with the short-run warm-up option. */
  readonly ema: EmaOptions | null;
}

/** Everything a training run carries from step to step (and a checkpoint saves). */
export interface TrainState {
  readonly model: ReasoningModel;
  readonly adam: AdamAtan2;
  /** The EMA shadow of the Adam parameters (null without EMA). */
  readonly ema: Ema | null;
  carry: ActCarry | null;
  /** Optimizer steps taken. */
  step: number;
  readonly totalSteps: number;
}

export function createTrainState(model: ReasoningModel, optim: OptimConfig, totalSteps: number): TrainState {
  const p = model.params;
  return {
    model,
    adam: new AdamAtan2(p.flat, p.gradFlat, { beta1: optim.beta1, beta2: optim.beta2, weightDecay: optim.weight_decay }),
    ema: optim.ema === null ? null : new Ema(p.flat, optim.ema),
    carry: null,
    step: 0,
    totalSteps,
  };
}

/** Official train metrics: keys ending in "loss" divided by the global batch, the rest by max(count, 1). */
export type TrainMetrics = Record<string, number>;

export function reduceTrainMetrics(m: ActMetrics, globalBatchSize: number, lr: number): TrainMetrics {
  const count = Math.max(m.count, 1);
  const out: TrainMetrics = {};
  for (const [k, v] of Object.entries(m)) out[`train/${k}`] = (v as number) / (k.endsWith("loss") ? globalBatchSize : count);
  out["train/lr"] = lr;
  return out;
}

export interface StepResult {
  readonly loss: ActLoss;
  readonly metrics: TrainMetrics;
  readonly lr: number;
}

export function trainStep(ctx: Ctx, state: TrainState, batch: Batch, optim: OptimConfig, rng: Rng): StepResult {
  // Every activation and gradient of the step comes from the pool and returns to it at the end.
  // bf16: each weight is rounded once for the step's forward and backward (one parameter version per step).
  return stepScope(ctx, () => trainStepInScope(stepWeights(ctx), state, batch, optim, rng));
}

function trainStepInScope(ctx: Ctx, state: TrainState, batch: Batch, optim: OptimConfig, rng: Rng): StepResult {
  const { model } = state;
  // inferenceOnly (engine/context.ts) rounds weights in place for good: such a model must not be trained on
  if (model.params.adam.some((t) => t.bf16Values)) {
    throw new InternalError("trainStep: this model's weights were rounded to bfloat16 in place for inference (inferenceOnly); load it again to train");
  }
  const B = batch.puzzleIdentifiers.length;
  state.carry ??= initialCarry(model, B);
  const result = actForward(ctx, model, state.carry, batch, { mode: "train", rng });
  const loss = actLossHead(ctx, result, optim.loss_type);
  model.params.zeroGrad();
  ctx.tape.backward(loss.loss, 1 / optim.global_batch_size);
  state.carry = result.carry;

  state.step++;
  const schedule = (baseLr: number): number =>
    lrAt(state.step, { baseLr, warmupSteps: optim.lr_warmup_steps, totalSteps: state.totalSteps, minRatio: optim.lr_min_ratio });
  const local = result.puzzleLocal;
  if (local !== null && local.weights.grad !== null) {
    const table = model.p("puzzle_emb.weights");
    sparseSignSgdStep(table.data as Float32Array, local.weights.grad, local.ids, table.shape[1]!, schedule(optim.puzzle_emb_lr), optim.puzzle_emb_weight_decay);
  }
  const lr = schedule(optim.lr);
  state.adam.update(ctx.kernels, lr);
  state.ema?.update(model.params.flat);
  return { loss, metrics: reduceTrainMetrics(loss.metrics, optim.global_batch_size, lr), lr };
}
