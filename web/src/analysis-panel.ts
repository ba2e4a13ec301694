// The Analysis tab: the participation-ratio numbers and chart of `hrm analyze pr`, drawn from its pr.json
// (the library's Vega-Lite spec, the chart the CLI writes as pr.png) when a copy is shipped in web/public/.
// Its absence is said, not an error.
import { parsePrChartInput, prSpectrumSpec } from "hrm";
import { drawChart } from "./chart-view.js";
import { el, replace } from "./dom.js";

interface Headline {
  readonly z_H: number;
  readonly z_L: number;
  readonly ratio: number;
}

function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function headline(v: unknown): Headline | null {
  if (typeof v !== "object" || v === null) return null;
  const o = v as Record<string, unknown>;
  const zH = num(o.z_H), zL = num(o.z_L), ratio = num(o.ratio);
  return zH !== null && zL !== null && ratio !== null ? { z_H: zH, z_L: zL, ratio } : null;
}

/** Rows of (label, numbers) from a pr.json; fields it lacks are skipped. */
function prRows(json: unknown): { protocol: string; rows: [string, Headline][]; about: string } {
  const r = (typeof json === "object" && json !== null ? json : {}) as Record<string, unknown>;
  const protocol = typeof r.protocol === "string" ? r.protocol : "?";
  const rows: [string, Headline][] = [];
  const models = (r.models ?? {}) as Record<string, unknown>;
  for (const name of ["trained", "untrained"]) {
    const m = models[name] as { protocols?: Record<string, unknown> } | undefined;
    const h = headline(m?.protocols?.[protocol]);
    if (h !== null) rows.push([name === "trained" ? "trained (the shipped checkpoint)" : "untrained (same architecture, random init)", h]);
  }
  const paper = (r.paper ?? {}) as Record<string, unknown>;
  for (const name of ["trained", "untrained"]) {
    const h = headline(paper[name]);
    if (h !== null) rows.push([`paper, ${name}`, h]);
  }
  const about = [
    typeof r.split === "string" ? `split ${r.split}` : null,
    num(r.puzzles) !== null ? `${r.puzzles as number} puzzles` : null,
    num(r.segments) !== null ? `${r.segments as number} segments` : null,
    num(r.hidden_size) !== null ? `hidden size ${r.hidden_size as number}` : null,
  ].filter((s) => s !== null).join(", ");
  return { protocol, rows, about };
}

export function createAnalysisPanel(): HTMLElement {
  const body = el("div", { "data-testid": "analysis-body" }, "Loading pr.json …");
  const root = el("section", { class: "task", "data-task": "analysis" },
    el("p", { class: "hint" }, "Participation ratio PR = (Σλ)² / Σλ² of the covariance of the high-level state z_H and the low-level state z_L: " +
      "the paper's dimensionality hierarchy (z_H ≫ z_L after training). Made by ", el("code", {}, "hrm analyze pr"), "; see src/analysis/README.md."),
    body);
  void load(body);
  return root;
}

async function load(body: HTMLElement): Promise<void> {
  let json: unknown = null;
  try {
    const r = await fetch("./pr.json");
    if (r.ok) json = await r.json();
  } catch {
    json = null; // absent or not JSON: said below
  }
  if (json === null) {
    replace(body, el("p", { class: "missing", "data-testid": "analysis-missing" },
      "No analysis is shipped with this page. Run ", el("code", {}, "hrm analyze pr --checkpoint <dir> --data <dataset> --out <folder>"),
      " and copy pr.json into web/public/, then rebuild."));
    return;
  }
  const { protocol, rows, about } = prRows(json);
  const table = el("table", { class: "pr", "data-testid": "analysis-table" },
    el("thead", {}, el("tr", {}, el("th", {}, ""), el("th", {}, "PR z_H"), el("th", {}, "PR z_L"), el("th", {}, "z_H / z_L"))),
    el("tbody", {}, ...rows.map(([label, h]) => el("tr", {}, el("td", {}, label), el("td", {}, h.z_H.toFixed(2)), el("td", {}, h.z_L.toFixed(2)), el("td", {}, h.ratio.toFixed(2))))));
  const chart = el("div", { class: "chart pr-chart", "data-testid": "analysis-chart", role: "img", "aria-label": "participation ratio: scaling with the number of puzzles and the cumulative variance spectrum" });
  replace(body, el("p", {}, `Protocol ${protocol}${about !== "" ? ` (${about})` : ""}.`), table, chart);
  try {
    await drawChart(chart, prSpectrumSpec(parsePrChartInput(json, "pr.json")));
  } catch (e) {
    replace(chart, el("p", { class: "missing" }, `No chart: ${(e as Error).message}`));
  }
}
