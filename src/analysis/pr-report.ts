// The participation-ratio analysis of a trained model against its untrained twin: states from both on the
// same puzzles (./collect.ts), PR of z_H and z_L per protocol, PR vs number of puzzles, the covariance
// spectrum of the headline protocol, and the paper's numbers beside ours. The result is plain JSON.
import { performance } from "node:perf_hooks";
import type { Ctx } from "../engine/context.js";
import type { OpenSplit } from "../data/split-reader.js";
import type { ReasoningModel } from "../model/model.js";
import type { Collected, ModuleName, ProtocolName, ScalingPoint } from "./collect.js";
import { MODULES, PROTOCOLS, PROTOCOL_DEFINITIONS, collectStates, kernelGram } from "./collect.js";
import { symmetricEigenvalues } from "./eigen.js";
import { participationRatio, participationRatioOfEigenvalues } from "./participation-ratio.js";

/** HRM paper, trained Sudoku model and untrained control (spec §9). Ratio = z_H / z_L. */
export const PAPER_PR = {
  trained: { z_H: 89.95, z_L: 30.22, ratio: 2.98 },
  untrained: { z_H: 42.09, z_L: 40.75, ratio: 1.03 },
} as const;

/** Default puzzle counts of the scaling curve (those ≤ the puzzles used, plus the total). */
export const DEFAULT_SCALING_AT: readonly number[] = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000];

export interface ProtocolResult {
  readonly samples: number;
  readonly z_H: number;
  readonly z_L: number;
  /** z_H / z_L. */
  readonly ratio: number;
  readonly scaling: readonly ScalingPoint[];
}

export interface ModelResult {
  readonly protocols: Readonly<Record<ProtocolName, ProtocolResult>>;
  /** Headline protocol: covariance eigenvalues, largest first. */
  readonly spectrum: Readonly<Record<ModuleName, number[]>>;
  /** Headline protocol: PR recomputed from those eigenvalues (a check on the trace formula). */
  readonly pr_from_eigenvalues: Readonly<Record<ModuleName, number>>;
  readonly seconds: number;
}

export interface PrReport {
  readonly analysis: "participation_ratio";
  readonly formula: string;
  readonly protocol: ProtocolName;
  readonly protocol_definitions: Readonly<Record<ProtocolName, string>>;
  readonly split: string;
  readonly puzzles: number;
  readonly puzzle_selection: string;
  readonly segments: number;
  readonly prefix_positions: number;
  readonly positions: number;
  readonly hidden_size: number;
  readonly untrained_seed: number;
  readonly models: { readonly trained: ModelResult; readonly untrained: ModelResult };
  readonly paper: typeof PAPER_PR;
  readonly seconds: number;
}

export interface PrAnalysisOptions {
  readonly puzzles: number;
  readonly batchSize: number;
  readonly protocol: ProtocolName;
  readonly untrainedSeed: number;
  readonly scalingAt?: readonly number[];
  readonly onProgress?: (model: "trained" | "untrained", done: number, total: number) => void;
}

function summarize(c: Collected, headline: ProtocolName): ModelResult {
  const t0 = performance.now();
  const protocols = {} as Record<ProtocolName, ProtocolResult>;
  for (const p of PROTOCOLS) {
    const st = c.protocols[p];
    const zH = participationRatio(st.z_H.covariance(), c.hiddenSize), zL = participationRatio(st.z_L.covariance(), c.hiddenSize);
    protocols[p] = { samples: st.z_H.count, z_H: zH, z_L: zL, ratio: zH / zL, scaling: st.scaling };
  }
  const spectrum = {} as Record<ModuleName, number[]>, check = {} as Record<ModuleName, number>;
  for (const m of MODULES) {
    const ev = symmetricEigenvalues(c.protocols[headline][m].covariance(), c.hiddenSize);
    spectrum[m] = Array.from(ev);
    check[m] = participationRatioOfEigenvalues(ev);
  }
  return { protocols, spectrum, pr_from_eigenvalues: check, seconds: c.seconds + (performance.now() - t0) / 1000 };
}

