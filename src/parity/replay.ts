// Replays the recorded runs of a golden folder with our model and compares every tensor it holds:
// train calls (new batch per call, gradients after call 1, per-stage trace), eval calls, one optimizer step,
// the post-step call, the variant runs (with recorded exploration draws when present), and the loss and
// optimizer unit tests, and the debug/ tensors. Every run uses its own settings from config.json (run-settings.ts);
// a config.json key the checker does not know, and any golden tensor that no replay reads or compares, is
// reported as a failure.
import type { Ctx } from "../engine/context.js";
import { makeCtx } from "../engine/context.js";
import { ConfigError } from "../engine/errors.js";
import { describeValue } from "../util/message-text.js";
import { Rng } from "../engine/rng.js";
import { Tensor } from "../engine/tensor.js";
import type { Kernels } from "../engine/kernels.js";
import type { ActLoss, LossType } from "../losses/act-loss-head.js";
import { actLossHead, parseLossType } from "../losses/act-loss-head.js";
import { softmaxCrossEntropy } from "../losses/softmax-ce.js";
import { logStablemax, stablemaxCrossEntropy } from "../losses/stablemax-ce.js";
import type { ActCarry, ActResult, Batch, ExplorationDraws } from "../model/act.js";
import { actForward, initialCarry } from "../model/act.js";
import type { Mode } from "../model/mode.js";
import { inputEmbeddings } from "../model/hrm/embeddings.js";
import type { ReasoningModel } from "../model/model.js";
import { newModel, parseFamily, parseModelConfig } from "../model/model.js";
import { AdamAtan2 } from "../optim/adam-atan2.js";
import { emaUpdate } from "../optim/ema.js";
import { sparseSignSgdStep } from "../optim/sign-sgd-sparse.js";
import type { CheckResult, Rule, Tolerances } from "./compare.js";
import { compareValues, defaultTolerances, groupOf } from "./compare.js";
import { GoldenSet } from "./golden.js";
import type { RunSettings, TrainRun } from "./run-settings.js";
import { parseRunSettings, trainRuns, unknownKeys } from "./run-settings.js";

const PREFIX = "model.inner.";

export interface CheckOptions {
  readonly kernels: Kernels;
  readonly tolerances?: Tolerances;
  /** Run the model at another forward_dtype than the folder's (e.g. bfloat16 against float32 goldens). */
  readonly forwardDtype?: "float32" | "bfloat16";
  /**
   * "chained": each call starts from our previous call's carry (as pretrain); "per_call": each call t ≥ 2
   * starts from the golden carry of call t − 1 (for models whose recursion amplifies float32 round-off,
   * trm-spec §8). Default: the folder's config.json "recommended_replay", else chained.
   */
  readonly replay?: Replay;
}

export type Replay = "chained" | "per_call";

export interface CheckReport {
  readonly folder: string;
  readonly results: readonly CheckResult[];
  readonly passed: number;
  readonly failed: number;
  readonly family: "hrm" | "trm";
  readonly replay: Replay;
}

interface OptimizerSettings {
  readonly lr: number;
  readonly betas: readonly [number, number];
  readonly weightDecay: number;
  readonly embLr: number;
  readonly embWeightDecay: number;
}

