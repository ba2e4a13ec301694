// TRM configuration with the official field names (TinyRecursiveReasoningModel_ACTV1Config, trm-spec §1-§4),
// parsed once at the edge, and the values derived from it as the official constructors derive them.
// TRM has one network (L_level); H_layers is accepted and ignored, as the official config does.
import { ConfigError } from "../../engine/errors.js";
import type { FieldKind, HrmConfig, HrmDims } from "../hrm/config.js";
import { parseConfigFields, roundHalfEven } from "../hrm/config.js";

/**
 * HRM's fields (H_layers accepted and ignored: TRM has one network) plus TRM's own. H_cycles: outer cycles
 * per ACT step (the first H_cycles − 1 without gradient); L_cycles: z-updates per cycle.
 */
export interface TrmConfig extends HrmConfig {
  /** Token-mixing SwiGLU over the token axis instead of attention (the official Sudoku model). */
  readonly mlp_t: boolean;
  /** Prefix tokens P; 0 falls back to ceil(puzzle_emb_ndim / hidden_size). */
  readonly puzzle_emb_len: number;
}

const defaults: Partial<TrmConfig> = {
  puzzle_emb_ndim: 0, rms_norm_eps: 1e-5, rope_theta: 10000.0, forward_dtype: "bfloat16", mlp_t: false, puzzle_emb_len: 16,
  no_ACT_continue: true, H_layers: 0,
};

const fields: Record<keyof TrmConfig, FieldKind> = {
  batch_size: "posint", seq_len: "posint", puzzle_emb_ndim: "nonnegint", num_puzzle_identifiers: "posint", vocab_size: "posint",
  H_cycles: "posint", L_cycles: "posint", H_layers: "nonnegint", L_layers: "posint", hidden_size: "posint", expansion: "posnum",
  num_heads: "posint", pos_encodings: { enum: ["rope", "learned", "none"] }, rms_norm_eps: "posnum", rope_theta: "posnum",
  halt_max_steps: "posint", halt_exploration_prob: "prob", forward_dtype: { enum: ["float32", "bfloat16"] }, mlp_t: "bool",
  puzzle_emb_len: "nonnegint", no_ACT_continue: "bool",
};

/** Whether a parsed model config is TRM's (its official config has mlp_t and puzzle_emb_len; HRM's has neither). */
export function isTrmConfig(c: object): c is TrmConfig {
  return "mlp_t" in c && "puzzle_emb_len" in c;
}

/**
 * Parse a TRM config object. Unknown keys, missing required keys, wrong types and shapes the official code
 * cannot run are ConfigErrors naming the field, what was expected and what came.
 */
export function parseTrmConfig(json: unknown, source = "config"): TrmConfig {
  const c = parseConfigFields<TrmConfig>(json, fields, defaults, "TRM", source);
  const headDim = Math.floor(c.hidden_size / c.num_heads);
  if (!c.mlp_t && headDim < 1) throw new ConfigError(`${source}: hidden_size ${c.hidden_size} is smaller than num_heads ${c.num_heads}`);
  if (c.pos_encodings === "rope" && headDim % 2 !== 0) {
    throw new ConfigError(`${source}: RoPE needs an even head dim, but hidden_size ${c.hidden_size} / num_heads ${c.num_heads} = ${headDim}`);
  }
  if (!c.no_ACT_continue) {
    // official limit (trm-spec §4): the Q-continue path unpacks five values from a three-value forward
    throw new ConfigError(`${source}: "no_ACT_continue" must be true for TRM: the official code's Q-continue path fails in its first training step (ValueError), so no TRM model was ever trained with it`);
  }
  if (c.puzzle_emb_ndim === 0 && c.puzzle_emb_len > 0) {
    // official: the state has P prefix tokens but the input embedding has none, so z + x fails on shapes
    throw new ConfigError(`${source}: puzzle_emb_ndim 0 needs puzzle_emb_len 0 (the official code adds a ${c.puzzle_emb_len}-token state to a 0-token prefix and fails)`);
  }
  const P = c.puzzle_emb_len === 0 ? Math.ceil(c.puzzle_emb_ndim / c.hidden_size) : c.puzzle_emb_len;
  if (c.puzzle_emb_ndim > P * c.hidden_size) {
    throw new ConfigError(`${source}: puzzle_emb_ndim ${c.puzzle_emb_ndim} does not fit in puzzle_emb_len ${P} tokens of hidden_size ${c.hidden_size}`);
  }
  return c;
}

export interface TrmDims extends HrmDims {
  /** Width of the token-mixing SwiGLU (mlp_t), 0 without it. */
  readonly mlpTIntermediate: number;
}

/** SwiGLU width of the official layers.SwiGLU: round(expansion·size·2/3) rounded up to a multiple of 256. */
export function swigluWidth(expansion: number, size: number): number {
  return Math.ceil(roundHalfEven((expansion * size * 2) / 3) / 256) * 256;
}

export function deriveTrmDims(c: TrmConfig): TrmDims {
  const puzzleEmbLen = c.puzzle_emb_len === 0 ? Math.ceil(c.puzzle_emb_ndim / c.hidden_size) : c.puzzle_emb_len;
  const T = c.seq_len + puzzleEmbLen;
  return {
    puzzleEmbLen,
    totalSeqLen: T,
    headDim: Math.floor(c.hidden_size / c.num_heads),
    mlpIntermediate: swigluWidth(c.expansion, c.hidden_size),
    mlpTIntermediate: c.mlp_t ? swigluWidth(c.expansion, T) : 0,
    embedScale: Math.sqrt(c.hidden_size),
  };
}
