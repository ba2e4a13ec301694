// The context every op and model call receives: the kernel backend and the tape. No hidden globals.
import type { Kernels } from "../kernels/kernels.js";
import { Tape } from "./tape.js";

export interface Ctx {
  readonly kernels: Kernels;
  readonly tape: Tape;
}

export function makeCtx(kernels: Kernels): Ctx {
  return { kernels, tape: new Tape() };
}