function num(obj: Record<string, unknown> | undefined, key: string, fallback?: number): number {
  const v = obj?.[key];
  if (typeof v === "number") return v;
  if (fallback !== undefined) return fallback;
  throw new ConfigError(`golden config.json: expected a number at "${key}", got ${describeValue(v)}`);
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function betasOf(o: Record<string, unknown> | undefined): [number, number] {
  const b = o?.["betas"];
  return Array.isArray(b) && b.length === 2 && b.every((x) => typeof x === "number") ? [b[0] as number, b[1] as number] : [0.9, 0.95];
}

class Checker {
  readonly results: CheckResult[] = [];
  constructor(readonly golden: GoldenSet, readonly tol: Tolerances) {}

  /** Compare `ours` with golden `name` if the folder has it. */
  check(name: string, ours: ArrayLike<number> | boolean | number, shape: readonly number[], rule?: Rule): void {
    if (!this.golden.has(name)) return;
    const values = typeof ours === "number" ? [ours] : typeof ours === "boolean" ? [ours ? 1 : 0] : ours;
    const r: Rule = rule ?? (this.golden.isInteger(name) ? "exact" : "forward");
    const ref = r === "exact" ? this.golden.i32(name) : this.golden.f64Value(name);
    this.results.push(compareValues(name, r, values, ref, shape, this.golden.shape(name), this.tol));
  }

  tensor(name: string, t: Tensor, rule?: Rule): void {
    this.check(name, t.data, t.shape, rule);
  }

  /** A config.json setting the checker cannot apply as stated: a failure named after the key. */
  configProblem(key: string, detail: string): void {
    this.results.push({ name: `config.json:${key}`, group: "config", rule: "exact", pass: false, maxAbs: NaN, score: Infinity, detail });
  }
}

export function checkReference(folder: string, opts: CheckOptions): CheckReport {
  const golden = new GoldenSet(folder);
  const chk = new Checker(golden, opts.tolerances ?? defaultTolerances);
  const cfgJson = golden.config;
  const modelJson = cfgJson["model_config_effective"] ?? cfgJson["model_config_passed"];
  if (modelJson === undefined) throw new ConfigError(`${folder}/config.json: needs "model_config_effective" or "model_config_passed"`);
  const family = parseFamily(cfgJson["model_family"], `${folder}/config.json model_family`);
  const parsed = parseModelConfig(modelJson, family, `${folder}/config.json model config`);
  const config = opts.forwardDtype ? { ...parsed, forward_dtype: opts.forwardDtype } : parsed;
  const recommended = cfgJson["recommended_replay"];
  if (recommended !== undefined && recommended !== "chained" && recommended !== "per_call") {
    throw new ConfigError(`${folder}/config.json: "recommended_replay" must be "chained" or "per_call", got ${describeValue(recommended)}`);
  }
  const replay: Replay = opts.replay ?? (recommended as Replay | undefined) ?? "chained";
  const lossType = parseLossType(cfgJson["loss_type"] ?? "stablemax_cross_entropy");
  const globalBatch = num(cfgJson, "global_batch_size", config.batch_size);
  const optJson = obj(cfgJson["optimizer"]);
  const optim: OptimizerSettings = {
    lr: num(optJson, "lr", 1e-4), betas: betasOf(optJson), weightDecay: num(optJson, "weight_decay", 0.1),
    embLr: num(optJson, "puzzle_emb_lr", 1e-2), embWeightDecay: num(optJson, "puzzle_emb_weight_decay", 0.1),
  };
  const seeds = obj(cfgJson["seeds"]);
  const rng = new Rng(num(seeds, "loop", 0));
  for (const key of unknownKeys(cfgJson)) chk.configProblem(key, "unknown setting: the checker neither applies it nor knows it as documentation");
  const settings = parseRunSettings(cfgJson, config.halt_exploration_prob, `${folder}/config.json`);
  const ignoreLabel = cfgJson["ignore_label_id"];
  if (ignoreLabel !== undefined && ignoreLabel !== -100) chk.configProblem("ignore_label_id", `the checker's losses ignore label -100 only, the folder says ${describeValue(ignoreLabel)}`);

  const loadParams = (m: ReasoningModel): void => m.params.load((name) => {
    const key = `init/${PREFIX}${name}`;
    return golden.has(key) ? { shape: golden.shape(key), data: golden.f32(key) } : null;
  }, `${folder} init/`);
  const model = newModel(config);
  loadParams(model);
  const ctx = makeCtx(opts.kernels);

  if (model.rope !== null) {
    chk.tensor("rope/cos_cached", model.rope.cos);
    chk.tensor("rope/sin_cached", model.rope.sin);
  }

  // 0. Debug tensors: the input embeddings of train call t's batch with the initial parameters.
  debugTensors(ctx, chk, model);

  // 1. Train calls with the initial parameters; gradients after call 1.
  const run = (name: string, mode: Mode, after?: AfterCall, m: ReasoningModel = model): void => {
    checkRunSettings(chk, settings, name, m.config.halt_exploration_prob);
    runAct(ctx, chk, m, name, mode, lossType, rng, replay, after);
  };
  run("train", "train", (t, result, loss) => {
    if (t !== 1) return;
    model.params.zeroGrad();
    ctx.tape.backward(loss.loss, 1 / globalBatch);
    for (const p of model.params.adam) chk.check(`grad/${PREFIX}${p.name}`, p.grad!, p.shape, "grad");
    const local = result.puzzleLocal;
    if (local !== null) {
      const g = local.weights.grad ?? new Float32Array(local.weights.size);
      chk.check(`grad/${PREFIX}puzzle_emb.local_weights`, g, local.weights.shape, "grad");
      chk.check("train/call1/puzzle_emb/local_ids", local.ids, [local.ids.length]);
    }
  });

  // 2. Eval calls (fresh carry, fixed halt_max_steps segments).
  run("eval", "eval");

  // 3. One optimizer step from init/ with the recorded call-1 gradients (isolates the optimizers).
  //    Then the EMA update that follows it (TRM): shadow registered at init, updated with the new parameters.
  if (golden.names().some((n) => n.startsWith("updated/"))) {
    const initial = model.params.flat.slice();
    optimizerStep(chk, opts.kernels, model, optim);
    const ema = obj(cfgJson["ema"]);
    // ema.enabled false: no EMA in that training, so ema/ tensors are left unreplayed (and reported).
    if (golden.names().some((n) => n.startsWith("ema/")) && ema?.["enabled"] !== false) emaStep(chk, model, initial, num(ema, "ema_rate", 0.999));
  }

  // 4. One train call with the updated parameters.
  run("poststep", "train");

  // 5. Variant: initial parameters with some overrides, where Q-halting happens before the step limit, and
  //    its own run-level settings (exploration probability).
  if (golden.names().some((n) => n.startsWith("variant/"))) {
    const variant = newModel({ ...config, halt_exploration_prob: settings.explorationProb["variant/train"] });
    loadParams(variant);
    for (const name of golden.names()) {
      if (!name.startsWith(`variant/params/${PREFIX}`)) continue;
      variant.params.named(name.slice(`variant/params/${PREFIX}`.length)).data.set(golden.f32(name));
    }
    checkQBias(chk, settings);
    run("variant/train", "train", undefined, variant);
    run("variant/eval", "eval", undefined, variant);
  }

  // 6. Unit tests of the loss functions and the optimizers alone.
  lossUnit(chk, config.vocab_size);
  optimUnit(chk, opts.kernels, obj(cfgJson["optim_unit"]));

  // Every golden tensor must have been read or compared.
  const results = chk.results;
  for (const name of golden.names()) {
    if (golden.used.has(name)) continue;
    results.push({ name, group: groupOf(name), rule: "exact", pass: false, maxAbs: NaN, score: Infinity, detail: "not replayed: no run of the checker produces this tensor" });
  }
  const failed = results.filter((r) => !r.pass).length;
  return { folder, results, passed: results.length - failed, failed, family, replay };
}

type AfterCall = (t: number, result: ActResult, loss: ActLoss) => void;

/** The recorded calls of `run` as config.json states them: how many, and whether their exploration draws are stored. */
function checkRunSettings(chk: Checker, settings: RunSettings, run: string, prob: number): void {
  const g = chk.golden;
  let n = 0;
  while (g.has(`${run}/call${n + 1}/batch/inputs`)) n++;
  const declared = settings.calls[run as keyof RunSettings["calls"]];
  if (declared !== undefined && declared !== n) {
    chk.configProblem(`${run.replace("/", "_")}_calls`, `says ${declared} calls of ${run}, the folder holds ${n}`);
  }
  if (!(run in trainRuns) || n === 0) return;
  const key = trainRuns[run as TrainRun];
  const recorded = settings.drawsRecorded[run as TrainRun];
  const missing = [...Array(n).keys()].map((i) => `${run}/call${i + 1}/explore/rand`).filter((name) => !g.has(name));
  if (recorded === true && missing.length > 0) {
    chk.configProblem(`exploration_draws_recorded.${key}`, `says the draws of ${run} are recorded, but ${missing[0]} is missing (${missing.length} of ${n} calls)`);
  } else if (prob > 0 && missing.length > 0) {
    chk.configProblem(`exploration_draws_recorded.${key}`, `${run} explores with probability ${prob} but ${missing[0]} is missing: its halting decisions cannot be replayed`);
  }
}

/** variant.q_bias must be the q_head.bias the variant run used (variant/params). */
function checkQBias(chk: Checker, settings: RunSettings): void {
  const q = settings.variantQBias;
  const name = `variant/params/${PREFIX}q_head.bias`;
  if (q === undefined || !chk.golden.has(name)) return;
  const stored = chk.golden.f32(name);
  if (stored.length !== q.length || q.some((x, i) => Math.fround(x) !== stored[i])) {
    chk.configProblem("variant.q_bias", `says [${q.join(", ")}], but ${name} holds [${[...stored].join(", ")}]`);
  }
}

/** debug/input_embeddings_batch{t}: the input embeddings of train call t's batch with the initial parameters. */
function debugTensors(ctx: Ctx, chk: Checker, model: ReasoningModel): void {
  const g = chk.golden;
  for (const name of g.names()) {
    const m = /^debug\/input_embeddings_batch(\d+)$/.exec(name);
    if (m === null) continue;
    const c = `train/call${m[1]}/batch`;
    if (!g.has(`${c}/inputs`)) continue; // left unreplayed: reported as such
    const { x } = inputEmbeddings(ctx, model, g.i32(`${c}/inputs`), g.i32(`${c}/puzzle_identifiers`), "eval");
    chk.tensor(name, x);
    ctx.tape.clear();
  }
}

/** Replay `<run>/call{t}` for t = 1, 2, ... while the golden folder has that call's batch. */
function runAct(ctx: Ctx, chk: Checker, model: ReasoningModel, run: string, mode: Mode, lossType: LossType, rng: Rng, replay: Replay, after?: AfterCall): void {
  const g = chk.golden;
  let carry: ActCarry | null = null;
  for (let t = 1; g.has(`${run}/call${t}/batch/inputs`); t++) {
    const c = `${run}/call${t}`;
    const batch: Batch = { inputs: g.i32(`${c}/batch/inputs`), labels: g.i32(`${c}/batch/labels`), puzzleIdentifiers: g.i32(`${c}/batch/puzzle_identifiers`) };
    const B = batch.puzzleIdentifiers.length;
    if (replay === "per_call" && t >= 2) carry = goldenCarry(chk, model, run, t - 1) ?? carry;
    carry ??= initialCarry(model, B);
    const draws: ExplorationDraws | undefined = g.has(`${c}/explore/rand`) ? { rand: g.f32(`${c}/explore/rand`), randint: g.i32(`${c}/explore/randint`) } : undefined;
    // Numbered stages (input embeddings, every module pass) and, for TRM, the first pass's layers by name;
    // copied when traced, since the pool reuses a buffer once its pass is done with it.
    const numbered: Tensor[] = [], named: Array<[string, Tensor]> = [];
    const stageNames: string[] = [];
    const wantTrace = run === "train" && g.has(`trace/call${t}/00_input_embeddings`);
    const trace = (stage: string, x: Tensor): void => {
      const copy = new Tensor(x.data.slice(), x.shape);
      if (stage.startsWith("pass")) named.push([stage, copy]);
      else { numbered.push(copy); stageNames.push(stage); }
    };
    const result = actForward(ctx, model, carry, batch, { mode, rng, ...(draws ? { draws } : {}), ...(wantTrace ? { trace } : {}) });
    const loss = actLossHead(ctx, result, lossType);
    numbered.forEach((x, i) => chk.tensor(`trace/call${t}/${String(i).padStart(2, "0")}_${stageNames[i]!}`, x));
    for (const [stage, x] of named) chk.tensor(`trace/call${t}/${stage}`, x);
    compareCall(chk, c, result, loss);
    after?.(t, result, loss);
    ctx.tape.clear();
    carry = result.carry;
  }
}

/**
 * The carry after golden call t of `run` (per_call replay), or null when the folder does not hold its states.
 * Eval runs of trm-tiny-a leave out z_H/z_L, bit-identical to the train calls' (its README).
 */
function goldenCarry(chk: Checker, model: ReasoningModel, run: string, t: number): ActCarry | null {
  const g = chk.golden;
  const c = `${run}/call${t}`;
  const zSource = g.has(`${c}/carry/z_H`) ? c : run === "eval" && g.has(`train/call${t}/carry/z_H`) ? `train/call${t}` : null;
  if (zSource === null || !g.has(`${c}/carry/steps`)) return null;
  const shape = g.shape(`${zSource}/carry/z_H`);
  const halted = g.i32(`${c}/carry/halted`);
  void model;
  return {
    inner: { zH: new Tensor(g.f32(`${zSource}/carry/z_H`), shape), zL: new Tensor(g.f32(`${zSource}/carry/z_L`), shape) },
    steps: g.i32(`${c}/carry/steps`),
    halted: Uint8Array.from(halted, (h) => (h ? 1 : 0)),
    data: {
      inputs: g.i32(`${c}/carry/current_data/inputs`),
      labels: g.i32(`${c}/carry/current_data/labels`),
      puzzleIdentifiers: g.i32(`${c}/carry/current_data/puzzle_identifiers`),
    },
  };
}

function compareCall(chk: Checker, c: string, result: ActResult, loss: ActLoss): void {
  const { carry, outputs } = result;
  const B = carry.steps.length;
  chk.tensor(`${c}/carry/z_H`, carry.inner.zH);
  chk.tensor(`${c}/carry/z_L`, carry.inner.zL);
  chk.check(`${c}/carry/steps`, carry.steps, [B]);
  chk.check(`${c}/carry/halted`, carry.halted, [B]);
  const S = carry.data.inputs.length / B;
  chk.check(`${c}/carry/current_data/inputs`, carry.data.inputs, [B, S]);
  chk.check(`${c}/carry/current_data/labels`, carry.data.labels, [B, S]);
  chk.check(`${c}/carry/current_data/puzzle_identifiers`, carry.data.puzzleIdentifiers, [B]);
  chk.tensor(`${c}/out/logits`, outputs.logits);
  chk.tensor(`${c}/out/q_halt_logits`, outputs.qHalt);
  chk.tensor(`${c}/out/q_continue_logits`, outputs.qContinue);
  if (chk.golden.has(`${c}/out/preds`)) chk.check(`${c}/out/preds`, argmaxLast(outputs.logits), outputs.logits.shape.slice(0, -1));
  if (outputs.targetQContinue !== null) chk.check(`${c}/out/target_q_continue`, outputs.targetQContinue, [B]);
  chk.check(`${c}/loss`, loss.loss.data[0]!, []);
  for (const [k, v] of Object.entries(loss.metrics)) chk.check(`${c}/metrics/${k}`, v as number, []);
  chk.check(`${c}/all_halted`, carry.halted.every((h) => h === 1), []);
}

/** argmax over the last axis, the first index on ties (torch.argmax). */
function argmaxLast(x: Tensor): Int32Array {
  const V = x.shape[x.shape.length - 1]!;
  const out = new Int32Array(x.size / V);
  for (let r = 0; r < out.length; r++) {
    let best = 0;
    for (let j = 1; j < V; j++) if (x.data[r * V + j]! > x.data[r * V + best]!) best = j;
    out[r] = best;
  }
  return out;
}

/** The official EMAHelper: shadow registered from the initial parameters, one update with the stepped ones. */
function emaStep(chk: Checker, model: ReasoningModel, initial: Float32Array, mu: number): void {
  emaUpdate(initial, model.params.flat, mu);
  let off = 0;
  for (const p of model.params.adam) {
    chk.check(`ema/${PREFIX}${p.name}`, initial.subarray(off, off + p.size), p.shape, "updated");
    off += p.size;
  }
}

function optimizerStep(chk: Checker, kernels: Kernels, model: ReasoningModel, o: OptimizerSettings): void {
  const g = chk.golden;
  const params = model.params;
  for (const p of params.adam) {
    const key = `grad/${PREFIX}${p.name}`;
    if (g.has(key)) p.grad!.set(g.f32(key));
    else p.grad!.fill(0);
  }
  const adam = new AdamAtan2(params.flat, params.gradFlat, { beta1: o.betas[0], beta2: o.betas[1], weightDecay: o.weightDecay });
  adam.update(kernels, o.lr);
  if (params.has("puzzle_emb.weights")) {
    const localKey = `grad/${PREFIX}puzzle_emb.local_weights`;
    const idsKey = "train/call1/puzzle_emb/local_ids";
    if (g.has(localKey) && g.has(idsKey)) {
      const table = params.get("puzzle_emb.weights");
      sparseSignSgdStep(table.data as Float32Array, g.f32(localKey), g.i32(idsKey), table.shape[1]!, o.embLr, o.embWeightDecay);
    }
  }
  for (const [name, t] of params.tensors) chk.tensor(`updated/${PREFIX}${name}`, t, "updated");
}

function lossUnit(chk: Checker, V: number): void {
  const g = chk.golden;
  if (!g.has("lossfn/logits")) return;
  const shape = g.shape("lossfn/logits");
  const logits = g.f32("lossfn/logits"), labels = g.i32("lossfn/labels");
  const Vl = shape[shape.length - 1] ?? V;
  const rowsShape = shape.slice(0, -1);
  chk.check("lossfn/stablemax_cross_entropy", stablemaxCrossEntropy(logits, labels, Vl), rowsShape);
  chk.check("lossfn/softmax_cross_entropy", softmaxCrossEntropy(logits, labels, Vl), rowsShape);
  chk.check("lossfn/log_stablemax", logStablemax(logits, Vl), shape);
}

function optimUnit(chk: Checker, kernels: Kernels, cfg: Record<string, unknown> | undefined): void {
  const g = chk.golden;
  if (g.has("optim_unit/adam/param_init")) {
    const a = obj(cfg?.["adam"]);
    const param = g.f32("optim_unit/adam/param_init");
    const grad = new Float32Array(param.length);
    const [beta1, beta2] = betasOf(a);
    const adam = new AdamAtan2(param, grad, { beta1, beta2, weightDecay: num(a, "weight_decay", 0.1) });
    for (let k = 1; g.has(`optim_unit/adam/step${k}/grad`); k++) {
      grad.set(g.f32(`optim_unit/adam/step${k}/grad`));
      adam.update(kernels, num(a, "lr", 1e-3));
      chk.check(`optim_unit/adam/step${k}/param`, param, [param.length], "updated");
      chk.check(`optim_unit/adam/step${k}/exp_avg`, adam.expAvg, [param.length], "updated");
      chk.check(`optim_unit/adam/step${k}/exp_avg_sq`, adam.expAvgSq, [param.length], "updated");
    }
  }
  if (g.has("optim_unit/signsgd/weights_init")) {
    const s = obj(cfg?.["signsgd"]);
    const shape = g.shape("optim_unit/signsgd/weights_init");
    const w = g.f32("optim_unit/signsgd/weights_init");
    sparseSignSgdStep(w, g.f32("optim_unit/signsgd/local_weights_grad"), g.i32("optim_unit/signsgd/local_ids"), shape[1]!, num(s, "lr", 1e-2), num(s, "weight_decay", 0.1));
    chk.check("optim_unit/signsgd/weights_updated", w, shape, "updated");
  }
  if (g.has("optim_unit/ema/param_init")) {
    const mu = num(obj(cfg?.["ema"]), "mu", 0.999);
    const shadow = g.f32("optim_unit/ema/param_init").slice();
    for (let k = 1; g.has(`optim_unit/ema/step${k}/param`); k++) {
      emaUpdate(shadow, g.f32(`optim_unit/ema/step${k}/param`), mu);
      chk.check(`optim_unit/ema/step${k}/shadow`, shadow, [shadow.length], "updated");
    }
  }
}
