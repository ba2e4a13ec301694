// Collecting HRM hidden states for the participation ratio (see ./README.md for the protocol and why).
//
// Per batch of test examples ("puzzles": the first N examples of the split, in file order): a fresh
// initial carry, then halt_max_steps ACT calls in eval mode (every row runs all M segments, as the official
// evaluation), keeping the carry z_H, z_L [B, T, D] after each segment. Then, row by row in file order,
// the states go into one covariance accumulator per (protocol, module):
//   tokens-all    one sample per (puzzle, segment, token position p ∈ [P, T)):  N·M·S samples
//   mean-all      one sample per (puzzle, segment): the mean over p ∈ [P, T):    N·M samples
//   tokens-final  as tokens-all, final segment (s = M) only:                      N·S samples
//   mean-final    as mean-all, final segment only:                                N samples
// The P puzzle-embedding prefix positions are never used (they hold no cell; position 0 feeds the Q head).
// After the n-th puzzle for each n in `scalingAt`, the PR of every accumulator is recorded: the PR of the
// first n puzzles (the "PR vs number of trajectories" curve).
// Legend: B batch rows, M = halt_max_steps segments, P puzzle-embedding positions, S puzzle tokens,
// T = P + S, D hidden size, N puzzles.
import { ConfigError } from "../engine/errors.js";
import { performance } from "node:perf_hooks";
import type { Ctx } from "../engine/context.js";
import { frozenWeights, stepScope } from "../engine/context.js";
import type { Kernels } from "../engine/kernels.js";
import { PuzzleLoader } from "../data/loader.js";
import type { OpenSplit } from "../data/split-reader.js";
import { actForward, initialCarry } from "../model/act.js";
import type { ReasoningModel } from "../model/model.js";
import { CovarianceAccumulator } from "./covariance.js";
import type { GramFn } from "./covariance.js";
import { participationRatio } from "./participation-ratio.js";

export const PROTOCOLS = ["tokens-all", "mean-all", "tokens-final", "mean-final"] as const;
export type ProtocolName = (typeof PROTOCOLS)[number];
/**
 * The headline protocol: the converged (final-segment) state of every cell of every puzzle, as spec §9
 * suggests. tokens-all also counts the early segments, whose states all start from the one H_init/L_init
 * vector: in an untrained net that shared transient dominates the covariance (see README.md).
 */
export const DEFAULT_PROTOCOL: ProtocolName = "tokens-final";

export const PROTOCOL_DEFINITIONS: Readonly<Record<ProtocolName, string>> = {
  "tokens-all": "one sample per (puzzle, segment 1..M, token position P..T-1): the D-dim carry vector after the segment",
  "mean-all": "one sample per (puzzle, segment 1..M): the carry after the segment averaged over token positions P..T-1",
  "tokens-final": "one sample per (puzzle, token position P..T-1): the carry after the final segment M",
  "mean-final": "one sample per puzzle: the final-segment carry averaged over token positions P..T-1",
};

export function parseProtocol(value: unknown): ProtocolName {
  if (typeof value === "string" && (PROTOCOLS as readonly string[]).includes(value)) return value as ProtocolName;
  throw new ConfigError(`unknown protocol ${JSON.stringify(value)}; valid: ${PROTOCOLS.join(", ")}`);
}

export const MODULES = ["z_H", "z_L"] as const;
export type ModuleName = (typeof MODULES)[number];

export interface ScalingPoint {
  /** First n puzzles. */
  readonly puzzles: number;
  readonly samples: number;
  readonly z_H: number;
  readonly z_L: number;
}

export interface ProtocolStates {
  readonly z_H: CovarianceAccumulator;
  readonly z_L: CovarianceAccumulator;
  readonly scaling: ScalingPoint[];
}

export interface CollectOptions {
  /** Use the first this many examples of the split (fewer if the split is smaller). */
  readonly puzzles: number;
  readonly batchSize: number;
  /** Puzzle counts at which to record the PR of the first n puzzles. */
  readonly scalingAt?: readonly number[];
  /** Gram product for the covariance updates (default: float64 loops). */
  readonly gram?: GramFn;
  readonly onBatch?: (done: number, total: number) => void;
}