/** Collect states of both models over the same first `puzzles` examples of `split` and summarise them. */
export function participationReport(ctx: Ctx, models: { trained: ReasoningModel; untrained: ReasoningModel }, split: OpenSplit, opts: PrAnalysisOptions): PrReport {
  const t0 = performance.now();
  const scalingAt = opts.scalingAt ?? DEFAULT_SCALING_AT;
  const run = (which: "trained" | "untrained"): Collected => collectStates(ctx, models[which], split, {
    puzzles: opts.puzzles, batchSize: opts.batchSize, scalingAt, gram: kernelGram(ctx.kernels),
    onBatch: (done, total) => opts.onProgress?.(which, done, total),
  });
  const trained = run("trained"), untrained = run("untrained");
  return {
    analysis: "participation_ratio",
    formula: "PR = (sum_i lambda_i)^2 / sum_i lambda_i^2 = (tr C)^2 / ||C||_F^2, C = sample covariance of the states (columns centred), float64",
    protocol: opts.protocol,
    protocol_definitions: PROTOCOL_DEFINITIONS,
    split: split.split,
    puzzles: trained.puzzles,
    puzzle_selection: `the first ${trained.puzzles} examples of the ${split.split} split in file order; scaling points use the first n of them`,
    segments: trained.segments,
    prefix_positions: trained.prefixPositions,
    positions: trained.positions,
    hidden_size: trained.hiddenSize,
    untrained_seed: opts.untrainedSeed,
    models: { trained: summarize(trained, opts.protocol), untrained: summarize(untrained, opts.protocol) },
    paper: PAPER_PR,
    seconds: (performance.now() - t0) / 1000,
  };
}

const fmt = (v: number, w: number): string => (Number.isFinite(v) ? v.toFixed(2) : "n/a").padStart(w);

/** A table of PR per protocol, trained vs untrained, with the paper's numbers, and the headline scaling. */
export function formatPrTable(r: PrReport): string {
  const lines = [
    `participation ratio over ${r.puzzles} puzzles (${r.split}), ${r.segments} segments, ${r.positions} positions (+${r.prefix_positions} prefix, unused), D = ${r.hidden_size}`,
    "",
    "  protocol       samples   trained z_H   z_L    ratio   untrained z_H   z_L    ratio",
  ];
  for (const p of PROTOCOLS) {
    const a = r.models.trained.protocols[p], u = r.models.untrained.protocols[p];
    const mark = p === r.protocol ? "*" : " ";
    lines.push(`${mark} ${p.padEnd(13)}${String(a.samples).padStart(9)}  ${fmt(a.z_H, 12)}${fmt(a.z_L, 7)}${fmt(a.ratio, 8)}  ${fmt(u.z_H, 14)}${fmt(u.z_L, 7)}${fmt(u.ratio, 8)}`);
  }
  const pt = r.paper.trained, pu = r.paper.untrained;
  lines.push(`  ${"paper".padEnd(13)}${"".padStart(9)}  ${fmt(pt.z_H, 12)}${fmt(pt.z_L, 7)}${fmt(pt.ratio, 8)}  ${fmt(pu.z_H, 14)}${fmt(pu.z_L, 7)}${fmt(pu.ratio, 8)}`);
  lines.push("  (* headline protocol; paper: 27M-parameter model, D = 512, Sudoku-Extreme, protocol unpublished)", "");
  lines.push(`PR vs number of puzzles (${r.protocol}):`, "  puzzles   trained z_H   z_L   untrained z_H   z_L");
  const ta = r.models.trained.protocols[r.protocol].scaling, ua = r.models.untrained.protocols[r.protocol].scaling;
  ta.forEach((pt2, i) => {
    const u = ua[i];
    lines.push(`  ${String(pt2.puzzles).padStart(7)}  ${fmt(pt2.z_H, 12)}${fmt(pt2.z_L, 6)}  ${fmt(u?.z_H ?? NaN, 14)}${fmt(u?.z_L ?? NaN, 6)}`);
  });
  return lines.join("\n");
}
