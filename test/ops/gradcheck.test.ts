// Every differentiable op's backward against central finite differences in float64 (reference kernels).
import { test } from "node:test";
import { Rng } from "../../src/engine/rng.js";
import { Tensor } from "../../src/engine/tensor.js";
import { attention } from "../../src/ops/attention.js";
import { add, addBroadcast, scale, view } from "../../src/ops/elementwise.js";
import { embedding } from "../../src/ops/embedding.js";
import { linear } from "../../src/ops/linear.js";
import { rmsNorm } from "../../src/ops/rms-norm.js";
import { rope } from "../../src/ops/rope.js";
import { selectColumn } from "../../src/ops/select.js";
import { swiglu } from "../../src/ops/swiglu.js";
import { concatTokens, padLast, sliceTokens } from "../../src/ops/tokens.js";
import { transposeLast2 } from "../../src/ops/transpose.js";
import { rotaryTables } from "../../src/model/hrm/rotary.js";
import { gradcheck, randT } from "../helpers/gradcheck.js";

const rng = new Rng(1234);
const f64 = (t: Tensor): Tensor => new Tensor(Float64Array.from(t.data), t.shape);

test("linear: x, W and bias", () => {
  gradcheck("linear", [randT(rng, [2, 3, 5]), randT(rng, [4, 5]), randT(rng, [4])], (c, [x, w, b]) => linear(c, x!, w!, b!));
  gradcheck("linear no bias", [randT(rng, [7, 3]), randT(rng, [2, 3])], (c, [x, w]) => linear(c, x!, w!));
});

test("rmsNorm", () => {
  gradcheck("rmsNorm", [randT(rng, [3, 4, 6])], (c, [x]) => rmsNorm(c, x!, 1e-5));
});

test("rope on the Q and K heads of a fused qkv", () => {
  const NH = 2, HD = 4, T = 5;
  const { cos, sin } = rotaryTables(T, HD, 10000);
  gradcheck("rope", [randT(rng, [2, T, 3 * NH * HD])], (c, [x]) => rope(c, x!, f64(cos), f64(sin), NH, HD));
});

test("attention (non-causal, fused qkv)", () => {
  const NH = 2, HD = 3, T = 4;
  gradcheck("attention", [randT(rng, [2, T, 3 * NH * HD])], (c, [x]) => attention(c, x!, NH, HD), { maxPerInput: 144 });
});

test("swiglu", () => {
  gradcheck("swiglu", [randT(rng, [3, 2, 10], 2)], (c, [x]) => swiglu(c, x!));
});

test("embedding gather with repeated ids (scatter-add)", () => {
  const ids = Int32Array.from([2, 0, 2, 3, 2, 1]);
  gradcheck("embedding", [randT(rng, [5, 3])], (c, [t]) => embedding(c, t!, ids, [2, 3]));
});

test("elementwise add, scale, broadcast add and view", () => {
  gradcheck("add", [randT(rng, [2, 3]), randT(rng, [2, 3])], (c, [a, b]) => add(c, a!, b!));
  gradcheck("add same input twice", [randT(rng, [4])], (c, [a]) => add(c, a!, a!));
  gradcheck("scale", [randT(rng, [5])], (c, [a]) => scale(c, a!, -1.7));
  gradcheck("addBroadcast", [randT(rng, [3, 2, 4]), randT(rng, [2, 4])], (c, [a, b]) => addBroadcast(c, a!, b!));
  gradcheck("view", [randT(rng, [2, 6])], (c, [a]) => view(c, a!, [2, 2, 3]));
});

test("transposeLast2 (TRM's mlp_t), also over more than one cache tile", () => {
  gradcheck("transposeLast2", [randT(rng, [2, 3, 5])], (c, [a]) => transposeLast2(c, a!));
  gradcheck("transposeLast2 twice", [randT(rng, [1, 4, 3])], (c, [a]) => transposeLast2(c, transposeLast2(c, a!)));
  gradcheck("transposeLast2 tiles", [randT(rng, [1, 37, 33])], (c, [a]) => transposeLast2(c, a!), { maxPerInput: 64 });
});

test("token concat, slice, pad and column select", () => {
  gradcheck("concatTokens", [randT(rng, [2, 1, 3]), randT(rng, [2, 4, 3])], (c, [a, b]) => concatTokens(c, a!, b!));
  gradcheck("sliceTokens", [randT(rng, [2, 5, 3])], (c, [a]) => sliceTokens(c, a!, 1, 3));
  gradcheck("padLast", [randT(rng, [3, 5])], (c, [a]) => padLast(c, a!, 8));
  gradcheck("selectColumn", [randT(rng, [3, 1, 2])], (c, [a]) => selectColumn(c, a!, 1));
});

test("a composed block: rmsNorm(h + o_proj(attention(rope(qkv_proj(h)))))", () => {
  const NH = 2, HD = 2, T = 3, D = 4;
  const { cos, sin } = rotaryTables(T, HD, 10000);
  gradcheck("block attention half", [randT(rng, [2, T, D]), randT(rng, [3 * NH * HD, D], 0.5), randT(rng, [D, NH * HD], 0.5)], (c, [h, wqkv, wo]) => {
    const qkv = rope(c, linear(c, h!, wqkv!), f64(cos), f64(sin), NH, HD);
    return rmsNorm(c, add(c, h!, linear(c, attention(c, qkv, NH, HD), wo!)), 1e-5);
  }, { maxPerInput: 48 });
});
