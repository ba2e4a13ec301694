// The browser demo end to end: build web/ with Vite, serve web/dist on 127.0.0.1, open it in headless
// Debian Chromium (driven by playwright-core, which downloads no browser), solve a Sudoku with the shipped
// checkpoint, and check that every segment's grid and highlighted cells on the page equal what the Node
// solve API returns for the same checkpoint and puzzle. Saves a screenshot: to $HRM_SCREENSHOT (e.g.
// docs/web-demo.png, the README's picture) when set, else web-demo.png in the system temp folder.
// Without /usr/bin/chromium the test is skipped, except in CI (CI set), where it fails: .ci/run installs it.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { makeCtx } from "../../src/engine/context.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import { mazeToTokens, sudokuToTokens, tokensToMaze, tokensToSudoku } from "../../src/solve/codecs.js";
import { haltsUnder } from "../../src/solve/halt-rule.js";
import type { SolveResult } from "../../src/solve/solve.js";
import { solvePuzzle } from "../../src/solve/solve.js";
import { loadCheckpointModel } from "../../src/io/checkpoint-model-node.js";
import { saveModel, tinyModel } from "../solve/helpers.js";
import { serveFolder } from "./static-server.js";

const CHROMIUM = "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync"];
/** The first embedded puzzle of the page (web/src/sudoku-puzzles.ts). */
const PUZZLE = ".917..6.4.5.93621762...1.35.64...85993586417.7..5.94635.91.8326.1639..488....7...";
const SEGMENTS = 4;

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("web e2e: no package.json above the test file");
    dir = up;
  }
  return dir;
}

const missing = existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing (apt-get install chromium)`;
const skip = missing !== null && !process.env.CI ? missing : false;

/** A grid on the page as text: Sudoku cells by their digit ('.' blank), maze cells by class ("# SGo"). */
type Reading = "sudoku" | "maze";

interface PageSegment {
  readonly text: string;
  readonly changed: number[];
}

/** The cells of every grid matching `selector`, read back from the DOM: their text and highlighted cells. */
async function readGrids(page: Page, selector: string, reading: Reading): Promise<PageSegment[]> {
  return page.$$eval(selector, (grids, how) => grids.map((g) => {
    const cells = Array.from(g.querySelectorAll(".cell"));
    const maze: [string, string][] = [["wall", "#"], ["open", " "], ["start", "S"], ["goal", "G"], ["path", "o"]];
    const char = (c: Element): string => how === "sudoku"
      ? (c.textContent === "" ? "." : c.textContent ?? "?")
      : maze.find(([cls]) => c.classList.contains(cls))?.[1] ?? "?";
    return {
      text: cells.map(char).join(""),
      changed: cells.filter((c) => c.classList.contains("changed")).map((c) => Number((c as HTMLElement).dataset.i)),
    };
  }), reading);
}

/** The text nodes and path count of a chart box once vega has drawn its SVG. */
async function readChart(page: Page, testid: string): Promise<{ texts: string[]; paths: number }> {
  await page.waitForSelector(`[data-testid="${testid}"][data-rendered="true"] svg`, { timeout: 30_000 });
  return page.$eval(`[data-testid="${testid}"] svg`, (svg) => ({
    texts: Array.from(svg.querySelectorAll("text")).map((t) => t.textContent ?? ""),
    paths: svg.querySelectorAll("path").length,
  }));
}

interface PageRun {
  readonly segments: PageSegment[];
  readonly shown: string;
  readonly summary: string;
  readonly adaptiveStop: string | null;
}

async function run(page: Page, kernels: "wasm" | "reference", reading: Reading): Promise<PageRun> {
  await page.selectOption('[data-testid="kernels"]', kernels);
  await page.click('[data-testid="run"]');
  await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { state: "attached", timeout: 30_000 });
  const error = await page.textContent('[data-testid="run-error"]');
  assert.equal(error, "", `the page reported: ${error}`);
  return {
    segments: await readGrids(page, '[data-testid^="segment-thumb-"] .grid', reading),
    shown: (await readGrids(page, '[data-testid="segment-grid"]', reading))[0]!.text,
    summary: (await page.textContent('[data-testid="run-summary"]')) ?? "",
    adaptiveStop: await page.getAttribute('[data-testid="results"]', "data-adaptive-stop"),
  };
}

function assertSameAsNode(where: string, got: PageRun, node: SolveResult, decode: (t: Int32Array) => string): void {
  assert.equal(got.segments.length, node.segments.length, `${where}: segments on the page`);
  node.segments.forEach((s, i) => {
    assert.equal(got.segments[i]!.text, decode(s.prediction), `${where}: grid of segment ${s.segment}`);
    assert.deepEqual(got.segments[i]!.changed, s.changed, `${where}: highlighted cells of segment ${s.segment}`);
  });
  assert.equal(got.shown, decode(node.final), `${where}: the grid shown after the run is the final segment's`);
  const stop = node.segments.find((s) => haltsUnder(node.haltRule, s.qHalt, s.qContinue))?.segment; // the model's own rule
  assert.equal(got.adaptiveStop, stop === undefined ? "none" : String(stop), `${where}: adaptive halting marker`);
}

