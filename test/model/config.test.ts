// Config parsing (official field names, clear errors) and derived values.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError } from "../../src/engine/errors.js";
import { Rng } from "../../src/engine/rng.js";
import { deriveDims, parseHrmConfig } from "../../src/model/hrm/config.js";
import { HrmModel } from "../../src/model/hrm/model.js";
import { erf, erfinv } from "../../src/model/hrm/init.js";

const paper = {
  batch_size: 768, seq_len: 81, puzzle_emb_ndim: 512, num_puzzle_identifiers: 1, vocab_size: 11,
  H_cycles: 2, L_cycles: 2, H_layers: 4, L_layers: 4, hidden_size: 512, expansion: 4, num_heads: 8,
  pos_encodings: "rope", halt_max_steps: 16, halt_exploration_prob: 0.1, forward_dtype: "float32",
};

test("the paper config derives the official sizes and parameter count", () => {
  const c = parseHrmConfig(paper);
  assert.equal(c.rms_norm_eps, 1e-5, "default rms_norm_eps");
  assert.equal(c.rope_theta, 10000, "default rope_theta");
  const d = deriveDims(c);
  assert.deepEqual(d, { puzzleEmbLen: 1, totalSeqLen: 82, headDim: 64, mlpIntermediate: 1536, embedScale: Math.sqrt(512) });
  // hrm-spec §2: model.parameters() = 27,275,266 for Sudoku (V = 11)
  assert.equal(new HrmModel(c).params.numParameters, 27_275_266);
});

test("derived values for uneven options: two puzzle tokens, non-integer expansion", () => {
  const d = deriveDims(parseHrmConfig({ ...paper, hidden_size: 48, num_heads: 3, puzzle_emb_ndim: 80, expansion: 2.5 }));
  assert.equal(d.puzzleEmbLen, 2); // ceil(80 / 48)
  assert.equal(d.totalSeqLen, 83);
  assert.equal(d.mlpIntermediate, 256); // round(2.5·48·2/3 = 80) → next multiple of 256
  // Python's round is half-to-even: 4.75·81·2/3 = 256.5 rounds to 256 (stays 256), not 257 (→ 512)
  assert.equal(deriveDims(parseHrmConfig({ ...paper, hidden_size: 81, num_heads: 3, expansion: 4.75, pos_encodings: "learned" })).mlpIntermediate, 256);
  assert.equal(deriveDims(parseHrmConfig({ ...paper, hidden_size: 384, num_heads: 6, expansion: 5.5 })).mlpIntermediate, 1536); // round(1408) → 1536
});

test("unknown field, missing field, wrong type and impossible shapes are ConfigErrors that say what came", () => {
  assert.throws(() => parseHrmConfig({ ...paper, H_cycle: 2 }), (e: unknown) => e instanceof ConfigError && /unknown field "H_cycle"/.test(e.message) && /H_cycles/.test(e.message));
  const { vocab_size: _v, ...missing } = paper;
  assert.throws(() => parseHrmConfig(missing), /missing required field "vocab_size"/);
  assert.throws(() => parseHrmConfig({ ...paper, hidden_size: "512" }), /"hidden_size" must be a number, got "512"/);
  assert.throws(() => parseHrmConfig({ ...paper, H_layers: 0 }), /"H_layers" must be a positive integer, got 0/);
  assert.throws(() => parseHrmConfig({ ...paper, pos_encodings: "alibi" }), /"pos_encodings" must be one of "rope", "learned", got "alibi"/);
  assert.throws(() => parseHrmConfig({ ...paper, hidden_size: 60, num_heads: 4 }), /RoPE needs an even head dim.*= 15/);
  assert.throws(() => parseHrmConfig({ ...paper, num_heads: 1024 }), /smaller than num_heads/);
  assert.throws(() => parseHrmConfig({ ...paper, halt_exploration_prob: 1.5 }), /probability/);
  assert.throws(() => parseHrmConfig([1, 2]), /expected an object/);
  assert.doesNotThrow(() => parseHrmConfig({ ...paper, causal: false }), "official 'causal' is accepted and ignored");
});

test("truncated normal init: bounds, std and the fixed official inits", () => {
  assert.ok(Math.abs(erf(-2 / Math.SQRT2) + 0.9544997) < 1e-6);
  for (const y of [-0.95, -0.3, 0, 0.4, 0.9]) assert.ok(Math.abs(erf(erfinv(y)) - y) < 1e-7);
  const c = parseHrmConfig({ ...paper, hidden_size: 64, num_heads: 4, H_layers: 1, L_layers: 1 });
  const m = HrmModel.create(c, new Rng(3));
  const w = m.p("H_level.layers.0.mlp.gate_up_proj.weight").data;
  let s = 0, s2 = 0, max = 0;
  for (const v of w) { s += v; s2 += v * v; max = Math.max(max, Math.abs(v)); }
  const std = Math.sqrt(s2 / w.length - (s / w.length) ** 2);
  assert.ok(Math.abs(std - 1 / 8) < 0.003, `LeCun std 1/sqrt(64) = 0.125, got ${std}`);
  assert.ok(max <= 2.2738 * 0.125 + 1e-6, `bounded at ±2.2737·std, got ${max}`);
  assert.deepEqual([...m.p("q_head.weight").data].every((v) => v === 0), true);
  assert.deepEqual([...m.p("q_head.bias").data], [-5, -5]);
  assert.ok(m.p("puzzle_emb.weights").data.every((v) => v === 0));
});
