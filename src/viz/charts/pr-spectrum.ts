// The participation-ratio chart of `hrm analyze pr` (its pr.json): PR of z_H and z_L against the number of
// puzzles (log axis; the paper's figure) and the cumulative share of variance along the covariance
// eigenvectors (how many directions the states occupy), trained (solid) and untrained (dashed), for the
// headline protocol. The CLI writes it as pr.png/svg; the web page's Analysis tab draws it from pr.json.
import type { ModelResult, PrReport } from "../../analysis/pr-report.js";
import { DataError } from "../../engine/errors.js";
import type { ChartSpec, LineRow } from "./line-panels.js";
import { linePanelsSpec } from "./line-panels.js";

/** What the chart reads of a pr.json. */
export type PrChartInput = Pick<PrReport, "protocol" | "puzzles" | "models">;

/** At most this many leading eigenvalues are drawn (the tail adds nothing visible). */
export const MAX_COMPONENTS = 128;

const MODULES = ["z_H", "z_L"] as const;
const SCALING = "PR vs number of puzzles";
const SPECTRUM = "cumulative variance along the eigenvectors";

function modelRows(name: string, m: ModelResult, protocol: PrReport["protocol"]): LineRow[] {
  const rows: LineRow[] = [];
  for (const mod of MODULES) {
    for (const p of m.protocols[protocol].scaling) rows.push({ panel: SCALING, series: mod, dash: name, x: p.puzzles, y: p[mod] });
    const ev = m.spectrum[mod];
    const total = ev.reduce((a, b) => a + Math.max(b, 0), 0);
    let run = 0;
    ev.slice(0, MAX_COMPONENTS).forEach((v, i) => {
      run += Math.max(v, 0);
      if (total > 0) rows.push({ panel: SPECTRUM, series: mod, dash: name, x: i + 1, y: (100 * run) / total });
    });
  }
  return rows;
}

export function prSpectrumSpec(r: PrChartInput, title = "participation ratio of z_H and z_L"): ChartSpec {
  return linePanelsSpec({
    title,
    subtitle: `protocol ${r.protocol}, ${r.puzzles} puzzles; trained model vs its untrained twin`,
    panels: [
      { title: SCALING, xTitle: "number of puzzles n (log scale)", yTitle: "participation ratio PR (dimensions)", xScale: "log" },
      { title: SPECTRUM, xTitle: "eigenvector index (largest eigenvalue first)", yTitle: "cumulative share of variance (%)", yDomain: [0, 100] },
    ],
    rows: [...modelRows("trained", r.models.trained, r.protocol), ...modelRows("untrained", r.models.untrained, r.protocol)],
    seriesTitle: "state",
    dashTitle: "model",
    seriesOrder: [...MODULES],
    width: 360,
    height: 240,
  });
}

const isNumbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === "number");

/** The chart's input from a parsed pr.json (`where` names it in the error): the fields the chart reads, checked. */
export function parsePrChartInput(json: unknown, where: string): PrChartInput {
  const fail = (what: string): never => {
    throw new DataError(`${where}: expected the pr.json of \`hrm analyze pr\`; ${what}`);
  };
  if (typeof json !== "object" || json === null || Array.isArray(json)) return fail(`got ${Array.isArray(json) ? "an array" : typeof json}, not a JSON object`);
  const r = json as Record<string, unknown>;
  if (typeof r["protocol"] !== "string") return fail(`"protocol" is ${JSON.stringify(r["protocol"])}, not a protocol name`);
  if (typeof r["puzzles"] !== "number") return fail(`"puzzles" is ${JSON.stringify(r["puzzles"])}, not a number`);
  const protocol = r["protocol"];
  for (const name of ["trained", "untrained"]) {
    const m = (r["models"] as Record<string, unknown> | undefined)?.[name] as { protocols?: Record<string, { scaling?: unknown }>; spectrum?: Record<string, unknown> } | undefined;
    const scaling = m?.protocols?.[protocol]?.scaling;
    if (!Array.isArray(scaling) || !scaling.every((p) => typeof p === "object" && p !== null && MODULES.every((mod) => typeof (p as Record<string, unknown>)[mod] === "number") && typeof (p as Record<string, unknown>)["puzzles"] === "number")) {
      return fail(`models.${name}.protocols["${protocol}"].scaling is missing or not a list of {puzzles, z_H, z_L}`);
    }
    if (!MODULES.every((mod) => isNumbers(m?.spectrum?.[mod]))) return fail(`models.${name}.spectrum is missing z_H or z_L eigenvalues`);
  }
  return json as PrChartInput;
}
