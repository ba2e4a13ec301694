// The demo page: a checkpoint bar, one tab per task (Sudoku, Maze, ARC) plus Analysis, and the run
// controls. The model runs in a Web Worker (worker.ts); this file only wires the DOM.
// document.body.dataset.state says where the page is ("loading", "ready", "running", "done", "error"),
// for people and for the end-to-end test.
import "./style.css";
import { createAnalysisPanel } from "./analysis-panel.js";
import { createArcPanel } from "./arc-panel.js";
import type { CheckpointFiles } from "./checkpoint-files.js";
import { fetchShippedCheckpoint, readPickedCheckpoint } from "./checkpoint-files.js";
import { el, replace } from "./dom.js";
import { createMazePanel } from "./maze-panel.js";
import { ModelClient } from "./model-client.js";
import type { ModelSummary } from "./protocol.js";
import { kernelChoices } from "./protocol.js";
import { renderResults } from "./results-view.js";
import { createSudokuPanel } from "./sudoku-panel.js";
import type { Prepared, TaskKind, TaskPanel } from "./task.js";
import { fitProblem } from "./task.js";

type State = "loading" | "ready" | "running" | "done" | "error";
type TabName = TaskKind | "analysis";

const client = new ModelClient();
let summary: ModelSummary | null = null;

function setState(s: State): void {
  document.body.dataset.state = s;
}

// ------------------------------------------------------------------------------------ checkpoint bar
const ckptStatus = el("div", { class: "ckpt-status", "data-testid": "checkpoint-status" }, "Loading the shipped checkpoint …");
const picker = el("input", { type: "file", multiple: true, accept: ".json,.safetensors", "data-testid": "checkpoint-files" });
const shippedButton = el("button", { type: "button" }, "Use the shipped checkpoint");

function describe(s: ModelSummary): string {
  const c = s.config;
  const arch = "mlp_t" in c
    ? `TRM${c.mlp_t ? " (mlp_t)" : ""}, ${c.L_layers} layers, cycles ${c.H_cycles}x${c.L_cycles}`
    : `HRM, H ${c.H_layers}x${c.H_cycles} / L ${c.L_layers}x${c.L_cycles}`;
  return `${s.source}: ${arch}, seq_len ${c.seq_len}, vocab ${c.vocab_size}, hidden ${c.hidden_size}, ` +
    `halt_max_steps ${c.halt_max_steps}, ${s.parameters.toLocaleString("en")} parameters${s.note !== null ? `. ${s.note}` : ""}`;
}

async function loadCheckpoint(get: () => Promise<CheckpointFiles>): Promise<void> {
  setState("loading");
  ckptStatus.textContent = "Loading checkpoint …";
  ckptStatus.classList.remove("error");
  try {
    const files = await get();
    summary = await client.load(files.configJson, files.weights, files.source);
    ckptStatus.textContent = describe(summary);
    maxSegments.value = String(summary.config.halt_max_steps);
    setState("ready");
  } catch (e) {
    summary = null;
    ckptStatus.textContent = `Could not load the checkpoint: ${e instanceof Error ? e.message : String(e)}`;
    ckptStatus.classList.add("error");
    setState("error");
  }
  updateFit();
}
picker.addEventListener("change", () => {
  if (picker.files !== null && picker.files.length > 0) void loadCheckpoint(() => readPickedCheckpoint(picker.files!));
});
shippedButton.addEventListener("click", () => void loadCheckpoint(fetchShippedCheckpoint));

// --------------------------------------------------------------------------------------- run controls
const kernels = el("select", { "data-testid": "kernels" }, ...kernelChoices.map((k) => el("option", { value: k }, k === "wasm" ? "wasm (SIMD)" : "reference (plain TS)")));
const halting = el("select", { "data-testid": "halting" },
  el("option", { value: "fixed" }, "fixed: every segment up to the limit"),
  el("option", { value: "adaptive" }, "adaptive: stop by the model's own rule (HRM: q_halt > q_continue; TRM: q_halt > 0)"));
