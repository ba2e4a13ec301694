// Embedding lookup: table [V, D] gathered by integer ids -> [...idsShape, D]; gradient scatter-adds.
import type { Ctx } from "../engine/context.js";
import { ShapeError } from "../engine/errors.js";
import { Tensor, formatShape, numel } from "../engine/tensor.js";
import { emptyLike, finish, gradOf } from "./grad.js";

export function embedding(ctx: Ctx, table: Tensor, ids: Int32Array, idsShape: readonly number[]): Tensor {
  const [V, D] = table.shape as [number, number];
  if (table.shape.length !== 2) throw new ShapeError(`embedding: table should be [V, D], got ${formatShape(table.shape)}`);
  const n = numel(idsShape);
  if (ids.length !== n) throw new ShapeError(`embedding: ${ids.length} ids for shape ${formatShape(idsShape)}`);
  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    if (!(id >= 0 && id < V)) throw new ShapeError(`embedding: id ${id} at position ${i} is outside [0, ${V})${table.name ? ` of ${table.name}` : ""}`);
  }
  const outShape = [...idsShape, D];
  const y = new Tensor(emptyLike(ctx, table, outShape), outShape);
  const k = ctx.kernels;
  const d = { n, D, V };
  k.embeddingForward(y.data, table.data, ids, d);
  finish(ctx, y);
  if (ctx.tape.needsGrad(table)) {
    y.requiresGrad = true;
    ctx.tape.record(() => {
      if (y.grad !== null) k.embeddingBackward(gradOf(ctx, table), y.grad, ids, d);
    }, y, true);
  }
  return y;
}
