// A run's metrics.jsonl: one JSON object per line, appended step by step. A process killed mid-append
// leaves a torn last line; reading skips lines that do not parse and says which ones, and a resume
// rewrites the file without them.
import { existsSync, readFileSync } from "node:fs";
import { writeFileAtomicSync } from "../util/atomic.js";

export interface MetricsLine {
  step: number;
  eval?: Record<string, number>;
  [k: string]: unknown;
}

export interface MetricsRead {
  /** The complete lines, in file order, each with its text. */
  readonly lines: { readonly text: string; readonly value: MetricsLine }[];
  /** 1-based numbers of the lines that are not a JSON object with a numeric "step" (torn writes). */
  readonly bad: number[];
}

export function readMetrics(path: string): MetricsRead {
  if (!existsSync(path)) return { lines: [], bad: [] };
  const lines: { text: string; value: MetricsLine }[] = [];
  const bad: number[] = [];
  readFileSync(path, "utf8").split("\n").forEach((text, i) => {
    if (text.trim() === "") return;
    let value: unknown;
    try { value = JSON.parse(text); } catch { bad.push(i + 1); return; }
    if (typeof value !== "object" || value === null || typeof (value as { step?: unknown }).step !== "number") { bad.push(i + 1); return; }
    lines.push({ text, value: value as MetricsLine });
  });
  return { lines, bad };
}

export interface MetricsTruncation {
  /** Line numbers dropped as torn. */
  readonly torn: number[];
  /** Whether an evaluation line for `step` itself is kept (it need not be run again). */
  readonly evalAtStep: boolean;
}

/** Keep the lines of metrics.jsonl up to `step` (a resumed run rewrites what came after) and drop torn ones. */
export function truncateMetrics(path: string, step: number): MetricsTruncation {
  if (!existsSync(path)) return { torn: [], evalAtStep: false };
  const { lines, bad } = readMetrics(path);
  const keep = lines.filter((l) => l.value.step <= step);
  writeFileAtomicSync(path, keep.map((l) => `${l.text}\n`).join(""));
  return { torn: bad, evalAtStep: keep.some((l) => l.value.step === step && l.value.eval !== undefined) };
}
