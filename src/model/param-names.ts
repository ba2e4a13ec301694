// The official parameter names (state_dict keys without `model.inner.`) as a closed type, shared by the
// parameter specs and the code that reads parameters, so a misspelt name fails to compile instead of at run
// time. HRM has two stacks (H_level, L_level); TRM one (L_level), whose blocks mix tokens with attention or,
// with mlp_t, a SwiGLU over the token axis.

/** A block of a stack: `H_level.layers.0`, `L_level.layers.3`. */
export type BlockPrefix = `${"H_level" | "L_level"}.layers.${number}`;

/** The SwiGLUs of a block: the channel MLP, and TRM's token-mixing mlp_t. */
export type SwigluPrefix = `${BlockPrefix}.${"mlp" | "mlp_t"}`;

/** The attention of a block. */
export type AttentionPrefix = `${BlockPrefix}.self_attn`;

export type ParamName =
  | "H_init" | "L_init"
  | "embed_tokens.embedding_weight" | "embed_pos.embedding_weight" | "puzzle_emb.weights"
  | "lm_head.weight" | "q_head.weight" | "q_head.bias"
  | `${AttentionPrefix}.${"qkv_proj" | "o_proj"}.weight`
  | `${SwigluPrefix}.${"gate_up_proj" | "down_proj"}.weight`;

/** The block prefix of layer `i` of a stack. */
export function blockPrefix(level: "H_level" | "L_level", i: number): BlockPrefix {
  return `${level}.layers.${i}`;
}
