// The tape: op-level reverse-mode autograd with an explicit no-grad scope.
//
// Each differentiable op, when recording and when one of its inputs requires grad, pushes one closure that
// reads its output's gradient and accumulates into its inputs' gradients. backward() runs the closures in
// reverse order. The tape is owned by a context object, never global, so runs replay exactly.
import type { Tensor } from "./tensor.js";

export class Tape {
  private nodes: Array<() => void> = [];
  private gradEnabled = true;

  /** Whether ops record their backward now (false inside noGrad). */
  get recording(): boolean {
    return this.gradEnabled;
  }

  /** Number of recorded backward closures (for tests and memory accounting). */
  get length(): number {
    return this.nodes.length;
  }

  /** Run fn with recording off: the official `with torch.no_grad()`. */
  noGrad<T>(fn: () => T): T {
    const prev = this.gradEnabled;
    this.gradEnabled = false;
    try {
      return fn();
    } finally {
      this.gradEnabled = prev;
    }
  }

  /** Whether an op over these inputs must record its backward. */
  needsGrad(...inputs: Array<Tensor | null | undefined>): boolean {
    return this.gradEnabled && inputs.some((t) => t?.requiresGrad === true);
  }

  record(backward: () => void): void {
    this.nodes.push(backward);
  }

  /**
   * Seed d(loss)/d(loss) = seed (a scalar loss) and run every recorded backward in reverse order.
   * The tape is cleared afterwards (its closures hold activations).
   */
  backward(loss: Tensor, seed = 1): void {
    if (loss.size !== 1) throw new Error(`backward: loss must be a scalar, got ${loss.size} elements`);
    loss.gradBuffer()[0] = seed;
    this.run();
  }

  /** Backward from any tensor given the gradient of some scalar with respect to it (same size). */
  backwardFrom(output: Tensor, grad: ArrayLike<number>): void {
    if (grad.length !== output.size) throw new Error(`backwardFrom: gradient has ${grad.length} elements, output ${output.size}`);
    output.gradBuffer().set(grad);
    this.run();
  }

  private run(): void {
    for (let i = this.nodes.length - 1; i >= 0; i--) this.nodes[i]!();
    this.nodes = [];
  }

  /** Drop every recorded closure without running it. */
  clear(): void {
    this.nodes = [];
  }
}
