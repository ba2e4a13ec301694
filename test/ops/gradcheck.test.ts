// Every differentiable op's backward against central finite differences in float64 (reference kernels);
// the table of ops is op-cases.ts (backend-grads.test.ts runs the same table on every backend).
import { test } from "node:test";
import { Rng } from "../../src/engine/rng.js";
import { gradcheck, randT } from "../helpers/gradcheck.js";
import { castTo, opCases } from "./op-cases.js";

const rng = new Rng(1234);
const cast = castTo("f64");

for (const op of opCases) {
  test(op.name, () => {
    const inputs = op.shapes.map((s) => randT(rng, [...s], op.scale ?? 1));
    gradcheck(op.name, inputs, (c, xs) => op.f(c, xs, cast), op.maxPerInput === undefined ? {} : { maxPerInput: op.maxPerInput });
  });
}