const maxSegments = el("input", { type: "number", min: 1, max: 64, value: 4, "data-testid": "max-segments" });
const runButton = el("button", { type: "button", class: "run", "data-testid": "run" }, "Run");
const fitMessage = el("p", { class: "fit", "data-testid": "fit-message" });
const runError = el("p", { class: "error", "data-testid": "run-error" });

// ------------------------------------------------------------------------------------------- tabs
const panels: Record<TaskKind, TaskPanel> = { sudoku: createSudokuPanel(), maze: createMazePanel(), arc: createArcPanel() };
const analysis = createAnalysisPanel();
const results: Record<TaskKind, HTMLElement> = { sudoku: el("div"), maze: el("div"), arc: el("div") };
let active: TabName = "sudoku";

const runBar = el("div", { class: "run-bar row" },
  el("label", {}, "Kernels ", kernels), el("label", {}, "Halting ", halting), el("label", {}, "Max segments ", maxSegments), runButton);
const taskBox = el("div", { class: "task-box" });
const tabNames: [TabName, string][] = [["sudoku", "Sudoku"], ["maze", "Maze"], ["arc", "ARC"], ["analysis", "Analysis"]];
const tabs = el("nav", { class: "tabs", role: "tablist" }, ...tabNames.map(([name, label]) => {
  const b = el("button", { type: "button", role: "tab", "data-tab": name, "data-testid": `tab-${name}` }, label);
  b.addEventListener("click", () => select(name));
  return b;
}));

function select(name: TabName): void {
  active = name;
  for (const b of tabs.querySelectorAll("button")) b.classList.toggle("active", b.dataset.tab === name);
  if (name === "analysis") replace(taskBox, analysis);
  else replace(taskBox, panels[name].root, runBar, fitMessage, runError, results[name]);
  updateFit();
}

function updateFit(): void {
  if (active === "analysis") return;
  const problem = summary === null ? "No checkpoint is loaded." : fitProblem(active, summary.config);
  fitMessage.textContent = problem ?? "";
  fitMessage.hidden = problem === null;
  runButton.disabled = problem !== null || client.busy;
}

async function run(): Promise<void> {
  if (active === "analysis") return;
  const kind = active;
  runError.textContent = "";
  const n = Number(maxSegments.value);
  if (!(Number.isInteger(n) && n >= 1 && n <= 64)) {
    runError.textContent = `Max segments must be an integer from 1 to 64, got "${maxSegments.value}".`;
    return;
  }
  let prepared: Prepared;
  try {
    prepared = panels[kind].prepare();
  } catch (e) {
    runError.textContent = e instanceof Error ? e.message : String(e);
    return;
  }
  setState("running");
  runButton.disabled = true;
  replace(results[kind], el("p", { class: "hint" }, "Running …"));
  try {
    const solved = await client.solve({
      inputs: prepared.inputs,
      ...(prepared.labels !== undefined ? { labels: prepared.labels } : {}),
      puzzleIdentifier: prepared.puzzleIdentifier,
      halting: halting.value === "adaptive" ? "adaptive" : "fixed",
      maxSegments: n,
      kernels: kernelChoices.find((k) => k === kernels.value) ?? "wasm",
    });
    replace(results[kind], renderResults(prepared, solved));
    setState("done");
  } catch (e) {
    replace(results[kind]);
    runError.textContent = `Run failed: ${e instanceof Error ? e.message : String(e)}`;
    setState("error");
  }
  updateFit();
}
runButton.addEventListener("click", () => void run());

// ------------------------------------------------------------------------------------------ page
const app = document.getElementById("app");
if (app === null) throw new Error("page: #app is missing from index.html");
replace(app,
  el("header", {},
    el("h1", {}, "HRM: Hierarchical Reasoning Model in the browser"),
    el("p", { class: "hint" }, "A TypeScript port of the official PyTorch HRM, running in a Web Worker. Pick a puzzle, press Run, and watch the " +
      "prediction after every ACT segment, the Q-halt curve and where adaptive halting stops.")),
  el("section", { class: "ckpt row" }, ckptStatus, el("label", { class: "file" }, "Load checkpoint (config.json + model.safetensors) ", picker), shippedButton),
  tabs, taskBox);
select("sudoku");
void loadCheckpoint(fetchShippedCheckpoint);