export interface Collected {
  readonly puzzles: number;
  readonly segments: number;
  readonly prefixPositions: number;
  readonly positions: number;
  readonly hiddenSize: number;
  readonly protocols: Readonly<Record<ProtocolName, ProtocolStates>>;
  readonly seconds: number;
}

/** A GramFn over a kernel backend's matmul: out[D, D] = yᵀ y in float32 (fast for large D). */
export function kernelGram(kernels: Kernels): GramFn {
  return (out, y, rows, d) => kernels.matmul(out, y, y, { M: d, K: rows, N: d, transA: true });
}

export function collectStates(outer: Ctx, model: ReasoningModel, split: OpenSplit, opts: CollectOptions): Collected {
  const ctx = frozenWeights(outer);
  const t0 = performance.now();
  const M = model.config.halt_max_steps, D = model.config.hidden_size, S = model.config.seq_len;
  const P = model.dims.puzzleEmbLen, T = model.dims.totalSeqLen;
  const total = Math.min(opts.puzzles, split.sets.reduce((n, s) => n + s.inputs.rows, 0));
  const protocols = {} as Record<ProtocolName, ProtocolStates>;
  for (const p of PROTOCOLS) {
    protocols[p] = { z_H: new CovarianceAccumulator(D, opts.gram), z_L: new CovarianceAccumulator(D, opts.gram), scaling: [] };
  }
  const marks = new Set((opts.scalingAt ?? []).filter((n) => n >= 1 && n <= total));
  marks.add(total);
  const mean = new Float64Array(D);
  /** Mean over token positions [P, T) of row b of a [B, T, D] state, into `mean`. */
  const positionMean = (z: Float32Array, b: number): Float64Array => {
    mean.fill(0);
    for (let t = P; t < T; t++) {
      const o = (b * T + t) * D;
      for (let j = 0; j < D; j++) mean[j]! += z[o + j]!;
    }
    for (let j = 0; j < D; j++) mean[j]! /= S;
    return mean;
  };

  const loader = new PuzzleLoader(split, { seed: 0, globalBatchSize: opts.batchSize });
  let seen = 0;
  for (const lb of loader.test()) {
    if (seen >= total) break;
    const real = Math.min(lb.effectiveSize, total - seen);
    const batch = { inputs: lb.inputs, labels: lb.labels, puzzleIdentifiers: lb.puzzleIdentifiers };
    // states[s][module]: the carry after segment s + 1, [B, T, D] (copies: they outlive the step scope)
    const states: Array<Record<ModuleName, Float32Array>> = [];
    let carry = initialCarry(model, lb.batchSize);
    for (let s = 0; s < M; s++) {
      stepScope(ctx, () => {
        carry = actForward(ctx, model, carry, batch, { mode: "eval" }).carry;
      });
      states.push({ z_H: carry.inner.zH.data as Float32Array, z_L: carry.inner.zL.data as Float32Array });
    }
    for (let b = 0; b < real; b++) {
      for (const mod of MODULES) {
        for (let s = 0; s < M; s++) {
          const z = states[s]![mod], final = s === M - 1, at = (b * T + P) * D;
          protocols["tokens-all"][mod].add(z, S, at);
          protocols["mean-all"][mod].add(positionMean(z, b), 1);
          if (final) {
            protocols["tokens-final"][mod].add(z, S, at);
            protocols["mean-final"][mod].add(positionMean(z, b), 1);
          }
        }
      }
      seen++;
      if (marks.has(seen)) {
        for (const p of PROTOCOLS) {
          const st = protocols[p];
          st.scaling.push({ puzzles: seen, samples: st.z_H.count, z_H: participationRatio(st.z_H.covariance(), D), z_L: participationRatio(st.z_L.covariance(), D) });
        }
      }
    }
    opts.onBatch?.(seen, total);
  }
  return { puzzles: seen, segments: M, prefixPositions: P, positions: S, hiddenSize: D, protocols, seconds: (performance.now() - t0) / 1000 };
}
