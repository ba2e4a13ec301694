// The page's handle on the model worker: one request at a time, answered as promises.
import type { FromWorker, ModelSummary, Solved, SolveRequest } from "./protocol.js";

type Pending = { resolve: (m: FromWorker) => void };

export class ModelClient {
  private readonly worker: Worker;
  private pending: Pending | null = null;
  private nextId = 1;

  constructor() {
    this.worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
    this.worker.onmessage = (e: MessageEvent<FromWorker>): void => {
      const p = this.pending;
      this.pending = null;
      p?.resolve(e.data);
    };
    this.worker.onerror = (e: ErrorEvent): void => {
      const p = this.pending;
      this.pending = null;
      p?.resolve({ type: "error", message: `model worker failed: ${e.message}` });
    };
  }

  get busy(): boolean {
    return this.pending !== null;
  }

  private ask(msg: Parameters<Worker["postMessage"]>[0], transfer: Transferable[] = []): Promise<FromWorker> {
    if (this.pending !== null) return Promise.reject(new Error("the model is busy with another request"));
    return new Promise((resolve) => {
      this.pending = { resolve };
      this.worker.postMessage(msg, transfer);
    });
  }

  async load(configJson: unknown, weights: ArrayBuffer, source: string): Promise<ModelSummary> {
    const r = await this.ask({ type: "load", configJson, weights, source }, [weights]);
    if (r.type === "loaded") return r.summary;
    throw new Error(r.type === "error" ? r.message : `unexpected answer "${r.type}" to load`);
  }

  async solve(req: Omit<SolveRequest, "type" | "id">): Promise<Solved> {
    const r = await this.ask({ ...req, type: "solve", id: this.nextId++ });
    if (r.type === "solved") return r;
    throw new Error(r.type === "error" ? r.message : `unexpected answer "${r.type}" to solve`);
  }
}