test("web demo: the page solves a Sudoku in Chromium and shows what the Node solve API returns", { skip, timeout: 120_000 }, async () => {
  if (missing !== null) assert.fail(`CI is set but ${missing}; .ci/run installs the Debian package chromium`);
  const root = repoRoot();
  const { build } = await import("vite");
  await build({ configFile: join(root, "web", "vite.config.ts"), logLevel: "warn" });

  // Node side: the same checkpoint files the page fetches, the same puzzle, reference kernels
  const model = loadCheckpointModel(join(root, "web", "public", "checkpoint"));
  const node = solvePuzzle(makeCtx(referenceKernels), model, { inputs: sudokuToTokens(PUZZLE) }, { halting: "fixed", maxSegments: SEGMENTS });

  const server = await serveFolder(join(root, "web", "dist"));
  const tmp = mkdtempSync(join(tmpdir(), "hrm-web-e2e-"));
  const { chromium } = await import("playwright-core");
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    const page = await browser.newPage({ viewport: { width: 1000, height: 760 } });
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(server.url);
    await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { state: "attached", timeout: 30_000 });
    const status = (await page.textContent('[data-testid="checkpoint-status"]')) ?? "";
    assert.match(status, /seq_len 81, vocab 11/, `checkpoint status: ${status}`);
    assert.equal(await page.inputValue('[data-testid="sudoku-input"]'), PUZZLE, "the first embedded puzzle is selected");
    await page.fill('[data-testid="max-segments"]', String(SEGMENTS));

    // reference kernels: the same arithmetic as Node, so every segment must match exactly
    const ref = await run(page, "reference", "sudoku");
    assertSameAsNode("Sudoku, reference kernels", ref, node, tokensToSudoku);
    // the Q-halt chart: the library's Vega-Lite spec drawn by vega as SVG, with axis titles and legend
    const chart = await readChart(page, "qhalt-chart");
    for (const t of ["halting Q-values per segment", "ACT segment", "probability", "σ(q_halt)", "σ(q_continue)", "segment shown"]) assert.ok(chart.texts.includes(t), `Q-halt chart text "${t}" in ${JSON.stringify(chart.texts)}`);
    assert.ok(chart.paths > 0, "the Q-halt chart draws lines");
    assert.match(ref.summary, new RegExp(`^${SEGMENTS} segments \\(fixed halting\\) with the reference kernels`));

    // WASM kernels (the page's default): another summation order, same argmax on this checkpoint
    const wasm = await run(page, "wasm", "sudoku");
    assert.match(wasm.summary, /with the wasm \((relaxed|simd)\) kernels/, `the page ran: ${wasm.summary}`);
    assertSameAsNode("Sudoku, wasm kernels", wasm, node, tokensToSudoku);

    // the other tabs: the Sudoku checkpoint does not fit a maze, and the page says so
    await page.click('[data-testid="tab-maze"]');
    assert.match((await page.textContent('[data-testid="fit-message"]')) ?? "", /does not fit a 30x30 maze/);
    assert.equal(await page.isDisabled('[data-testid="run"]'), true);
    // the Analysis tab: the shipped pr.json as a table, or a note that none is shipped
    await page.click('[data-testid="tab-analysis"]');
    const shipped = existsSync(join(root, "web", "public", "pr.json"));
    await page.waitForSelector(`[data-testid="${shipped ? "analysis-table" : "analysis-missing"}"]`, { timeout: 10_000 });
    if (shipped) {
      const pr = await readChart(page, "analysis-chart");
      for (const t of ["number of puzzles n (log scale)", "participation ratio PR (dimensions)", "z_H", "z_L", "trained", "untrained"]) assert.ok(pr.texts.includes(t), `PR chart text "${t}" in ${JSON.stringify(pr.texts)}`);
    }
    await page.click('[data-testid="tab-sudoku"]');
    assert.deepEqual(pageErrors, [], "no uncaught errors on the page");

    mkdirSync(join(root, "docs"), { recursive: true });
    await page.screenshot({ path: process.env["HRM_SCREENSHOT"] ?? join(tmpdir(), "web-demo.png"), fullPage: true });

    // a maze checkpoint (tiny, random; seed 5 halts adaptively at segment 4 on the page's first maze) through
    // the file picker, adaptive halting
    const mazeModel = tinyModel({ seq_len: 900, vocab_size: 6 }, 5);
    const dir = saveModel(join(tmp, "maze"), mazeModel);
    await page.setInputFiles('[data-testid="checkpoint-files"]', [join(dir, "config.json"), join(dir, "model.safetensors")]);
    await page.waitForFunction(() => /seq_len 900, vocab 6/.test(document.querySelector('[data-testid="checkpoint-status"]')?.textContent ?? ""), null, { timeout: 30_000 });
    await page.click('[data-testid="tab-maze"]');
    assert.equal(await page.isHidden('[data-testid="fit-message"]'), true, "a maze checkpoint fits the maze tab");
    const maze = (await readGrids(page, '[data-testid="maze-editor"]', "maze"))[0]!.text;
    await page.selectOption('[data-testid="halting"]', "adaptive");
    await page.fill('[data-testid="max-segments"]', "6");
    const mazeRun = await run(page, "reference", "maze");
    const mazeInputs = mazeToTokens(maze.match(/.{30}/g)!.join("\n"));
    const nodeMaze = solvePuzzle(makeCtx(referenceKernels), mazeModel, { inputs: mazeInputs }, { halting: "adaptive", maxSegments: 6 });
    assert.ok(nodeMaze.haltedAt > 1 && nodeMaze.stopReason === "q_halt > q_continue", `the maze run halts adaptively after segment 1 (it stopped at ${nodeMaze.haltedAt}: ${nodeMaze.stopReason})`);
    assertSameAsNode("maze, adaptive halting", mazeRun, nodeMaze, (t) => tokensToMaze(t).join(""));
    assert.deepEqual(pageErrors, [], "no uncaught errors on the page");
  } finally {
    await browser?.close();
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
  }
});
