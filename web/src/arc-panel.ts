// The ARC tab: pick an embedded evaluation task; its demonstration pairs are shown and its first test input
// is solved. Tokens: colour + 2 on a 30x30 canvas, EOS 1 below and right of the grid, PAD 0; the prediction
// is read back with the evaluation notebook's crop (src/solve/codecs.ts).
import { arcToLabels, arcToTokens, cropArcTokens, parseArcTask, tokensToArc } from "hrm";
import type { ArcTask } from "hrm";
import { arcTasks } from "./arc-tasks.js";
import { el, replace } from "./dom.js";
import type { GridStyle } from "./grid-view.js";
import { renderGrid } from "./grid-view.js";
import type { Prepared, TaskPanel } from "./task.js";

const CANVAS = 30;

/** The cropped grid of colours (token − 2), as the evaluation reads a prediction. */
export const arcStyle: GridStyle = {
  kind: "arc",
  region(tokens) {
    const g = cropArcTokens(tokens);
    return { rows: g.h, cols: g.w, stride: CANVAS };
  },
  cell: (token) => ({ text: "", cls: token >= 2 && token <= 11 ? `c${token - 2}` : "bad" }),
};

function pairView(p: ArcTask["train"][number], label: string): HTMLElement {
  return el("div", { class: "arc-pair" }, el("div", { class: "caption" }, label),
    el("div", { class: "row" }, renderGrid(arcToTokens(p.input), arcStyle, { small: true }), el("span", { class: "arrow" }, "→"),
      renderGrid(arcToTokens(p.output), arcStyle, { small: true })));
}

export function createArcPanel(): TaskPanel {
  const select = el("select", { "data-testid": "arc-select", "aria-label": "ARC task" }, ...arcTasks.map((t, i) => el("option", { value: i }, t.name)));
  const pairsBox = el("div", { class: "arc-pairs" });
  const parse = (i: number): ArcTask => parseArcTask(arcTasks[i]!.json, arcTasks[i]!.name, `${arcTasks[i]!.name}.json`);
  let current = parse(0);

  function refresh(): void {
    current = parse(Number(select.value));
    const test = current.test[0]!;
    replace(pairsBox,
      ...current.train.map((p, i) => pairView(p, `demonstration ${i + 1}`)),
      el("div", { class: "arc-pair" }, el("div", { class: "caption" }, "test input → expected output"),
        el("div", { class: "row" }, renderGrid(arcToTokens(test.input), arcStyle, { small: true, testid: "arc-test-input" }),
          el("span", { class: "arrow" }, "→"), renderGrid(arcToTokens(test.output), arcStyle, { small: true }))));
  }
  select.addEventListener("change", refresh);
  refresh();

  const root = el("section", { class: "task", "data-task": "arc" },
    el("div", { class: "row" }, el("label", {}, "Task (ARC-AGI-1 evaluation) ", select)),
    el("div", { class: "hint" }, "The model sees only the test input; the demonstrations are what its puzzle embedding learnt in training."),
    pairsBox);

  return {
    kind: "arc",
    root,
    prepare(): Prepared {
      const test = current.test[0]!;
      const expected = JSON.stringify(tokensToArc(arcToTokens(test.output)));
      return {
        inputs: arcToTokens(test.input),
        labels: arcToLabels(test.output),
        puzzleIdentifier: 0,
        style: arcStyle,
        verdict: (final) => (JSON.stringify(tokensToArc(final)) === expected ? "Final grid: equals the task's test output." : "Final grid: differs from the task's test output."),
        note: "Puzzle identifier 0 (the blank embedding): the page has no dataset identifiers.json, so the task's trained embedding is not used.",
      };
    },
  };
}
