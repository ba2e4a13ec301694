// Renders grids (Sudoku boards, mazes, ARC pairs) side by side as SVG, PNG or text. A panel maps each
// cell value to a fill colour and an optional glyph; `blockEvery` draws thicker lines (Sudoku boxes).
import type { Grid } from "../data/grid.js";
import { GLYPH_H, GLYPH_W, glyph } from "./font.js";
import { RgbaCanvas } from "./png.js";

export interface Panel {
  readonly title: string;
  readonly grid: Grid;
  /** Fill colour per cell value ("#rrggbb"). */
  readonly fills: readonly string[];
  /** Glyph per cell value ("" or missing = none); also used by the text rendering. */
  readonly glyphs?: readonly string[];
  /** Character per cell value for the text rendering when there is no glyph (default the value). */
  readonly chars?: readonly string[];
  readonly ink?: string;
  readonly blockEvery?: number;
}

export interface RenderOptions {
  /** Cell size in pixels (default 16). */
  readonly cell?: number;
}

const GAP = 2; // cells between panels
const TITLE = 1.5; // title height in cells
const LINE = "#888888";

function layout(panels: readonly Panel[], cell: number): { x: number[]; width: number; height: number } {
  const x: number[] = [];
  let cx = cell;
  for (const p of panels) { x.push(cx); cx += (p.grid.w + GAP) * cell; }
  const rows = Math.max(1, ...panels.map((p) => p.grid.h));
  return { x, width: Math.max(cell, cx - (GAP - 1) * cell), height: Math.ceil((rows + TITLE + 1) * cell) };
}

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

export function renderPanelsSvg(panels: readonly Panel[], opts: RenderOptions = {}): string {
  const cell = opts.cell ?? 16;
  const { x, width, height } = layout(panels, cell);
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`];
  panels.forEach((p, k) => {
    const x0 = x[k]!, y0 = TITLE * cell;
    out.push(`<text x="${x0}" y="${cell}" font-family="sans-serif" font-size="${Math.round(cell * 0.8)}">${esc(p.title)}</text>`);
    for (let r = 0; r < p.grid.h; r++) {
      for (let c = 0; c < p.grid.w; c++) {
        const v = p.grid.data[r * p.grid.w + c]!;
        out.push(`<rect x="${x0 + c * cell}" y="${y0 + r * cell}" width="${cell}" height="${cell}" fill="${p.fills[v] ?? "#ff00ff"}" stroke="${LINE}" stroke-width="0.5"/>`);
        const g = p.glyphs?.[v];
        if (g) out.push(`<text x="${x0 + (c + 0.5) * cell}" y="${y0 + (r + 0.75) * cell}" text-anchor="middle" font-family="monospace" font-size="${Math.round(cell * 0.7)}" fill="${p.ink ?? "#000000"}">${esc(g)}</text>`);
      }
    }
    if (p.blockEvery) {
      const b = p.blockEvery;
      for (let i = 0; i <= p.grid.h; i += b) out.push(`<line x1="${x0}" y1="${y0 + i * cell}" x2="${x0 + p.grid.w * cell}" y2="${y0 + i * cell}" stroke="#000000" stroke-width="2"/>`);
      for (let j = 0; j <= p.grid.w; j += b) out.push(`<line x1="${x0 + j * cell}" y1="${y0}" x2="${x0 + j * cell}" y2="${y0 + p.grid.h * cell}" stroke="#000000" stroke-width="2"/>`);
    }
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}

export function renderPanelsPng(panels: readonly Panel[], opts: RenderOptions = {}): Buffer {
  const cell = Math.max(8, opts.cell ?? 16);
  const { x, width, height } = layout(panels, cell);
  const cv = new RgbaCanvas(width, height);
  panels.forEach((p, k) => {
    const x0 = x[k]!, y0 = Math.round(TITLE * cell);
    cv.fillRect(x0 - 1, y0 - 1, p.grid.w * cell + 1, p.grid.h * cell + 1, LINE);
    const scale = Math.max(1, Math.floor((cell - 4) / 6));
    for (let r = 0; r < p.grid.h; r++) {
      for (let c = 0; c < p.grid.w; c++) {
        const v = p.grid.data[r * p.grid.w + c]!;
        const cx = x0 + c * cell, cy = y0 + r * cell;
        cv.fillRect(cx, cy, cell - 1, cell - 1, p.fills[v] ?? "#ff00ff");
        const rows = glyph(p.glyphs?.[v] ?? "");
        if (rows === undefined) continue;
        const gx = cx + Math.floor((cell - 1 - GLYPH_W * scale) / 2), gy = cy + Math.floor((cell - 1 - GLYPH_H * scale) / 2);
        rows.forEach((line, yy) => {
          for (let xx = 0; xx < GLYPH_W; xx++) if (line[xx] === "#") cv.fillRect(gx + xx * scale, gy + yy * scale, scale, scale, p.ink ?? "#000000");
        });
      }
    }
    if (p.blockEvery) {
      const b = p.blockEvery;
      for (let i = 0; i <= p.grid.h; i += b) cv.fillRect(x0 - 1, y0 + i * cell - 1, p.grid.w * cell + 1, 2, "#000000");
      for (let j = 0; j <= p.grid.w; j += b) cv.fillRect(x0 + j * cell - 1, y0 - 1, 2, p.grid.h * cell + 1, "#000000");
    }
  });
  return cv.toPng();
}

/** Panels side by side as monospace text, titles on top. */
export function renderPanelsText(panels: readonly Panel[]): string {
  const blocks = panels.map((p) => {
    const lines: string[] = [];
    const b = p.blockEvery ?? 0;
    for (let r = 0; r < p.grid.h; r++) {
      if (b && r > 0 && r % b === 0) lines.push(Array.from({ length: p.grid.w / b }, () => "-".repeat(b)).join("+"));
      let s = "";
      for (let c = 0; c < p.grid.w; c++) {
        if (b && c > 0 && c % b === 0) s += "|";
        const v = p.grid.data[r * p.grid.w + c]!;
        s += (p.glyphs?.[v] || p.chars?.[v] || String(v % 10)).slice(0, 1);
      }
      lines.push(s);
    }
    const width = Math.max(p.title.length, ...lines.map((l) => l.length));
    return { lines: [p.title, ...lines], width };
  });
  const height = Math.max(...blocks.map((b) => b.lines.length));
  const out: string[] = [];
  for (let i = 0; i < height; i++) out.push(blocks.map((b) => (b.lines[i] ?? "").padEnd(b.width)).join("   ").trimEnd());
  return out.join("\n") + "\n";
}
