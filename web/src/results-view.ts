// What a run shows: the grid after every segment (changed cells highlighted) under a segment slider, a strip
// of all segments, the Q-halt chart (the library's Vega-Lite spec) and where adaptive halting stops.
import { haltsUnder, qHaltSpec } from "hrm";
import type { SolveResult } from "hrm";
import { drawChart } from "./chart-view.js";
import { el, replace } from "./dom.js";
import { renderGrid } from "./grid-view.js";
import type { Solved } from "./protocol.js";
import type { Prepared } from "./task.js";

/** First segment where the model's halting rule says stop (the paper's inference-time ACT), or null. */
export function adaptiveStop(result: SolveResult): number | null {
  return result.segments.find((s) => haltsUnder(result.haltRule, s.qHalt, s.qContinue))?.segment ?? null;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

export function renderResults(prepared: Prepared, solved: Solved): HTMLElement {
  const { result } = solved;
  const n = result.segments.length;
  const stop = adaptiveStop(result);
  const haltText = stop === null
    ? `No segment met ${result.haltRule}: adaptive halting would run to the segment limit.`
    : `Adaptive halting stops at segment ${stop} (first ${result.haltRule}).`;
  const summary = el("p", { class: "summary", "data-testid": "run-summary" },
    `${n} segment${n === 1 ? "" : "s"} (${result.halting} halting) with the ${solved.kernels} kernels in ${solved.milliseconds.toFixed(0)} ms. ${haltText}`);
  const notes = [solved.kernelNote, prepared.note].filter((s): s is string => s !== undefined).map((s) => el("p", { class: "hint" }, s));
  const verdict = el("p", { class: "verdict", "data-testid": "verdict" }, prepared.verdict(result.final));

  const slider = el("input", { type: "range", min: 1, max: n, step: 1, value: n, "data-testid": "segment-slider", "aria-label": "segment" });
  const mainBox = el("div", { class: "main-grid" });
  const caption = el("div", { class: "caption", "data-testid": "segment-caption" });
  const chartBox = el("div", { class: "chart", "data-testid": "qhalt-chart", role: "img", "aria-label": "σ(q_halt) and σ(q_continue) per segment" });

  function show(k: number): void {
    const s = result.segments[k - 1]!;
    replace(mainBox, renderGrid(s.prediction, prepared.style, { changed: new Set(s.changed), testid: "segment-grid" }));
    mainBox.dataset.segment = String(k);
    const acc = s.accuracy !== undefined ? ` · accuracy ${pct(s.accuracy)}${s.exact === true ? " (exact)" : ""}` : "";
    caption.textContent = `Segment ${k} of ${n}: ${s.changed.length} cell${s.changed.length === 1 ? "" : "s"} changed` +
      `${k === 1 ? " (from the input)" : ""} · σ(q_halt) = ${s.haltProb.toFixed(3)} · q_halt ${s.qHalt.toFixed(2)}, q_continue ${s.qContinue.toFixed(2)}${acc}`;
    void drawChart(chartBox, qHaltSpec(result.segments, stop, k));
    for (const t of strip.children) t.classList.toggle("selected", (t as HTMLElement).dataset.segment === String(k));
  }

  const strip = el("div", { class: "strip", "data-testid": "segment-strip" }, ...result.segments.map((s) => {
    const thumb = el("button", { type: "button", class: `thumb${s.segment === stop ? " halt" : ""}`, "data-segment": s.segment, "data-testid": `segment-thumb-${s.segment}` },
      renderGrid(s.prediction, prepared.style, { changed: new Set(s.changed), small: true }),
      el("span", { class: "caption" }, `${s.segment}${s.segment === stop ? " ■ halt" : ""} · ${s.changed.length} changed`));
    thumb.addEventListener("click", () => { slider.value = String(s.segment); show(s.segment); });
    return thumb;
  }));
  slider.addEventListener("input", () => show(Number(slider.value)));
  show(n);

  return el("div", { class: "results", "data-testid": "results", "data-segments": n, "data-adaptive-stop": stop ?? "none" },
    summary, ...notes, verdict,
    el("div", { class: "row top" },
      el("div", {}, el("label", { class: "row" }, "Segment ", slider), mainBox, caption),
      chartBox),
    el("h3", {}, "Every segment"), strip);
}
