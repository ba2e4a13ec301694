// Charts in Node: a spec becomes an SVG with the spec's texts, and a PNG of twice its size in which the text
// is really drawn (resvg draws text only with a font it found), written as both files.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { linePanelsSpec } from "../../../src/viz/charts/line-panels.js";
import { chartSvg, rasterize, writeChart } from "../../../src/viz/charts/render-node.js";
import { dejaVuWidth } from "../../../src/viz/charts/text-width.js";

const tmp = mkdtempSync(join(tmpdir(), "hrm-charts-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** 33 characters: about 205 px in DejaVu Sans at 11 px, 290 px by vega's guess of 0.8 em each (over the legend's 260 px limit). */
const LONG_NAME = "training batches (moving average)";
const spec = linePanelsSpec({
  title: "a test chart",
  panels: [{ title: "rising", xTitle: "training step", yTitle: "accuracy (%)", yDomain: [0, 100] }, { title: "falling", xTitle: "minutes", yTitle: "loss" }],
  rows: [
    { panel: "rising", series: "train", x: 0, y: 10 }, { panel: "rising", series: "train", x: 100, y: 90 },
    { panel: "falling", series: LONG_NAME, x: 0, y: 2 }, { panel: "falling", series: LONG_NAME, x: 5, y: 1 },
  ],
  seriesTitle: "series",
});

/** Pixels darker than mid-grey (text, axes, lines). */
function darkPixels(pixels: Buffer): number {
  let n = 0;
  for (let i = 0; i < pixels.length; i += 4) if (pixels[i]! + pixels[i + 1]! + pixels[i + 2]! < 3 * 128) n++;
  return n;
}

test("chartSvg: an SVG document with the spec's title, panel titles, axis titles and legend entries", async () => {
  const svg = await chartSvg(spec);
  assert.match(svg, /^<svg [^>]*width="\d+" height="\d+"/);
  for (const t of ["a test chart", "rising", "falling", "training step", "accuracy (%)", "minutes", "loss", "series", "train", LONG_NAME]) {
    assert.ok(svg.includes(`>${t}</text>`), `text "${t}" (whole: labels are measured in DejaVu Sans, not cut at vega's guess)`);
  }
});

test("rasterize: a PNG at twice the SVG's size, white background, and the text drawn with a real font", async () => {
  const svg = await chartSvg(spec);
  const [w, h] = [/width="(\d+)"/.exec(svg)![1], /height="(\d+)"/.exec(svg)![1]].map(Number) as [number, number];
  const r = rasterize(svg);
  assert.deepEqual([...r.png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "PNG signature");
  assert.deepEqual([r.png.readUInt32BE(16), r.png.readUInt32BE(20)], [2 * w, 2 * h]);
  assert.deepEqual([r.width, r.height], [2 * w, 2 * h]);
  assert.deepEqual([...r.pixels.subarray(0, 4)], [255, 255, 255, 255], "white corner");
  // the same picture without its <text> elements: the difference is the text, and it must be there
  const withText = darkPixels(r.pixels), without = darkPixels(rasterize(svg.replace(/<text[^>]*>[^<]*<\/text>/g, "")).pixels);
  assert.ok(withText - without > 5000, `text adds ${withText - without} dark pixels (with ${withText}, without ${without}); is a font installed (fonts-dejavu-core)?`);
});

test("writeChart: <base>.svg and <base>.png, nothing else left behind", async () => {
  const paths = await writeChart(join(tmp, "chart"), spec);
  assert.deepEqual(paths, { svg: join(tmp, "chart.svg"), png: join(tmp, "chart.png") });
  assert.ok(existsSync(paths.png) && readFileSync(paths.svg, "utf8").startsWith("<svg"));
  assert.deepEqual(readdirSync(tmp).sort(), ["chart.png", "chart.svg"]);
});

test("dejaVuWidth: the font's advance widths (W 0.989 em, i 0.278 em, bold wider)", () => {
  assert.equal(dejaVuWidth("W", 1000), 989);
  assert.ok(Math.abs(dejaVuWidth("ii", 10) - 5.56) < 1e-9);
  assert.ok(dejaVuWidth("accuracy", 12, true) > dejaVuWidth("accuracy", 12));
  assert.equal(dejaVuWidth("σ", 1000), 640, "outside ASCII: 0.64 em");
});
