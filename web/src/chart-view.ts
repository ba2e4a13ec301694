// Charts on the page: a Vega-Lite spec from the library (the same builders the CLI renders to PNG in Node)
// compiled with vega-lite and drawn by vega's SVG renderer into a box. A box keeps one view: drawing into
// it again releases the previous one. vega and vega-lite (about 0.6 MB minified) load with the first chart,
// not with the page.
import type { ChartSpec } from "hrm";
import type { View } from "vega";
import { el, replace } from "./dom.js";

const renderer = async () => {
  const [vega, vegaLite] = await Promise.all([import("vega"), import("vega-lite")]);
  return { View: vega.View, parse: vega.parse, compile: vegaLite.compile };
};

const views = new WeakMap<HTMLElement, View>();

/** Draw `spec` into `box` (replacing what it showed); resolves when the SVG is in the page. */
export async function drawChart(box: HTMLElement, spec: ChartSpec): Promise<void> {
  views.get(box)?.finalize();
  delete box.dataset.rendered;
  views.delete(box);
  const target = el("div", { class: "chart-svg" });
  replace(box, target);
  try {
    const { View, parse, compile } = await renderer();
    const view = new View(parse(compile(spec).spec), { renderer: "svg", container: target, hover: false });
    views.set(box, view);
    await view.runAsync();
    box.dataset.rendered = "true";
  } catch (e) {
    replace(box, el("p", { class: "error" }, `chart: ${(e as Error).message}`));
  }
}
