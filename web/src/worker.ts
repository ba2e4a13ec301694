// The model worker: holds the loaded checkpoint and runs solvePuzzle off the page's main thread.
import { inferenceOnly, makeCtx, modelFromCheckpointBytes, solvePuzzle } from "hrm";
import type { ReasoningModel } from "hrm";
import type { FromWorker, SolveRequest, ToWorker } from "./protocol.js";
import { chooseKernels } from "./worker-kernels.js";

interface WorkerScope {
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(msg: FromWorker): void;
}
const scope = self as unknown as WorkerScope;

let model: ReasoningModel | null = null;

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function solve(req: SolveRequest): Promise<FromWorker> {
  if (model === null) return { type: "error", id: req.id, message: "no checkpoint loaded" };
  const chosen = await chooseKernels(req.kernels);
  const t0 = performance.now();
  // the loaded model is never trained here: bf16 rounds its weights in place (no float32 copies beside them)
  const result = solvePuzzle(inferenceOnly(makeCtx(chosen.kernels)), model, {
    inputs: req.inputs,
    puzzleIdentifier: req.puzzleIdentifier,
    ...(req.labels !== undefined ? { labels: req.labels } : {}),
  }, { halting: req.halting, maxSegments: req.maxSegments });
  const milliseconds = performance.now() - t0;
  return { type: "solved", id: req.id, result, kernels: chosen.label, milliseconds, ...(chosen.note !== undefined ? { kernelNote: chosen.note } : {}) };
}

scope.onmessage = (e: MessageEvent<ToWorker>): void => {
  const req = e.data;
  if (req.type === "load") {
    try {
      const m = modelFromCheckpointBytes(req.configJson, new Uint8Array(req.weights), req.source);
      model = m;
      const note = (req.configJson as Record<string, unknown> | null)?.["note"];
      scope.postMessage({ type: "loaded", summary: { source: req.source, family: m.family, config: m.config, parameters: m.params.numParameters, note: typeof note === "string" ? note : null } });
    } catch (err) {
      scope.postMessage({ type: "error", message: message(err) });
    }
    return;
  }
  solve(req).then((out) => scope.postMessage(out), (err: unknown) => scope.postMessage({ type: "error", id: req.id, message: message(err) }));
};
