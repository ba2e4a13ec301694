// Drawing a puzzle's tokens as a grid of cells, with the cells a segment changed highlighted.
// A task supplies a GridStyle: which block of the S tokens to draw and how each token looks.
import { el } from "./dom.js";

export interface GridRegion {
  readonly rows: number;
  readonly cols: number;
  /** Tokens per canvas row (9 for Sudoku, 30 for maze and ARC); the block starts at token 0. */
  readonly stride: number;
}

export interface CellLook {
  readonly text: string;
  /** CSS classes, space-separated. */
  readonly cls: string;
}

export interface GridStyle {
  /** "sudoku" | "maze" | "arc": a CSS hook for cell sizes. */
  readonly kind: string;
  region(tokens: ArrayLike<number>): GridRegion;
  /** How token `token` at position `index` (of the S tokens) looks. */
  cell(token: number, index: number): CellLook;
}

export interface GridOptions {
  readonly changed?: ReadonlySet<number>;
  readonly small?: boolean;
  readonly testid?: string;
  readonly title?: string;
}

export function renderGrid(tokens: ArrayLike<number>, style: GridStyle, opts: GridOptions = {}): HTMLElement {
  const { rows, cols, stride } = style.region(tokens);
  const grid = el("div", {
    class: `grid grid-${style.kind}${opts.small === true ? " small" : ""}`,
    "data-testid": opts.testid,
    "data-rows": rows,
    "data-cols": cols,
    title: opts.title,
  });
  grid.style.gridTemplateColumns = `repeat(${cols}, var(--cell))`;
  if (rows === 0 || cols === 0) grid.appendChild(el("div", { class: "grid-empty" }, "(no grid)"));
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * stride + c;
      const look = style.cell(tokens[i]!, i);
      const changed = opts.changed?.has(i) === true;
      grid.appendChild(el("div", { class: `cell ${look.cls}${changed ? " changed" : ""}`, "data-i": i }, look.text));
    }
  }
  return grid;
}
