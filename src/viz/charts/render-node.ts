// Charts in Node: a Vega-Lite spec (./line-panels.ts and its siblings, the same objects the web page renders)
// compiled with vega-lite, laid out by a headless vega View into an SVG string, and rasterised to PNG by
// resvg (a Rust renderer shipped as a per-platform npm binary). resvg draws text only with fonts it loads:
// DejaVu Sans (Debian's fonts-dejavu-core, which .ci/run installs) when present, else the system's fonts.
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile } from "vega-lite";
import { writeFileAtomic } from "../../util/atomic.js";
import type { ChartSpec } from "./line-panels.js";
import { dejaVuWidth } from "./text-width.js";

const DEJAVU = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"];

/** vega's text measure (untyped): without a canvas it guesses 0.8 em per character; we give it DejaVu Sans's widths. */
interface TextItem { readonly fontSize?: number; readonly fontWeight?: string | number; readonly limit?: number; readonly text?: unknown }
const textMetrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } }).textMetrics;
textMetrics.width = (item, text) => {
  const s = text === null || text === undefined ? "" : String(text).trim();
  const bold = item.fontWeight === "bold" || (typeof item.fontWeight === "number" && item.fontWeight >= 600);
  const width = dejaVuWidth(s, item.fontSize ?? 11, bold);
  return item.limit !== undefined && item.limit > 0 ? Math.min(width, item.limit) : width; // a label over its limit is cut to it

};

/** The spec as a standalone SVG document. */
export async function chartSvg(spec: ChartSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The fonts resvg is given: DejaVu Sans when installed (fast, the same on every Debian machine), else all system fonts. */
function fontOptions(): { fontFiles: string[]; loadSystemFonts: boolean; defaultFontFamily: string; sansSerifFamily?: string } {
  const files = DEJAVU.filter((f) => existsSync(f));
  return files.length > 0
    ? { fontFiles: files, loadSystemFonts: false, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" }
    : { fontFiles: [], loadSystemFonts: true, defaultFontFamily: "" };
}

/** RGBA pixels of an SVG at `scale` times its size, and the same as a PNG file. */
export function rasterize(svg: string, scale = 2): { width: number; height: number; pixels: Buffer; png: Buffer } {
  const image = new Resvg(svg, { background: "#ffffff", fitTo: { mode: "zoom", value: scale }, font: fontOptions() }).render();
  return { width: image.width, height: image.height, pixels: image.pixels, png: image.asPng() };
}

/** Write `<base>.svg` and `<base>.png` (twice the SVG's pixel size, for sharp text) atomically, making the folder; returns both paths. */
export async function writeChart(base: string, spec: ChartSpec): Promise<{ svg: string; png: string }> {
  const svg = await chartSvg(spec);
  await mkdir(dirname(base), { recursive: true });
  const paths = { svg: `${base}.svg`, png: `${base}.png` };
  await writeFileAtomic(paths.svg, svg);
  await writeFileAtomic(paths.png, rasterize(svg).png);
  return paths;
}
