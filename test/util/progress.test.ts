import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ProgressBar } from "../../src/util/progress.js";

function fakeStream(isTTY: boolean): { write(s: string): void; isTTY: boolean; columns: number; out: string[] } {
  const out: string[] = [];
  return { write: (s: string) => { out.push(s); }, isTTY, columns: 120, out };
}

describe("ProgressBar", () => {
  it("reports done/total, rate, ETA and extra fields", () => {
    let t = 0;
    const s = fakeStream(false);
    const bar = new ProgressBar({ total: 100, label: "train", unit: "steps", stream: s, now: () => t });
    t = 10_000;
    bar.update(25, { loss: 0.123456 });
    assert.equal(bar.line(), "train  25/100 (25.0%)  2.5 steps/s  elapsed 00:10  eta 00:30  loss=0.1235");
    assert.equal(s.out.length, 1, "non-TTY: one line after the log interval");
    t = 12_000;
    bar.tick(5);
    assert.equal(s.out.length, 1, "non-TTY: no line before the next interval");
    bar.finish();
    bar.finish();
    assert.equal(s.out.length, 2);
    assert.match(s.out[1]!, /^train {2}30\/100 \(30\.0%\).*loss=0\.1235\n$/);
  });

  it("a resumed run: work done before the bar counts in done/total, not in rate and ETA", () => {
    let t = 0;
    const bar = new ProgressBar({ total: 1000, label: "train", unit: "steps", stream: fakeStream(false), now: () => t, initial: 600 });
    t = 10_000;
    bar.update(650);
    assert.equal(bar.line(), "train  650/1000 (65.0%)  5.0 steps/s  elapsed 00:10  eta 01:10");
  });

  it("a time budget: the ETA is the time left when that comes before the last step", () => {
    let t = 0;
    const bar = new ProgressBar({ total: 156250, label: "train", unit: "steps", stream: fakeStream(false), now: () => t, remaining: () => 720 - t / 1000 });
    t = 60_000;
    bar.update(48);
    assert.equal(bar.line(), "train  48/156250 (0.0%)  0.80 steps/s  elapsed 01:00  eta 11:00");
    const short = new ProgressBar({ total: 100, stream: fakeStream(false), now: () => t, remaining: () => 1e6 });
    t = 70_000;
    short.update(70);
    assert.match(short.line(), /eta 00:04$/, "the step count still decides when it comes first");
  });

  it("redraws one line on a TTY and ends it on finish", () => {
    let t = 0;
    const s = fakeStream(true);
    const bar = new ProgressBar({ total: 4, stream: s, now: () => t });
    for (let i = 1; i <= 4; i++) { t += 1000; bar.tick(); }
    bar.finish();
    assert.ok(s.out.every((l) => l.startsWith("\r\x1b[K[")));
    assert.ok(s.out.at(-1)!.endsWith("\n"));
    assert.match(s.out.at(-1)!, /\[#+\] 4\/4 \(100\.0%\) {2}1\.0 it\/s {2}elapsed 00:04 {2}eta 00:00/);
  });

  it("handles an unknown total", () => {
    const bar = new ProgressBar({ total: NaN, stream: fakeStream(false), now: () => 2000 });
    bar.update(7);
    assert.match(bar.line(), /^7 {2}.*eta \?$/);
  });
});
