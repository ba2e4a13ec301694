// Training-curve pictures: a grid of small line plots (one per panel: loss, accuracy, ...), each with
// axes, "nice" ticks and their labels, a title and a legend, as SVG or as PNG. The PNG is drawn by a
// tiny raster plotter over src/viz/png.ts with the 3x5 pixel font of src/viz/font.ts (upper-cased).
// `curvesLayout` exposes where each plot sits and which data ranges its axes show, so a caller (or a
// test) can map a data point to its pixel with `toPixel`.
import { GLYPH_H, GLYPH_W, glyph } from "./font.js";
import { RgbaCanvas, parseHex } from "./png.js";

export interface CurveSeries {
  readonly name: string;
  /** [x, y] pairs in drawing order; non-finite values break the line. */
  readonly points: ReadonlyArray<readonly [number, number]>;
}

export interface CurvePanel {
  readonly title: string;
  readonly series: readonly CurveSeries[];
}

export interface CurvesOptions {
  /** Size of one panel in pixels (default 400 x 260). */
  readonly panelWidth?: number;
  readonly panelHeight?: number;
  /** Panels per row (default 2). */
  readonly columns?: number;
}

/** Where one panel's plot area sits (pixels, inclusive edges) and the data ranges of its axes. */
export interface PlotArea {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
  readonly xTicks: readonly number[];
  readonly yTicks: readonly number[];
  /** Spacing of the ticks (for their labels' precision). */
  readonly xStep: number;
  readonly yStep: number;
}

export interface CurvesLayout {
  readonly width: number;
  readonly height: number;
  readonly areas: readonly PlotArea[];
}

export const SERIES_COLOURS: readonly string[] = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];
const AXIS = "#333333", GRID = "#e4e4e4", TEXT = "#222222";
const SCALE = 2; // font pixels per glyph pixel
const CHAR_W = (GLYPH_W + 1) * SCALE, CHAR_H = GLYPH_H * SCALE;
const MARGIN = { left: 66, right: 26, top: 30, bottom: 30 };

/** A step of 1, 2 or 5 times a power of ten near `raw`. */
function niceStep(raw: number): number {
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / p;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

/** Axis bounds widened to whole ticks, about `count` intervals. */
function niceAxis(lo: number, hi: number, count: number): { min: number; max: number; step: number; ticks: number[] } {
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad; hi += pad;
  }
  const step = niceStep((hi - lo) / count);
  const min = Math.floor(lo / step + 1e-9) * step, max = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let k = 0; min + k * step <= max + step * 1e-6; k++) ticks.push(Number((min + k * step).toPrecision(12)));
  return { min, max, step, ticks };
}

/** Tick label text with the precision the tick spacing needs ("0.25", "20K", "1.0E-5"). */
export function formatTick(v: number, step: number): string {
  if (v === 0) return "0";
  if (step >= 1e6 && Number.isInteger(v / 1e6)) return `${v / 1e6}M`;
  if (step >= 1000 && Math.abs(v) >= 1000) return `${Number((v / 1000).toPrecision(6))}K`;
  if (step < 1e-3) return v.toExponential(1).toUpperCase();
  let decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  while (decimals < 6 && Math.abs(step * 10 ** decimals - Math.round(step * 10 ** decimals)) > 1e-6) decimals++;
  return v.toFixed(decimals);
}

function range(panel: CurvePanel, axis: 0 | 1): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const s of panel.series) for (const p of s.points) {
    const v = p[axis];
    if (Number.isFinite(p[0]) && Number.isFinite(p[1])) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  }
  return lo === Infinity ? [0, 1] : [lo, hi];
}

export function curvesLayout(panels: readonly CurvePanel[], opts: CurvesOptions = {}): CurvesLayout {
  const pw = opts.panelWidth ?? 400, ph = opts.panelHeight ?? 260;
  const cols = Math.max(1, Math.min(opts.columns ?? 2, panels.length));
  const rows = Math.max(1, Math.ceil(panels.length / cols));
  const areas = panels.map((panel, i) => {
    const ox = (i % cols) * pw, oy = Math.floor(i / cols) * ph;
    const [x0, x1] = range(panel, 0), [y0, y1] = range(panel, 1);
    const xa = niceAxis(x0, x1, 5), ya = niceAxis(y0, y1, 4);
    return {
      left: ox + MARGIN.left, top: oy + MARGIN.top, right: ox + pw - MARGIN.right, bottom: oy + ph - MARGIN.bottom,
      xMin: xa.min, xMax: xa.max, yMin: ya.min, yMax: ya.max, xTicks: xa.ticks, yTicks: ya.ticks, xStep: xa.step, yStep: ya.step,
    };
  });
  return { width: cols * pw, height: rows * ph, areas };
}

