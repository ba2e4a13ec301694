// A Maze-Hard style generator (the real data cannot be downloaded here). Following the HRM paper's
// description of Lehnert et al.'s procedure: a side x side open field where a random 30-50% of the
// cells are walls, start and goal two distinct random open cells; an instance is kept only if the
// shortest path is longer than `minPathLength` steps (Maze-Hard: > 110). Optionally only mazes with a
// unique shortest path are kept. The label marks one shortest path (BFS, fixed neighbour order).
// Sampling: pure rejection of (field, start, goal) accepts about 1 in 65,000 fields at > 110 steps
// (~4 s per maze here), so by default the goal is drawn uniformly among the cells farther than the
// threshold from the start (about 1 in 3,400 fields accepted, ~0.2 s per maze). This keeps every
// accepted maze valid for the same criterion but weights fields slightly differently than pure
// rejection; `exactRejection: true` gives the pure procedure.
import { ConfigError } from "../../engine/errors.js";
import type { Rng } from "../../engine/rng.js";
import type { Grid } from "../grid.js";
import { GOAL, OPEN, START, WALL } from "./maze.js";
import { bfs, markPath, tracePath } from "./path.js";

export interface MazeGenOptions {
  /** Grid side (default 30). */
  readonly size?: number;
  /** Keep mazes whose shortest path has more than this many steps (default 110). */
  readonly minPathLength?: number;
  /** Wall fraction range (default [0.3, 0.5]). */
  readonly wallFraction?: readonly [number, number];
  /** Keep only mazes with exactly one shortest path (default false). */
  readonly uniquePath?: boolean;
  /** Draw the goal uniformly among all open cells and reject (paper procedure, slow; default false). */
  readonly exactRejection?: boolean;
  /** Give up after this many rejected random fields (default 10 million). */
  readonly maxAttempts?: number;
}

export interface GeneratedMaze {
  readonly question: Grid;
  readonly answer: Grid;
  /** Steps of the shortest path (moves from S to G). */
  readonly pathLength: number;
  /** Random fields tried for this maze. */
  readonly attempts: number;
}

export function generateMaze(rng: Rng, opts: MazeGenOptions = {}): GeneratedMaze {
  const size = opts.size ?? 30;
  const minLen = opts.minPathLength ?? 110;
  const [lo, hi] = opts.wallFraction ?? [0.3, 0.5];
  const maxAttempts = opts.maxAttempts ?? 10_000_000;
  if (!(Number.isInteger(size) && size >= 2)) throw new ConfigError(`maze size must be an integer >= 2, got ${size}`);
  if (!(lo >= 0 && hi >= lo && hi < 1)) throw new ConfigError(`wall fraction range [${lo}, ${hi}] must satisfy 0 <= lo <= hi < 1`);
  if (minLen >= size * size) throw new ConfigError(`minPathLength ${minLen} cannot be exceeded on a ${size}x${size} grid`);
  const n = size * size;
  const order = new Int32Array(n);
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const walls = Math.round((lo + (hi - lo) * rng.uniform()) * n);
    for (let i = 0; i < n; i++) order[i] = i;
    // partial Fisher-Yates: order[0..walls) walls, order[walls] start, order[walls+1] goal (exact mode)
    for (let i = 0; i < walls + 2; i++) {
      const j = rng.int(i, n - 1);
      const t = order[i]!; order[i] = order[j]!; order[j] = t;
    }
    const data = new Uint8Array(n).fill(OPEN);
    for (let i = 0; i < walls; i++) data[order[i]!] = WALL;
    const s = order[walls]!;
    data[s] = START;
    const question: Grid = { h: size, w: size, data };
    const res = bfs(question, s);
    let g: number;
    if (opts.exactRejection) {
      g = order[walls + 1]!;
    } else {
      let far = 0;
      for (let i = 0; i < n; i++) if (res.dist[i]! > minLen && (!opts.uniquePath || res.ways[i] === 1)) far++;
      if (far === 0) continue;
      let k = rng.int(0, far - 1);
      g = -1;
      for (let i = 0; i < n && g < 0; i++) if (res.dist[i]! > minLen && (!opts.uniquePath || res.ways[i] === 1) && k-- === 0) g = i;
    }
    const d = res.dist[g]!;
    if (d <= minLen) continue;
    if (opts.uniquePath && res.ways[g] !== 1) continue;
    data[g] = GOAL;
    const answer = markPath(question, tracePath(question, res, g)!);
    return { question, answer, pathLength: d, attempts: attempt };
  }
  throw new ConfigError(`no maze with a shortest path > ${minLen} steps in ${maxAttempts} attempts; lower minPathLength or widen the wall fraction`);
}
