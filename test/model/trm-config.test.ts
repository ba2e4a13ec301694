// TRM config parsing and derived sizes against the official code's arithmetic (trm-spec §1-§2), and the
// official limits reproduced as clear errors rather than silently "fixed".
import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError } from "../../src/engine/errors.js";
import { Rng } from "../../src/engine/rng.js";
import { createModel, familyOf, parseModelConfig } from "../../src/model/model.js";
import { deriveTrmDims, parseTrmConfig } from "../../src/model/trm/config.js";
import type { TrmConfig } from "../../src/model/trm/config.js";

const sudoku = {
  batch_size: 768, seq_len: 81, puzzle_emb_ndim: 512, num_puzzle_identifiers: 1, vocab_size: 11, H_cycles: 3, L_cycles: 6, H_layers: 0,
  L_layers: 2, hidden_size: 512, expansion: 4, num_heads: 8, pos_encodings: "none", halt_max_steps: 16, halt_exploration_prob: 0.1,
  forward_dtype: "bfloat16", mlp_t: true, puzzle_emb_len: 16, no_ACT_continue: true,
};

test("the official mlp_t Sudoku and attention ARC models have the parameter counts of the official code", () => {
  const mlpt = createModel(parseTrmConfig(sudoku), new Rng(0));
  assert.equal(mlpt.family, "trm");
  assert.equal(mlpt.params.numParameters, 5_028_866); // trm-spec §1, counted with the official code
  const d = deriveTrmDims(mlpt.config as TrmConfig);
  assert.deepEqual([d.totalSeqLen, d.mlpTIntermediate, d.mlpIntermediate], [97, 512, 1536]);
  assert.deepEqual(mlpt.p("L_level.layers.0.mlp_t.gate_up_proj.weight").shape, [1024, 97]);
  const arc = createModel(parseTrmConfig({ ...sudoku, seq_len: 900, vocab_size: 12, mlp_t: false, pos_encodings: "rope", L_cycles: 4 }), new Rng(0));
  assert.equal(arc.params.numParameters, 6_829_058);
});

test("family dispatch: an HRM config stays HRM, a TRM config is TRM", () => {
  assert.equal(familyOf(parseTrmConfig(sudoku)), "trm");
  const { mlp_t: _m, puzzle_emb_len: _p, no_ACT_continue: _n, ...hrm } = { ...sudoku, H_layers: 2, pos_encodings: "rope" };
  assert.equal(familyOf(parseModelConfig(hrm, "hrm")), "hrm");
  assert.throws(() => parseModelConfig(sudoku, "hrm"), /unknown field "mlp_t"/);
});

test("official limits and impossible shapes are ConfigErrors that say why", () => {
  assert.throws(() => parseTrmConfig({ ...sudoku, no_ACT_continue: false }), (e: unknown) => e instanceof ConfigError && /no_ACT_continue.*ValueError/.test(e.message));
  assert.throws(() => parseTrmConfig({ ...sudoku, puzzle_emb_ndim: 0 }), /puzzle_emb_ndim 0 needs puzzle_emb_len 0/);
  assert.throws(() => parseTrmConfig({ ...sudoku, puzzle_emb_ndim: 2048, puzzle_emb_len: 2 }), /does not fit in puzzle_emb_len 2 tokens/);
  assert.throws(() => parseTrmConfig({ ...sudoku, pos_encodings: "alibi" }), /"pos_encodings" must be one of "rope", "learned", "none"/);
  assert.throws(() => parseTrmConfig({ ...sudoku, mlp_tt: true }), /unknown TRM field "mlp_tt"/);
  // puzzle_emb_len 0 falls back to the ceil rule, as the official code
  assert.equal(deriveTrmDims(parseTrmConfig({ ...sudoku, puzzle_emb_len: 0, puzzle_emb_ndim: 1000 })).puzzleEmbLen, 2);
});
