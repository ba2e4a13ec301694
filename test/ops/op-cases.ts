// The differentiable ops as one table: each case builds its inputs and its function for a given float type,
// so the same cases run as float64 gradchecks (reference kernels, gradcheck.test.ts) and as float32
// gradient parity on every backend (backend-grads.test.ts).
import type { Ctx } from "../../src/engine/context.js";
import { Tensor } from "../../src/engine/tensor.js";
import { attention } from "../../src/ops/attention.js";
import { add, addBroadcast, scale, view } from "../../src/ops/elementwise.js";
import { embedding } from "../../src/ops/embedding.js";
import { leftLinear } from "../../src/ops/left-linear.js";
import { linear } from "../../src/ops/linear.js";
import { addRmsNorm, rmsNorm } from "../../src/ops/rms-norm.js";
import { rope } from "../../src/ops/rope.js";
import { selectColumn } from "../../src/ops/select.js";
import { swiglu } from "../../src/ops/swiglu.js";
import { concatTokens, padLast, sliceTokens } from "../../src/ops/tokens.js";
import { transposeLast2 } from "../../src/ops/transpose.js";
import { rotaryTables } from "../../src/model/hrm/rotary.js";

export type FloatKind = "f64" | "f32";

export interface OpCase {
  readonly name: string;
  /** Input shapes (each input is random normal times `scale`, requires grad). */
  readonly shapes: readonly (readonly number[])[];
  readonly scale?: number;
  /** Coordinates per input the float64 gradcheck probes (default 64). */
  readonly maxPerInput?: number;
  /** The function of the inputs; `cast` turns a float32 constant table into the run's float type. */
  readonly f: (c: Ctx, xs: Tensor[], cast: (t: Tensor) => Tensor) => Tensor;
}

const NH = 2, HD = 4, T = 5;
const rot = rotaryTables(T, HD, 10000);
const rot3 = rotaryTables(3, 2, 10000);
const ids = Int32Array.from([2, 0, 2, 3, 2, 1]);

export const opCases: readonly OpCase[] = [
  { name: "linear: x, W and bias", shapes: [[2, 3, 5], [4, 5], [4]], f: (c, [x, w, b]) => linear(c, x!, w!, b!) },
  { name: "linear without bias", shapes: [[7, 3], [2, 3]], f: (c, [x, w]) => linear(c, x!, w!) },
  { name: "rmsNorm", shapes: [[3, 4, 6]], f: (c, [x]) => rmsNorm(c, x!, 1e-5) },
  { name: "addRmsNorm (the residual add fused into the norm)", shapes: [[3, 4, 6], [3, 4, 6]], f: (c, [a, b]) => addRmsNorm(c, a!, b!, 1e-5) },
  { name: "addRmsNorm of the same input twice", shapes: [[2, 5]], f: (c, [a]) => addRmsNorm(c, a!, a!, 1e-5) },
  { name: "rope on the Q and K heads of a fused qkv", shapes: [[2, T, 3 * NH * HD]], f: (c, [x], cast) => rope(c, x!, cast(rot.cos), cast(rot.sin), NH, HD) },
  { name: "attention (non-causal, fused qkv)", shapes: [[2, 4, 3 * 2 * 3]], maxPerInput: 144, f: (c, [x]) => attention(c, x!, 2, 3) },
  { name: "swiglu", shapes: [[3, 2, 10]], scale: 2, f: (c, [x]) => swiglu(c, x!) },
  { name: "embedding gather with repeated ids (scatter-add)", shapes: [[5, 3]], f: (c, [t]) => embedding(c, t!, ids, [2, 3]) },
  { name: "add", shapes: [[2, 3], [2, 3]], f: (c, [a, b]) => add(c, a!, b!) },
  { name: "add of the same input twice", shapes: [[4]], f: (c, [a]) => add(c, a!, a!) },
  { name: "scale", shapes: [[5]], f: (c, [a]) => scale(c, a!, -1.7) },
  { name: "addBroadcast", shapes: [[3, 2, 4], [2, 4]], f: (c, [a, b]) => addBroadcast(c, a!, b!) },
  { name: "view", shapes: [[2, 6]], f: (c, [a]) => view(c, a!, [2, 2, 3]) },
  { name: "transposeLast2 (TRM's mlp_t)", shapes: [[2, 3, 5]], f: (c, [a]) => transposeLast2(c, a!) },
  { name: "transposeLast2 twice", shapes: [[1, 4, 3]], f: (c, [a]) => transposeLast2(c, transposeLast2(c, a!)) },
  { name: "transposeLast2 over more than one cache tile", shapes: [[1, 37, 33]], f: (c, [a]) => transposeLast2(c, a!) },
  { name: "leftLinear (TRM's mlp_t: W·x[b] over the token axis)", shapes: [[3, 5, 4], [6, 5]], f: (c, [x, w]) => leftLinear(c, x!, w!) },
  { name: "leftLinear of one batch row", shapes: [[1, 7, 2], [3, 7]], f: (c, [x, w]) => leftLinear(c, x!, w!) },
  { name: "swiglu over axis 1 (gate and up halves of [B, 2I, D])", shapes: [[2, 6, 3]], scale: 2, f: (c, [x]) => swiglu(c, x!, 1) },
  { name: "addRmsNorm over axis 1 (the token axis of [B, T, D])", shapes: [[2, 5, 3], [2, 5, 3]], f: (c, [a, b]) => addRmsNorm(c, a!, b!, 1e-5, 1) },
  {
    name: "the mlp_t sublayer in [B, T, D]: addRmsNorm_T(h + leftLinear(swiglu_1(leftLinear(h, Wgu)), Wd))",
    shapes: [[2, 5, 3], [8, 5], [5, 4]], scale: 0.7, maxPerInput: 40,
    f: (c, [h, wgu, wd]) => addRmsNorm(c, h!, leftLinear(c, swiglu(c, leftLinear(c, h!, wgu!), 1), wd!), 1e-5, 1),
  },
  { name: "concatTokens", shapes: [[2, 1, 3], [2, 4, 3]], f: (c, [a, b]) => concatTokens(c, a!, b!) },
  { name: "sliceTokens", shapes: [[2, 5, 3]], f: (c, [a]) => sliceTokens(c, a!, 1, 3) },
  { name: "padLast", shapes: [[3, 5]], f: (c, [a]) => padLast(c, a!, 8) },
  { name: "selectColumn", shapes: [[3, 1, 2]], f: (c, [a]) => selectColumn(c, a!, 1) },
  {
    name: "a composed block: rmsNorm(h + o_proj(attention(rope(qkv_proj(h)))))",
    shapes: [[2, 3, 4], [3 * 2 * 2, 4], [4, 2 * 2]], scale: 0.5, maxPerInput: 48,
    f: (c, [h, wqkv, wo], cast) => {
      const qkv = rope(c, linear(c, h!, wqkv!), cast(rot3.cos), cast(rot3.sin), 2, 2);
      return rmsNorm(c, add(c, h!, linear(c, attention(c, qkv, 2, 2), wo!)), 1e-5);
    },
  },
];

/** A constant table in the given float type. */
export function castTo(kind: FloatKind): (t: Tensor) => Tensor {
  return (t) => new Tensor(kind === "f64" ? Float64Array.from(t.data) : Float32Array.from(t.data), t.shape);
}
