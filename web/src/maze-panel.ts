// The Maze tab: a 30x30 field to draw on with the mouse (walls, open cells, one start S, one goal G), or a
// generated Maze-Hard style instance. Tokens: "# SGo" -> 1..5 (src/data/maze/maze.ts, the builder's CHARSET).
import { bfs, findCell, generateMaze, GOAL, OPEN, PATH, Rng, shortestPathProblem, START, WALL } from "hrm";
import type { Grid } from "hrm";
import { el } from "./dom.js";
import type { GridStyle } from "./grid-view.js";
import type { Prepared, TaskPanel } from "./task.js";

const SIDE = 30;
type Tool = "wall" | "open" | "start" | "goal";
const toolToken: Record<Tool, number> = { wall: WALL, open: OPEN, start: START, goal: GOAL };
const tokenClass: Record<number, string> = { [WALL]: "wall", [OPEN]: "open", [START]: "start", [GOAL]: "goal", [PATH]: "path" };

export const mazeStyle: GridStyle = {
  kind: "maze",
  region: () => ({ rows: SIDE, cols: SIDE, stride: SIDE }),
  cell: (token) => ({ text: token === START ? "S" : token === GOAL ? "G" : "", cls: tokenClass[token] ?? "bad" }),
};

export function createMazePanel(): TaskPanel {
  const cells = new Uint8Array(SIDE * SIDE).fill(OPEN);
  let seed = 1;
  let tool: Tool = "wall";
  let painting = false;

  const board = el("div", { class: "grid grid-maze editor", "data-testid": "maze-editor" });
  board.style.gridTemplateColumns = `repeat(${SIDE}, var(--cell))`;
  const divs: HTMLDivElement[] = [];
  for (let i = 0; i < SIDE * SIDE; i++) {
    const d = el("div", { class: "cell", "data-i": i });
    divs.push(d);
    board.appendChild(d);
  }
  const status = el("div", { class: "hint" });

  function draw(i: number): void {
    const t = cells[i]!;
    divs[i]!.className = `cell ${tokenClass[t] ?? "bad"}`;
    divs[i]!.textContent = t === START ? "S" : t === GOAL ? "G" : "";
  }
  function drawAll(): void {
    for (let i = 0; i < cells.length; i++) draw(i);
    const s = findCell(grid(), START), g = findCell(grid(), GOAL);
    const d = s >= 0 && g >= 0 ? bfs(grid(), s).dist[g]! : -2;
    status.textContent = s < 0 || g < 0 ? "Place a start S and a goal G." : d < 0 ? "G is not reachable from S." : `Shortest path from S to G: ${d} steps.`;
  }
  function grid(): Grid {
    return { h: SIDE, w: SIDE, data: cells };
  }
  function paint(i: number): void {
    const t = toolToken[tool];
    if (t === START || t === GOAL) {
      const old = cells.indexOf(t);
      if (old >= 0 && old !== i) { cells[old] = OPEN; draw(old); }
    }
    cells[i] = t;
    draw(i);
  }
  function cellOf(e: Event): number | null {
    const target = e.target;
    if (!(target instanceof HTMLElement) || target.dataset.i === undefined) return null;
    return Number(target.dataset.i);
  }
  board.addEventListener("pointerdown", (e) => {
    const i = cellOf(e);
    if (i === null) return;
    e.preventDefault();
    painting = tool === "wall" || tool === "open";
    paint(i);
    if (!painting) drawAll();
  });
  board.addEventListener("pointerover", (e) => {
    const i = cellOf(e);
    if (painting && i !== null) paint(i);
  });
  window.addEventListener("pointerup", () => {
    if (painting) { painting = false; drawAll(); }
  });

  function generate(): void {
    const m = generateMaze(new Rng(seed++), { size: SIDE });
    cells.set(m.question.data);
    drawAll();
  }
  const tools = el("div", { class: "row tools" }, "Draw: ", ...(["wall", "open", "start", "goal"] as Tool[]).map((t) => {
    const b = el("button", { type: "button", class: t === tool ? "tool active" : "tool", "data-tool": t }, t === "start" ? "start S" : t === "goal" ? "goal G" : t);
    b.addEventListener("click", () => {
      tool = t;
      for (const x of tools.querySelectorAll("button.tool")) x.classList.toggle("active", x === b);
    });
    return b;
  }));
  const gen = el("button", { type: "button" }, "Generate a maze");
  gen.addEventListener("click", generate);
  const clear = el("button", { type: "button" }, "Clear");
  clear.addEventListener("click", () => { cells.fill(OPEN); drawAll(); });
  generate();

  const root = el("section", { class: "task", "data-task": "maze" },
    el("div", { class: "row" }, tools, gen, clear), status, el("div", { class: "preview" }, board));

  return {
    kind: "maze",
    root,
    prepare(): Prepared {
      const q = { h: SIDE, w: SIDE, data: Uint8Array.from(cells) };
      if (findCell(q, START) < 0 || findCell(q, GOAL) < 0) throw new Error("maze: place a start S and a goal G first");
      return {
        inputs: Int32Array.from(q.data),
        puzzleIdentifier: 0,
        style: mazeStyle,
        verdict: (final) => {
          const problem = shortestPathProblem(q, { h: SIDE, w: SIDE, data: Uint8Array.from(final) });
          return problem === null ? "Final grid: a shortest path from S to G." : `Final grid: not a shortest path (${problem}).`;
        },
      };
    },
  };
}