/** The pixel of data point (x, y) in a plot area (rounded to whole pixels). */
export function toPixel(a: PlotArea, x: number, y: number): [number, number] {
  return [
    Math.round(a.left + ((x - a.xMin) / (a.xMax - a.xMin)) * (a.right - a.left)),
    Math.round(a.bottom - ((y - a.yMin) / (a.yMax - a.yMin)) * (a.bottom - a.top)),
  ];
}

/** Runs of drawable points: non-finite values end a run. */
function runs(points: CurveSeries["points"]): Array<Array<readonly [number, number]>> {
  const out: Array<Array<readonly [number, number]>> = [[]];
  for (const p of points) {
    if (Number.isFinite(p[0]) && Number.isFinite(p[1])) out[out.length - 1]!.push(p);
    else if (out[out.length - 1]!.length > 0) out.push([]);
  }
  return out.filter((r) => r.length > 0);
}

const colourOf = (i: number): string => SERIES_COLOURS[i % SERIES_COLOURS.length]!;
/** Points are marked when a series is sparse (e.g. evaluations). */
const MARK_BELOW = 40;

// ---------------------------------------------------------------------------------------------- PNG

class Plotter {
  readonly cv: RgbaCanvas;
  constructor(width: number, height: number) {
    this.cv = new RgbaCanvas(width, height);
  }

  dot(x: number, y: number, rgb: readonly [number, number, number]): void {
    if (x < 0 || y < 0 || x >= this.cv.width || y >= this.cv.height) return;
    const o = (y * this.cv.width + x) * 4, d = this.cv.data;
    d[o] = rgb[0]; d[o + 1] = rgb[1]; d[o + 2] = rgb[2]; d[o + 3] = 255;
  }

  /** A 2-pixel-wide line (Bresenham, brush of 2x2 pixels). */
  line(xa: number, ya: number, xb: number, yb: number, colour: string): void {
    const rgb = parseHex(colour);
    const dx = Math.abs(xb - xa), dy = -Math.abs(yb - ya), sx = xa < xb ? 1 : -1, sy = ya < yb ? 1 : -1;
    let err = dx + dy, x = xa, y = ya;
    for (;;) {
      this.dot(x, y, rgb); this.dot(x + 1, y, rgb); this.dot(x, y + 1, rgb); this.dot(x + 1, y + 1, rgb);
      if (x === xb && y === yb) break;
      const e2 = 2 * err;
      if (e2 >= dy) { err += dy; x += sx; }
      if (e2 <= dx) { err += dx; y += sy; }
    }
  }

  /** Text with its top-left corner at (x, y); unknown characters are drawn as "?". */
  text(s: string, x: number, y: number, colour: string): void {
    const rgb = parseHex(colour);
    [...s.toUpperCase()].forEach((ch, k) => {
      const rows = glyph(ch) ?? glyph("?")!;
      rows.forEach((line, gy) => {
        for (let gx = 0; gx < GLYPH_W; gx++) {
          if (line[gx] !== "#") continue;
          for (let a = 0; a < SCALE; a++) for (let b = 0; b < SCALE; b++) this.dot(x + k * CHAR_W + gx * SCALE + a, y + gy * SCALE + b, rgb);
        }
      });
    });
  }
}

const textWidth = (s: string): number => s.length * CHAR_W - SCALE;

