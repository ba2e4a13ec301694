// arch.forward_dtype "auto": bfloat16 exactly where the kernels multiply bf16 natively, float32 elsewhere;
// explicit choices are kept; anything else is refused naming the allowed values.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError } from "../../src/engine/errors.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import { nativeBf16 } from "../../src/kernels/select.js";
import { mergeConfig, overrideToPatch, parseTrainConfig } from "../../src/train/config.js";
import { presetConfig } from "../../src/train/presets.js";
import { modelConfigFor } from "../../src/train/trainer.js";

const shapes = { seq_len: 81, vocab_size: 11, num_puzzle_identifiers: 1 };
const withDtype = (v: string): ReturnType<typeof parseTrainConfig> =>
  parseTrainConfig(mergeConfig(presetConfig("trm-sudoku-cpu")!, overrideToPatch(`arch.forward_dtype=${v}`)));

test('forward_dtype "auto" resolves by the kernels; explicit values are kept', () => {
  const auto = withDtype("auto");
  assert.equal(auto.arch.forward_dtype, "auto");
  assert.equal(modelConfigFor(auto, shapes, false).forward_dtype, "float32");
  assert.equal(modelConfigFor(auto, shapes, true).forward_dtype, "bfloat16");
  assert.equal(modelConfigFor(withDtype("float32"), shapes, true).forward_dtype, "float32");
  assert.equal(modelConfigFor(withDtype("bfloat16"), shapes, false).forward_dtype, "bfloat16");
  assert.throws(() => withDtype("fp8"), (e: unknown) => e instanceof ConfigError && /forward_dtype.*float32.*bfloat16.*auto/.test(e.message));
});

test("only the native backend with oneDNN's bf16 path counts as native bf16", () => {
  assert.equal(nativeBf16(referenceKernels), false);
});
