// Replays the recorded runs of a golden folder with our model and compares every tensor it holds:
// train calls (new batch per call, gradients after call 1, per-stage trace), eval calls, one optimizer step,
// the post-step call, the variant runs (with recorded exploration draws when present), and the loss and
// optimizer unit tests. Any golden tensor that no replay reads or compares is reported as a failure.
import type { Ctx } from "../engine/context.js";
import { makeCtx } from "../engine/context.js";
import { ConfigError } from "../engine/errors.js";
import { Rng } from "../engine/rng.js";
import type { Tensor } from "../engine/tensor.js";
import type { Kernels } from "../kernels/kernels.js";
import type { ActLoss, LossType } from "../losses/act-loss-head.js";
import { actLossHead, parseLossType } from "../losses/act-loss-head.js";
import { softmaxCrossEntropy } from "../losses/softmax-ce.js";
import { logStablemax, stablemaxCrossEntropy } from "../losses/stablemax-ce.js";
import type { ActCarry, ActResult, Batch, ExplorationDraws } from "../model/hrm/act.js";
import { actForward, initialCarry } from "../model/hrm/act.js";
import { parseHrmConfig } from "../model/hrm/config.js";
import type { Mode } from "../model/hrm/embeddings.js";
import { HrmModel } from "../model/hrm/model.js";
import { AdamAtan2 } from "../optim/adam-atan2.js";
import { sparseSignSgdStep } from "../optim/sign-sgd-sparse.js";
import type { CheckResult, Rule, Tolerances } from "./compare.js";
import { compareValues, defaultTolerances, groupOf } from "./compare.js";
import { GoldenSet } from "./golden.js";

const PREFIX = "model.inner.";

export interface CheckOptions {
  readonly kernels: Kernels;
  readonly tolerances?: Tolerances;
  /** Run the model at another forward_dtype than the folder's (e.g. bfloat16 against float32 goldens). */
  readonly forwardDtype?: "float32" | "bfloat16";
}

export interface CheckReport {
  readonly folder: string;
  readonly results: readonly CheckResult[];
  readonly passed: number;
  readonly failed: number;
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
  throw new ConfigError(`golden config.json: expected a number at "${key}", got ${JSON.stringify(v)}`);
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
}

export function checkReference(folder: string, opts: CheckOptions): CheckReport {
  const golden = new GoldenSet(folder);
  const chk = new Checker(golden, opts.tolerances ?? defaultTolerances);
  const cfgJson = golden.config;
  const modelJson = cfgJson["model_config_effective"] ?? cfgJson["model_config_passed"];
  if (modelJson === undefined) throw new ConfigError(`${folder}/config.json: needs "model_config_effective" or "model_config_passed"`);
  const parsed = parseHrmConfig(modelJson, `${folder}/config.json model config`);
  const config = opts.forwardDtype ? { ...parsed, forward_dtype: opts.forwardDtype } : parsed;
  const lossType = parseLossType(cfgJson["loss_type"] ?? "stablemax_cross_entropy");
  const globalBatch = num(cfgJson, "global_batch_size", config.batch_size);
  const optJson = obj(cfgJson["optimizer"]);
  const optim: OptimizerSettings = {
    lr: num(optJson, "lr", 1e-4), betas: betasOf(optJson), weightDecay: num(optJson, "weight_decay", 0.1),
    embLr: num(optJson, "puzzle_emb_lr", 1e-2), embWeightDecay: num(optJson, "puzzle_emb_weight_decay", 0.1),
  };
  const seeds = obj(cfgJson["seeds"]);
  const rng = new Rng(num(seeds, "loop", 0));

  const model = new HrmModel(config);
  const loadParams = (): void => model.params.load((name) => {
    const key = `init/${PREFIX}${name}`;
    return golden.has(key) ? { shape: golden.shape(key), data: golden.f32(key) } : null;
  }, `${folder} init/`);
  loadParams();
  const ctx = makeCtx(opts.kernels);

  if (model.rope !== null) {
    chk.tensor("rope/cos_cached", model.rope.cos);
    chk.tensor("rope/sin_cached", model.rope.sin);
  }

  // 1. Train calls with the initial parameters; gradients after call 1.
  runAct(ctx, chk, model, "train", "train", lossType, rng, (t, result, loss) => {
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
  runAct(ctx, chk, model, "eval", "eval", lossType, rng);

  // 3. One optimizer step from init/ with the recorded call-1 gradients (isolates the optimizers).
  if (golden.names().some((n) => n.startsWith("updated/"))) optimizerStep(chk, opts.kernels, model, optim);

  // 4. One train call with the updated parameters.
  runAct(ctx, chk, model, "poststep", "train", lossType, rng);

  // 5. Variant: initial parameters with some overrides, where Q-halting happens before the step limit.
  if (golden.names().some((n) => n.startsWith("variant/"))) {
    loadParams();
    for (const name of golden.names()) {
      if (!name.startsWith(`variant/params/${PREFIX}`)) continue;
      model.p(name.slice(`variant/params/${PREFIX}`.length)).data.set(golden.f32(name));
    }
    runAct(ctx, chk, model, "variant/train", "train", lossType, rng);
    runAct(ctx, chk, model, "variant/eval", "eval", lossType, rng);
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
  return { folder, results, passed: results.length - failed, failed };
}

type AfterCall = (t: number, result: ActResult, loss: ActLoss) => void;

/** Replay `<run>/call{t}` for t = 1, 2, ... while the golden folder has that call's batch. */
function runAct(ctx: Ctx, chk: Checker, model: HrmModel, run: string, mode: Mode, lossType: LossType, rng: Rng, after?: AfterCall): void {
  const g = chk.golden;
  let carry: ActCarry | null = null;
  for (let t = 1; g.has(`${run}/call${t}/batch/inputs`); t++) {
    const c = `${run}/call${t}`;
    const batch: Batch = { inputs: g.i32(`${c}/batch/inputs`), labels: g.i32(`${c}/batch/labels`), puzzleIdentifiers: g.i32(`${c}/batch/puzzle_identifiers`) };
    const B = batch.puzzleIdentifiers.length;
    carry ??= initialCarry(model, B);
    const draws: ExplorationDraws | undefined = g.has(`${c}/explore/rand`) ? { rand: g.f32(`${c}/explore/rand`), randint: g.i32(`${c}/explore/randint`) } : undefined;
    const traced: Array<[string, Tensor]> = [];
    const traceName = `trace/call${t}/00_input_embeddings`;
    const wantTrace = run === "train" && g.has(traceName);
    const result = actForward(ctx, model, carry, batch, {
      mode, rng, ...(draws ? { draws } : {}), ...(wantTrace ? { trace: (stage: string, x: Tensor) => { traced.push([stage, x]); } } : {}),
    });
    const loss = actLossHead(ctx, result, lossType);
    traced.forEach(([stage, x], i) => chk.tensor(`trace/call${t}/${String(i).padStart(2, "0")}_${stage}`, x));
    compareCall(chk, c, result, loss);
    after?.(t, result, loss);
    ctx.tape.clear();
    carry = result.carry;
  }
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
  if (outputs.targetQContinue !== null) chk.check(`${c}/out/target_q_continue`, outputs.targetQContinue, [B]);
  chk.check(`${c}/loss`, loss.loss.data[0]!, []);
  for (const [k, v] of Object.entries(loss.metrics)) chk.check(`${c}/metrics/${k}`, v as number, []);
  chk.check(`${c}/all_halted`, carry.halted.every((h) => h === 1), []);
}

function optimizerStep(chk: Checker, kernels: Kernels, model: HrmModel, o: OptimizerSettings): void {
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
}