export function renderCurvesPng(panels: readonly CurvePanel[], opts: CurvesOptions = {}): Buffer {
  const layout = curvesLayout(panels, opts);
  const pl = new Plotter(Math.max(1, layout.width), Math.max(1, layout.height));
  panels.forEach((panel, i) => {
    const a = layout.areas[i]!;
    for (const t of a.yTicks) {
      const [, py] = toPixel(a, a.xMin, t);
      pl.cv.fillRect(a.left, py, a.right - a.left + 1, 1, GRID);
      const label = formatTick(t, a.yStep);
      pl.text(label, a.left - 6 - textWidth(label), py - Math.floor(CHAR_H / 2), TEXT);
    }
    for (const t of a.xTicks) {
      const [px] = toPixel(a, t, a.yMin);
      pl.cv.fillRect(px, a.top, 1, a.bottom - a.top + 1, GRID);
      pl.cv.fillRect(px, a.bottom, 1, 4, AXIS);
      const label = formatTick(t, a.xStep);
      pl.text(label, px - Math.floor(textWidth(label) / 2), a.bottom + 8, TEXT);
    }
    pl.cv.fillRect(a.left, a.top, 1, a.bottom - a.top + 1, AXIS);
    pl.cv.fillRect(a.left, a.bottom, a.right - a.left + 1, 1, AXIS);
    panel.series.forEach((s, k) => {
      const colour = colourOf(k);
      for (const run of runs(s.points)) {
        const px = run.map((p) => toPixel(a, p[0], p[1]));
        for (let j = 1; j < px.length; j++) pl.line(px[j - 1]![0], px[j - 1]![1], px[j]![0], px[j]![1], colour);
        if (px.length === 1 || s.points.length < MARK_BELOW) for (const [x, y] of px) pl.cv.fillRect(x - 2, y - 2, 5, 5, colour);
      }
    });
    pl.text(panel.title, a.left, a.top - CHAR_H - 8, TEXT);
    // legend: in the title row, right-aligned, one swatch and name per series
    let x = a.right;
    for (let k = panel.series.length - 1; k >= 0; k--) {
      const name = panel.series[k]!.name;
      x -= textWidth(name) + 18;
      pl.cv.fillRect(x, a.top - CHAR_H - 8 + Math.floor(CHAR_H / 2) - 1, 12, 3, colourOf(k));
      pl.text(name, x + 16, a.top - CHAR_H - 8, TEXT);
      x -= 14;
    }
  });
  return pl.cv.toPng();
}

// ---------------------------------------------------------------------------------------------- SVG

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

export function renderCurvesSvg(panels: readonly CurvePanel[], opts: CurvesOptions = {}): string {
  const layout = curvesLayout(panels, opts);
  const W = layout.width, H = layout.height;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`];
  panels.forEach((panel, i) => {
    const a = layout.areas[i]!;
    for (const t of a.yTicks) {
      const [, py] = toPixel(a, a.xMin, t);
      out.push(`<line x1="${a.left}" y1="${py}" x2="${a.right}" y2="${py}" stroke="${GRID}"/>`,
        `<text x="${a.left - 6}" y="${py + 4}" text-anchor="end" fill="${TEXT}">${formatTick(t, a.yStep)}</text>`);
    }
    for (const t of a.xTicks) {
      const [px] = toPixel(a, t, a.yMin);
      out.push(`<line x1="${px}" y1="${a.top}" x2="${px}" y2="${a.bottom}" stroke="${GRID}"/>`,
        `<text x="${px}" y="${a.bottom + 16}" text-anchor="middle" fill="${TEXT}">${formatTick(t, a.xStep)}</text>`);
    }
    out.push(`<polyline points="${a.left},${a.top} ${a.left},${a.bottom} ${a.right},${a.bottom}" fill="none" stroke="${AXIS}"/>`);
    panel.series.forEach((s, k) => {
      const colour = colourOf(k);
      for (const run of runs(s.points)) {
        const px = run.map((p) => toPixel(a, p[0], p[1]));
        if (px.length > 1) out.push(`<polyline points="${px.map(([x, y]) => `${x},${y}`).join(" ")}" fill="none" stroke="${colour}" stroke-width="1.5"/>`);
        if (px.length === 1 || s.points.length < MARK_BELOW) for (const [x, y] of px) out.push(`<circle cx="${x}" cy="${y}" r="2.5" fill="${colour}"/>`);
      }
      const lx = a.right - 70 * (panel.series.length - k), ly = a.top - 10;
      out.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 14}" y2="${ly - 4}" stroke="${colour}" stroke-width="2"/>`,
        `<text x="${lx + 18}" y="${ly}" fill="${TEXT}">${esc(s.name)}</text>`);
    });
    out.push(`<text x="${a.left}" y="${a.top - 10}" font-size="13" font-weight="bold" fill="${TEXT}">${esc(panel.title)}</text>`);
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}
