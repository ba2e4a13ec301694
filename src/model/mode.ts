// Whether a forward pass trains (exploration, puzzle-embedding gradients) or evaluates.
export type Mode = "train" | "eval";
