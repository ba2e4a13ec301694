// A grid of line plots as one Vega-Lite spec: the shape shared by the training curves, the compare
// curves and the participation-ratio chart. Each panel has a title, axis titles (with units) and its own
// scales; the series colours (and, optionally, line dashes) are shared by all panels, so one legend names
// them. Pure data in, a plain JSON spec out: Node (./render-node.ts) and the browser render the same object.
import type { TopLevelSpec } from "vega-lite";

/** A Vega-Lite spec, as `vega-lite`'s `compile` takes it. */
export type ChartSpec = TopLevelSpec;

export interface LinePanel {
  /** Shown above the panel; also the key rows use to say which panel they belong to. */
  readonly title: string;
  readonly xTitle: string;
  readonly yTitle: string;
  readonly xScale?: "linear" | "log";
  /** Fixed y range (e.g. [0, 100] for a percentage); else fitted to the data. */
  readonly yDomain?: readonly [number, number];
  /** Whether the fitted y range includes 0 (default true, as Vega-Lite does). */
  readonly yZero?: boolean;
}

/** One point of one series in one panel. Non-finite values are left out (JSON cannot carry them). */
export interface LineRow {
  readonly panel: string;
  readonly series: string;
  /** Second grouping, drawn as a line dash (e.g. trained / untrained). */
  readonly dash?: string;
  readonly x: number;
  readonly y: number;
}

export interface LinePanelsOptions {
  readonly title: string;
  /** A line under the title (e.g. what the data is and where it came from). */
  readonly subtitle?: string;
  readonly panels: readonly LinePanel[];
  readonly rows: readonly LineRow[];
  /** Legend title of the colour (series) and the dash groups. */
  readonly seriesTitle: string;
  readonly dashTitle?: string;
  /** Legend order of the series (default: first appearance). */
  readonly seriesOrder?: readonly string[];
  readonly columns?: number;
  /** Plot area of one panel in pixels (default 320 x 200). */
  readonly width?: number;
  readonly height?: number;
}

/** Series with fewer points than this get a dot on each point (sparse series: evaluations). */
export const DOT_BELOW = 40;

/** Tableau 10: distinct in colour and in lightness. */
export const SERIES_COLOURS: readonly string[] = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#eeca3b", "#9d755d"];

/** The settings every chart shares: fonts, sizes, white background. */
export function chartConfig(): NonNullable<TopLevelSpec["config"]> {
  return {
    font: "sans-serif",
    background: "#ffffff",
    view: { stroke: "#dddddd" },
    // labelSeparation: labels closer than 6 px count as overlapping, and every other one is dropped
    axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal", gridColor: "#eeeeee", labelSeparation: 6 },
    // the top y label inside the plot's height, so every panel's title sits at the same height
    axisY: { labelFlush: true },
    legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal", labelLimit: 260 },
    title: { fontSize: 15, subtitleFontSize: 12, subtitleColor: "#555555", anchor: "start" },
    header: { labelFontSize: 12 },
  };
}

const key = (r: LineRow): string => `${r.panel}\u0000${r.series}\u0000${r.dash ?? ""}`;

export function linePanelsSpec(o: LinePanelsOptions): ChartSpec {
  const rows = o.rows.filter((r) => Number.isFinite(r.x) && Number.isFinite(r.y) && (o.panels.find((p) => p.title === r.panel)?.xScale !== "log" || r.x > 0));
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1);
  const values = rows.map((r) => ({ panel: r.panel, series: r.series, dash: r.dash ?? "", x: r.x, y: r.y, dot: (counts.get(key(r)) ?? 0) < DOT_BELOW }));
  const order = [...(o.seriesOrder ?? []), ...new Set(rows.map((r) => r.series))].filter((s, i, all) => all.indexOf(s) === i);
  const color = { field: "series", type: "nominal", title: o.seriesTitle, scale: { domain: order, range: SERIES_COLOURS.slice(0, Math.max(1, order.length)) }, legend: { orient: "bottom", direction: "horizontal" } } as const;
  const dashes = o.dashTitle !== undefined ? [...new Set(rows.map((r) => r.dash ?? ""))] : [];
  const strokeDash = o.dashTitle !== undefined ? { strokeDash: { field: "dash", type: "nominal", title: o.dashTitle, scale: { domain: dashes }, legend: { orient: "bottom", direction: "horizontal" } } } as const : {};
  const panel = (p: LinePanel) => {
    // a log axis is labelled at the x values there are (e.g. 10, 20, 50, ... puzzles), not at every 1-9 x 10^k
    const logValues = [...new Set(rows.filter((r) => r.panel === p.title).map((r) => r.x))].sort((a, b) => a - b);
    const x = p.xScale === "log"
      ? { field: "x", type: "quantitative", title: p.xTitle, scale: { type: "log", nice: false }, axis: { values: logValues, grid: true } } as const
      : { field: "x", type: "quantitative", title: p.xTitle, scale: { zero: false, nice: true } } as const;
    const y = { field: "y", type: "quantitative", title: p.yTitle, scale: p.yDomain !== undefined ? { domain: [...p.yDomain] } : { zero: p.yZero ?? true } } as const;
    return {
      title: p.title,
      width: o.width ?? 320,
      height: o.height ?? 200,
      transform: [{ filter: { field: "panel", equal: p.title } }],
      layer: [
        { mark: { type: "line", strokeWidth: 1.8, clip: true }, encoding: { x, y, color, ...strokeDash, detail: { field: "dash" } } },
        { transform: [{ filter: "datum.dot" }], mark: { type: "point", filled: true, size: 28, opacity: 1 }, encoding: { x, y, color } },
      ],
    };
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: o.subtitle !== undefined ? { text: o.title, subtitle: o.subtitle } : o.title,
    data: { values },
    columns: o.columns ?? 2,
    concat: o.panels.map(panel),
    resolve: { scale: { color: "shared", strokeDash: "shared" } },
    config: chartConfig(),
  } as ChartSpec;
}
