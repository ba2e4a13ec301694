// The reference backend: plain TypeScript loops written to be read. It is the executable spec that every
// faster backend is tested against, and it accepts Float64Array buffers for gradient checks.
import type { Kernels } from "../../engine/kernels.js";
import { adamAtan2Update } from "./adam-atan2.js";
import { attentionBackward, attentionForward } from "./attention.js";
import { add, axpy, packBf16, roundBf16, scale, unpackBf16 } from "./elementwise.js";
import { embeddingBackward, embeddingForward } from "./embedding.js";
import { matmul } from "./matmul.js";
import { addRmsNormForward, rmsNormBackward, rmsNormForward } from "./rms-norm.js";
import { ropeBackward, ropeForward } from "./rope.js";
import { softmaxForward } from "./softmax.js";
import { swigluBackward, swigluForward } from "./swiglu.js";
import { transpose } from "./transpose.js";

export const referenceKernels: Kernels = Object.freeze({
  name: "reference",
  matmul,
  rmsNormForward,
  rmsNormBackward,
  addRmsNormForward,
  ropeForward,
  ropeBackward,
  attentionForward,
  attentionBackward,
  swigluForward,
  swigluBackward,
  softmaxForward,
  embeddingForward,
  embeddingBackward,
  transpose,
  add,
  scale,
  axpy,
  roundBf16,
  packBf16,
  unpackBf16,
  adamAtan2Update,
});
