// The Q-halt curve: σ(q_halt) and σ(q_continue) per segment as SVG lines, with a marker at the segment where
// adaptive halting stops (the first with q_halt > q_continue) and one at the segment shown.
import type { SegmentTrace } from "hrm";

const NS = "http://www.w3.org/2000/svg";
const W = 360, H = 200, L = 40, R = 12, T = 14, B = 34;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const n = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  if (text !== undefined) n.textContent = text;
  return n;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** `adaptiveStop`: 1-based segment, or null when q_halt never exceeds q_continue. */
export function qHaltChart(segments: readonly SegmentTrace[], adaptiveStop: number | null, shown: number): SVGSVGElement {
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "qchart", "data-testid": "qhalt-chart", role: "img" });
  root.appendChild(svg("title", {}, "σ(q_halt) and σ(q_continue) per segment"));
  const n = segments.length;
  const x = (s: number): number => L + (n === 1 ? (W - L - R) / 2 : ((s - 1) / (n - 1)) * (W - L - R));
  const y = (p: number): number => T + (1 - p) * (H - T - B);
  // axes and grid
  for (const p of [0, 0.5, 1]) {
    root.appendChild(svg("line", { x1: L, x2: W - R, y1: y(p), y2: y(p), class: p === 0.5 ? "mid" : "axis" }));
    root.appendChild(svg("text", { x: L - 6, y: y(p) + 4, "text-anchor": "end", class: "tick" }, p.toFixed(1)));
  }
  const step = Math.max(1, Math.ceil(n / 12));
  for (const s of segments) {
    if ((s.segment - 1) % step === 0 || s.segment === n) {
      root.appendChild(svg("text", { x: x(s.segment), y: H - B + 16, "text-anchor": "middle", class: "tick" }, String(s.segment)));
    }
  }
  root.appendChild(svg("text", { x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle", class: "label" }, "segment"));
  if (adaptiveStop !== null) {
    root.appendChild(svg("line", { x1: x(adaptiveStop), x2: x(adaptiveStop), y1: T, y2: H - B, class: "halt", "data-testid": "halt-marker" }));
    const right = x(adaptiveStop) > (L + W - R) / 2; // label on the side with room
    root.appendChild(svg("text", { x: x(adaptiveStop) + (right ? -4 : 4), y: T + 10, "text-anchor": right ? "end" : "start", class: "halt-label" }, "adaptive halt"));
  }
  root.appendChild(svg("line", { x1: x(shown), x2: x(shown), y1: T, y2: H - B, class: "shown" }));
  const line = (values: number[], cls: string): void => {
    root.appendChild(svg("polyline", { points: values.map((v, i) => `${x(i + 1)},${y(v)}`).join(" "), class: cls }));
    values.forEach((v, i) => root.appendChild(svg("circle", { cx: x(i + 1), cy: y(v), r: 3, class: `${cls}-dot` })));
  };
  line(segments.map((s) => sigmoid(s.qContinue)), "qcont");
  line(segments.map((s) => s.haltProb), "qhalt");
  return root;
}
