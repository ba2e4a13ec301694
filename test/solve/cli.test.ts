// `hrm solve` end to end on tiny random checkpoints of each task shape: per-segment grids with highlights
// and Q values, the JSON trace equal to the library's, clear errors for mismatched checkpoints.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { makeCtx } from "../../src/engine/context.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import { sudokuToTokens } from "../../src/solve/codecs.js";
import { solvePuzzle, traceToJson } from "../../src/solve/solve.js";
import { saveModel, tinyModel } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "hrm-solve-cli-"));
after(() => rmSync(tmp, { recursive: true, force: true }));
const PUZZLE = "4.....8.5.3..........7......2.....6.....8.4......1.......6.3.7.5..2.....1.4......";
const sudoku = tinyModel({});
const sudokuDir = saveModel(join(tmp, "sudoku"), sudoku);

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ["dist/src/cli/main.js", "solve", "--kernels", "reference", ...args], { encoding: "utf8" });
}

test("hrm solve --sudoku: every segment's grid with [changed] cells and Q values, then the verdict", () => {
  const r = cli(["--checkpoint", sudokuDir, "--sudoku", PUZZLE]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split("\n");
  const headers = lines.filter((l) => l.startsWith("segment "));
  assert.equal(headers.length, 3);
  const lib = solvePuzzle(makeCtx(referenceKernels), sudoku, { inputs: sudokuToTokens(PUZZLE) }, { halting: "fixed" });
  headers.forEach((h, i) => {
    const s = lib.segments[i]!;
    assert.match(h, new RegExp(`^segment ${i + 1}/3  q_halt +${s.qHalt.toFixed(3)}  q_continue +${s.qContinue.toFixed(3)}  P\\(halt\\) ${s.haltProb.toFixed(3)}  changed ${s.changed.length}  accuracy \\d\\.\\d{3}`));
  });
  const brackets = (r.stdout.match(/\[\d|\[\.|\[\?/g) ?? []).length;
  assert.equal(brackets, lib.segments.reduce((n, s) => n + s.changed.length, 0), "one bracketed cell per changed position");
  assert.match(r.stdout, /halted at segment 3 \(fixed halting: segment limit\)/);
  assert.match(r.stdout.trimEnd().split("\n").at(-1)!, /^final grid: /);
});

test("hrm solve --json equals the library trace; --halting adaptive; --max-segments", () => {
  const r = cli(["--checkpoint", sudokuDir, "--sudoku", PUZZLE, "--json", "--max-segments", "5"]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Record<string, unknown>;
  const lib = solvePuzzle(makeCtx(referenceKernels), sudoku, { inputs: sudokuToTokens(PUZZLE) }, { halting: "fixed", maxSegments: 5 });
  const expected = JSON.parse(JSON.stringify(traceToJson(lib))) as Record<string, unknown>;
  const segs = out["segments"] as Array<Record<string, unknown>>;
  assert.equal(segs.length, 5);
  for (const [i, s] of segs.entries()) {
    const e = (expected["segments"] as Array<Record<string, unknown>>)[i]!;
    for (const k of ["prediction", "changed", "q_halt", "q_continue", "halt_prob"]) assert.deepEqual(s[k], e[k], `segment ${i + 1} ${k}`);
    assert.equal(typeof s["decoded"], "string");
    assert.equal((s["decoded"] as string).length, 81);
  }
  assert.equal(out["task"], "sudoku");
  const a = cli(["--checkpoint", sudokuDir, "--sudoku", PUZZLE, "--json", "--halting", "adaptive"]);
  const adaptive = JSON.parse(a.stdout) as { halted_at: number; segments: Array<{ q_halt: number; q_continue: number }> };
  const stop = adaptive.segments.findIndex((s) => s.q_halt > s.q_continue);
  assert.equal(adaptive.halted_at, stop < 0 ? 3 : stop + 1);
});

test("hrm solve --maze and --arc on matching checkpoints; mismatches and usage errors are clear", () => {
  const mazeDir = saveModel(join(tmp, "maze"), tinyModel({ seq_len: 16, vocab_size: 6 }));
  const mazeFile = join(tmp, "maze.txt");
  writeFileSync(mazeFile, "####\n#S #\n# G#\n####\n");
  let r = cli(["--checkpoint", mazeDir, "--maze", mazeFile, "--no-color"]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.split("\n").filter((l) => /^ [#SGo? ] |^\[/.test(l)).length, 12, "3 segments of 4 maze rows");
  assert.match(r.stdout, /final grid: (a shortest path from S to G|not a shortest path \(.+\))/);
  const arcDir = saveModel(join(tmp, "arc"), tinyModel({ seq_len: 900, vocab_size: 12, num_puzzle_identifiers: 3, L_cycles: 1, halt_max_steps: 1 }));
  const task = join(tmp, "abc123.json");
  writeFileSync(task, JSON.stringify({ train: [{ input: [[1]], output: [[2]] }], test: [{ input: [[1, 2], [3, 4]], output: [[4, 3], [2, 1]] }] }));
  r = cli(["--checkpoint", arcDir, "--arc", task, "--puzzle-id", "2", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const arc = JSON.parse(r.stdout) as { segments: unknown[]; final: number[]; final_decoded: number[][]; verdict: string };
  assert.equal(arc.segments.length, 1);
  assert.equal(arc.final.length, 900);
  assert.ok(Array.isArray(arc.final_decoded));
  assert.match(arc.verdict, /test output/);
  r = cli(["--checkpoint", arcDir, "--arc", task, "--test-index", "1"]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--test-index 1: task abc123 has 1 test pair/);
  r = cli(["--checkpoint", arcDir, "--arc", task]);
  assert.equal(r.status, 0);
  assert.match(r.stderr, /using puzzle identifier 0 \(blank\); pass --data/);
  r = cli(["--checkpoint", mazeDir, "--sudoku", PUZZLE]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--sudoku needs a model with seq_len 81 and vocab_size 11; this checkpoint has seq_len 16, vocab_size 6/);
  r = cli(["--checkpoint", mazeDir, "--maze", mazeFile, "--tta", "9"]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--tta for mazes takes at most 8 views \(the dihedral symmetries\), got 9/);
  assert.equal(r.stdout, "", "refused before the plain trace is printed");
  r = cli(["--checkpoint", mazeDir, "--maze", mazeFile, "--tta", "8", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { tta: { views: number } }).tta.views, 8);
  r = cli(["--checkpoint", sudokuDir, "--sudoku", PUZZLE, "--maze", mazeFile]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /exactly one of --sudoku, --maze, --arc/);
  r = cli(["--checkpoint", sudokuDir, "--sudoku", PUZZLE, "--halting", "sometimes"]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--halting must be "fixed" or "adaptive"/);
});
