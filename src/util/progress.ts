// A small progress bar for long jobs (dataset builds, training): done/total, rate, ETA and optional
// extra fields such as loss. On a TTY it redraws one line; otherwise it prints a line at most every
// `logEveryMs` (and once at the end), so CI logs stay short. Writes to stderr by default.

export interface ProgressStream {
  write(s: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressOptions {
  /** Total work; 0 or NaN = unknown (no percentage or ETA). */
  readonly total: number;
  readonly label?: string;
  /** Unit shown after the rate, e.g. "puzzles" -> "1234 puzzles/s" (default "it"). */
  readonly unit?: string;
  readonly stream?: ProgressStream;
  /** Minimum time between TTY redraws (default 100 ms). */
  readonly redrawEveryMs?: number;
  /** Minimum time between non-TTY log lines (default 10 s). */
  readonly logEveryMs?: number;
  /** Clock in ms (for tests). */
  readonly now?: () => number;
  /** Work already done before this bar started (a resumed run): shown, but not counted in rate and ETA. */
  readonly initial?: number;
  /**
   * Seconds until the job stops for another reason than reaching `total` (a time budget), or NaN: the ETA is
   * the earlier of the two, so a time-limited run does not show the days its full step count would take.
   */
  readonly remaining?: () => number;
}

export type ProgressExtra = Readonly<Record<string, string | number>>;

function formatDuration(sec: number): string {
  if (!Number.isFinite(sec)) return "?";
  const s = Math.round(sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const mm = String(m).padStart(2, "0");
  const ss = String(r).padStart(2, "0");
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

function formatRate(rate: number): string {
  if (!Number.isFinite(rate)) return "?";
  if (rate >= 100) return rate.toFixed(0);
  if (rate >= 1) return rate.toFixed(1);
  return rate.toPrecision(2);
}

function formatExtra(extra: ProgressExtra): string {
  return Object.entries(extra)
    .map(([k, v]) => `${k}=${typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : v}`)
    .join(" ");
}

export class ProgressBar {
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private readonly start: number;
  private lastDraw = -Infinity;
  private done = 0;
  private extra: ProgressExtra = {};
  private finished = false;

  constructor(private readonly opts: ProgressOptions) {
    this.stream = opts.stream ?? process.stderr;
    this.now = opts.now ?? (() => performance.now());
    this.start = this.now();
    this.done = opts.initial ?? 0;
    // non-TTY logs wait a full interval before the first line (the final line always comes)
    if (!this.stream.isTTY) this.lastDraw = this.start;
  }

  /** Advance by `n` and optionally replace the extra fields. */
  tick(n = 1, extra?: ProgressExtra): void {
    this.update(this.done + n, extra);
  }

  /** Set the absolute progress. */
  update(done: number, extra?: ProgressExtra): void {
    this.done = done;
    if (extra !== undefined) this.extra = extra;
    const t = this.now();
    const every = this.stream.isTTY ? (this.opts.redrawEveryMs ?? 100) : (this.opts.logEveryMs ?? 10_000);
    if (t - this.lastDraw >= every) {
      this.lastDraw = t;
      this.draw(false);
    }
  }

  /** Draw the final state and end the line. Idempotent. */
  finish(extra?: ProgressExtra): void {
    if (this.finished) return;
    this.finished = true;
    if (extra !== undefined) this.extra = extra;
    this.draw(true);
  }

  /** The status line without bar or control characters (also what non-TTY streams get). */
  line(): string {
    const { total, label, unit = "it" } = this.opts;
    const elapsed = (this.now() - this.start) / 1000;
    const rate = elapsed > 0 ? (this.done - (this.opts.initial ?? 0)) / elapsed : NaN;
    const known = total > 0;
    const etaTotal = !known ? NaN : this.done >= total ? 0 : rate > 0 ? (total - this.done) / rate : NaN;
    const left = this.opts.remaining?.() ?? NaN;
    const eta = Number.isFinite(left) ? Math.max(0, Number.isFinite(etaTotal) ? Math.min(etaTotal, left) : left) : etaTotal;
    const parts = [
      ...(label ? [label] : []),
      known ? `${this.done}/${total} (${((100 * this.done) / total).toFixed(1)}%)` : `${this.done}`,
      `${formatRate(rate)} ${unit}/s`,
      `elapsed ${formatDuration(elapsed)}`,
      `eta ${formatDuration(eta)}`,
    ];
    const extra = formatExtra(this.extra);
    if (extra) parts.push(extra);
    return parts.join("  ");
  }

  private draw(final: boolean): void {
    const text = this.line();
    if (!this.stream.isTTY) {
      this.stream.write(text + "\n");
      return;
    }
    const width = Math.max(10, Math.min(30, (this.stream.columns ?? 80) - text.length - 4));
    const frac = this.opts.total > 0 ? Math.min(1, this.done / this.opts.total) : 0;
    const filled = Math.round(frac * width);
    const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
    this.stream.write(`\r\x1b[K${bar} ${text}${final ? "\n" : ""}`);
  }
}
