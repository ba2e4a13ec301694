// Shortest paths on a maze grid (4-neighbour moves through non-wall cells) by breadth-first search,
// and a checker that a label marks one shortest start-to-goal path.
import type { Grid } from "../grid.js";
import { GOAL, MAZE_CHARSET, OPEN, PATH, START, WALL } from "./maze.js";

export interface BfsResult {
  /** Steps from the source to each cell; -1 = unreachable. */
  readonly dist: Int32Array;
  /** Number of shortest paths to each cell, capped at 2. */
  readonly ways: Uint8Array;
}

/** Neighbour order up, left, right, down (fixed, so path choice is deterministic). */
function neighbours(g: Grid, i: number, out: Int32Array): number {
  const r = Math.floor(i / g.w), c = i % g.w;
  let n = 0;
  if (r > 0) out[n++] = i - g.w;
  if (c > 0) out[n++] = i - 1;
  if (c + 1 < g.w) out[n++] = i + 1;
  if (r + 1 < g.h) out[n++] = i + g.w;
  return n;
}

export function bfs(g: Grid, source: number): BfsResult {
  const n = g.data.length;
  const dist = new Int32Array(n).fill(-1);
  const ways = new Uint8Array(n);
  const queue = new Int32Array(n);
  const nb = new Int32Array(4);
  let head = 0, tail = 0;
  dist[source] = 0; ways[source] = 1; queue[tail++] = source;
  while (head < tail) {
    const i = queue[head++]!;
    const k = neighbours(g, i, nb);
    for (let j = 0; j < k; j++) {
      const v = nb[j]!;
      if (g.data[v] === WALL) continue;
      if (dist[v] === -1) { dist[v] = dist[i]! + 1; ways[v] = ways[i]!; queue[tail++] = v; }
      else if (dist[v] === dist[i]! + 1) ways[v] = Math.min(2, ways[v]! + ways[i]!);
    }
  }
  return { dist, ways };
}

export function findCell(g: Grid, token: number): number {
  return g.data.indexOf(token);
}

/** Cells of one shortest path from the BFS source to `target` (inclusive), or null if unreachable. */
export function tracePath(g: Grid, fromSource: BfsResult, target: number): number[] | null {
  if (fromSource.dist[target] === -1) return null;
  const path = [target];
  const nb = new Int32Array(4);
  for (let i = target; fromSource.dist[i] !== 0;) {
    const k = neighbours(g, i, nb);
    for (let j = 0; j < k; j++) {
      const v = nb[j]!;
      if (fromSource.dist[v] === fromSource.dist[i]! - 1) { i = v; break; }
    }
    path.push(i);
  }
  return path.reverse();
}

/** The answer grid: the question with the inner path cells set to PATH. */
export function markPath(question: Grid, path: readonly number[]): Grid {
  const data = Uint8Array.from(question.data);
  for (let k = 1; k + 1 < path.length; k++) data[path[k]!] = PATH;
  return { h: question.h, w: question.w, data };
}

/**
 * Why `question` is not a solvable maze (null when it is): exactly one start S, exactly one goal G,
 * and G reachable from S through non-wall cells.
 */
export function mazeProblem(question: Grid): string | null {
  let starts = 0, goals = 0;
  for (const t of question.data) {
    if (t === START) starts++;
    else if (t === GOAL) goals++;
  }
  if (starts !== 1 || goals !== 1) return `expected exactly one start S and one goal G, found ${starts} S and ${goals} G`;
  const s = findCell(question, START), g = findCell(question, GOAL);
  if (bfs(question, s).dist[g] === -1) {
    return `goal G (row ${Math.floor(g / question.w) + 1}, column ${(g % question.w) + 1}) cannot be reached from start S (row ${Math.floor(s / question.w) + 1}, column ${(s % question.w) + 1})`;
  }
  return null;
}

/**
 * Why `answer` is not a shortest S->G path for `question` (null when it is): same walls, S and G,
 * path cells only on open cells, and the marked cells plus S and G form a connected path whose
 * length equals the BFS distance.
 */
export function shortestPathProblem(question: Grid, answer: Grid): string | null {
  if (question.h !== answer.h || question.w !== answer.w) return "question and answer sizes differ";
  const s = findCell(question, START), goal = findCell(question, GOAL);
  if (s < 0 || goal < 0) return "question has no start or no goal";
  let marked = 0;
  for (let i = 0; i < question.data.length; i++) {
    const q = question.data[i]!, a = answer.data[i]!;
    if (a === PATH) {
      if (q !== OPEN) return `path cell at row ${Math.floor(i / question.w) + 1}, column ${(i % question.w) + 1} is ${q === WALL ? "a wall" : "not an open cell"} in the question`;
      marked++;
    } else if (a !== q) return `cell at row ${Math.floor(i / question.w) + 1}, column ${(i % question.w) + 1} differs (question ${JSON.stringify(MAZE_CHARSET[q - 1] ?? "?")}, answer ${JSON.stringify(MAZE_CHARSET[a - 1] ?? "?")})`;
  }
  const d = bfs(question, s).dist[goal]!;
  if (d < 0) return "goal unreachable";
  if (marked !== d - 1) return `path has ${marked} cells between S and G, shortest has ${d - 1}`;
  // walk from S through marked cells to G
  const onPath = (i: number): boolean => answer.data[i] === PATH || i === goal;
  const seen = new Uint8Array(question.data.length);
  const nb = new Int32Array(4);
  let cur = s;
  for (let step = 0; step < d; step++) {
    seen[cur] = 1;
    const k = neighbours(question, cur, nb);
    let next = -1;
    for (let j = 0; j < k; j++) if (!seen[nb[j]!] && onPath(nb[j]!)) { next = nb[j]!; break; }
    if (next < 0) return `path breaks after ${step} steps`;
    cur = next;
    if (cur === goal) return step + 1 === d ? null : "path reaches G early";
  }
  return "path does not reach G";
}
