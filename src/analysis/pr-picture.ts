// The participation-ratio picture: PR of z_H and z_L vs the number of puzzles n (log10 axis; the paper's
// figure), trained and untrained, and the cumulative share of variance along the covariance eigenvectors
// (how many directions the states occupy), trained and untrained. Headline protocol only.
import type { CurvePanel, CurveSeries } from "../viz/curves.js";
import { MODULES } from "./collect.js";
import type { ModelResult, PrReport } from "./pr-report.js";

/** At most this many leading eigenvalues are drawn (the tail is flat at 1). */
const MAX_COMPONENTS = 128;

function scalingSeries(m: ModelResult, r: PrReport): CurveSeries[] {
  const pts = m.protocols[r.protocol].scaling;
  return MODULES.map((mod) => ({ name: mod, points: pts.map((p) => [Math.log10(p.puzzles), p[mod]] as const) }));
}

function cumulativeSeries(m: ModelResult): CurveSeries[] {
  return MODULES.map((mod) => {
    const ev = m.spectrum[mod];
    const total = ev.reduce((a, b) => a + Math.max(b, 0), 0);
    let run = 0;
    const points = ev.slice(0, MAX_COMPONENTS).map((v, i) => {
      run += Math.max(v, 0);
      return [i + 1, total > 0 ? run / total : NaN] as const;
    });
    return { name: mod, points };
  });
}

/** Panel size for renderCurvesPng/Svg: wide enough for a title and a two-entry legend side by side. */
export const PR_PICTURE_OPTIONS = { panelWidth: 520, panelHeight: 280, columns: 2 } as const;

/** Top: PR vs log10(number of puzzles) for the headline protocol; bottom: cumulative variance share vs eigen-index. */
export function prPanels(r: PrReport): CurvePanel[] {
  const t = r.models.trained, u = r.models.untrained;
  return [
    { title: "PR vs log10 n, trained", series: scalingSeries(t, r) },
    { title: "PR vs log10 n, untrained", series: scalingSeries(u, r) },
    { title: "cum. variance, trained", series: cumulativeSeries(t) },
    { title: "cum. variance, untrained", series: cumulativeSeries(u) },
  ];
}
