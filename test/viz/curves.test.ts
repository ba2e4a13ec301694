// Training-curve pictures: the PNG is a valid file of the laid-out size, a known line lands on the pixels
// the layout maps it to, the SVG carries titles, legends and polylines; ticks are "nice".
import assert from "node:assert/strict";
import { inflateSync } from "node:zlib";
import { test } from "node:test";
import { SERIES_COLOURS, curvesLayout, formatTick, renderCurvesPng, renderCurvesSvg, toPixel } from "../../src/viz/curves.js";
import type { CurvePanel } from "../../src/viz/curves.js";

/** Decode our own PNGs (8-bit RGBA, filter 0 rows) to RGBA pixels. */
function decodePng(png: Buffer): { width: number; height: number; rgba: Uint8Array } {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "PNG signature");
  assert.equal(png.toString("latin1", 12, 16), "IHDR");
  const width = png.readUInt32BE(16), height = png.readUInt32BE(20);
  assert.deepEqual([png[24], png[25]], [8, 6], "8-bit RGBA");
  const idat: Buffer[] = [];
  for (let o = 8; o < png.length;) {
    const len = png.readUInt32BE(o), type = png.toString("latin1", o + 4, o + 8);
    if (type === "IDAT") idat.push(png.subarray(o + 8, o + 8 + len));
    o += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    assert.equal(raw[y * (width * 4 + 1)], 0, "filter type 0");
    rgba.set(raw.subarray(y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1)), y * width * 4);
  }
  return { width, height, rgba };
}

const panels: CurvePanel[] = [
  { title: "lm loss", series: [{ name: "train", points: [[0, 2], [100, 1], [200, 0.5]] }, { name: "eval", points: [[100, 1.2], [200, 0.8]] }] },
  { title: "accuracy", series: [{ name: "train", points: [[0, 0.1], [50, 0.1], [200, 0.9]] }] },
  { title: "exact accuracy", series: [{ name: "train", points: [] }] },
  { title: "mean ACT steps", series: [{ name: "train", points: [[0, 16], [200, 16]] }] },
];

test("renderCurvesPng: a valid PNG of the layout's size; known lines hit the expected pixels", () => {
  const layout = curvesLayout(panels);
  assert.deepEqual([layout.width, layout.height], [800, 520]);
  const { width, height, rgba } = decodePng(renderCurvesPng(panels));
  assert.deepEqual([width, height], [800, 520]);
  const px = (x: number, y: number): string => "#" + [0, 1, 2].map((k) => rgba[(y * width + x) * 4 + k]!.toString(16).padStart(2, "0")).join("");
  const a = layout.areas[1]!; // accuracy: a flat segment y = 0.1 from x = 0 to 50, then up to (200, 0.9)
  assert.deepEqual([a.xMin, a.xMax, a.yMin, a.yMax], [0, 200, 0, 1]);
  for (const x of [5, 20, 40]) {
    const [cx, cy] = toPixel(a, x, 0.1);
    assert.equal(px(cx, cy), SERIES_COLOURS[0], `flat segment at x=${x} -> pixel (${cx}, ${cy})`);
  }
  // the rising segment passes through its midpoint (125, 0.5)
  const [mx, my] = toPixel(a, 125, 0.5);
  const near = [-1, 0, 1].some((d) => px(mx, my + d) === SERIES_COLOURS[0]);
  assert.ok(near, `midpoint (${mx}, ${my}) of the rising segment is drawn`);
  // the eval series of panel 0 in the second colour; a point of it is marked
  const [ex, ey] = toPixel(layout.areas[0]!, 100, 1.2);
  assert.equal(px(ex, ey), SERIES_COLOURS[1]);
  // a constant series gets a widened axis and sits inside it
  const s = layout.areas[3]!;
  assert.ok(s.yMin < 16 && s.yMax > 16);
  assert.equal(px(...toPixel(s, 100, 16)), SERIES_COLOURS[0]);
  // the empty panel still has axes: the left axis line is dark
  const e = layout.areas[2]!;
  assert.equal(px(e.left, Math.round((e.top + e.bottom) / 2)), "#333333");
  // background stays white away from everything
  assert.equal(px(width - 2, height - 2), "#ffffff");
});

test("renderCurvesSvg: titles, legend names, one polyline per drawn series", () => {
  const svg = renderCurvesSvg(panels);
  assert.match(svg, /^<svg [^>]*width="800" height="520"/);
  for (const t of ["lm loss", "accuracy", "exact accuracy", "mean ACT steps", "train", "eval"]) assert.ok(svg.includes(`>${t}</text>`), t);
  assert.equal((svg.match(/<polyline points="[^"]*" fill="none" stroke="#/g) ?? []).length - 4, 4, "4 series lines besides the 4 axis polylines");
});

test("ticks are nice and labelled with the precision they need", () => {
  const a = curvesLayout([{ title: "t", series: [{ name: "s", points: [[3, 0.013], [9870, 0.087]] }] }]).areas[0]!;
  assert.deepEqual(a.xTicks, [0, 2000, 4000, 6000, 8000, 10000]);
  assert.deepEqual(a.yTicks, [0, 0.02, 0.04, 0.06, 0.08, 0.1]);
  assert.deepEqual(a.xTicks.map((t) => formatTick(t, a.xStep)), ["0", "2K", "4K", "6K", "8K", "10K"]);
  assert.deepEqual(a.yTicks.map((t) => formatTick(t, a.yStep)), ["0", "0.02", "0.04", "0.06", "0.08", "0.10"]);
  assert.equal(formatTick(2.5e-5, 5e-6), "2.5E-5");
});
