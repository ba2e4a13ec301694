// The tape: op-level reverse-mode autograd with an explicit no-grad scope.
//
// Each differentiable op, when recording and when one of its inputs requires grad, pushes one closure that
// reads its output's gradient and accumulates into its inputs' gradients. backward() runs the closures in
// reverse order. The tape is owned by a context object, never global, so runs replay exactly.
import { ShapeError } from "./errors.js";
import type { PoolArray } from "./dtype.js";
import type { Tensor } from "./tensor.js";

interface Node {
  readonly backward: () => void;
  /** The op's output: its gradient is complete once this node has run, and nothing reads it afterwards. */
  readonly output: Tensor | undefined;
  /** The output's data buffer is the op's own (not a view of an input) and may be returned after backward. */
  readonly ownsData: boolean;
}

export class Tape {
  private nodes: Node[] = [];
  private gradEnabled = true;

  /** @param release where buffers go once backward no longer needs them (the context's pool). */
  constructor(private readonly release: (b: PoolArray) => void = () => {}) {}

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

  /**
   * Record an op's backward. With `output`, once the backward has run the output's gradient and packed copy
   * are released, and with `ownsData` its data too: every reader of an op's output is recorded after the op, so its
   * backward runs first. Only ops whose output is a fresh buffer may pass ownsData (not views).
   */
  record(backward: () => void, output?: Tensor, ownsData = false): void {
    this.nodes.push({ backward, output, ownsData });
  }

  /**
   * Seed d(loss)/d(loss) = seed (a scalar loss) and run every recorded backward in reverse order.
   * The tape is cleared afterwards (its closures hold activations).
   */
  backward(loss: Tensor, seed = 1): void {
    if (loss.size !== 1) throw new ShapeError(`backward: loss must be a scalar, got ${loss.size} elements`);
    loss.gradBuffer()[0] = seed;
    this.run();
  }

  /** Backward from any tensor given the gradient of some scalar with respect to it (same size). */
  backwardFrom(output: Tensor, grad: ArrayLike<number>): void {
    if (grad.length !== output.size) throw new ShapeError(`backwardFrom: gradient has ${grad.length} elements, output ${output.size}`);
    output.gradBuffer().set(grad);
    this.run();
  }

  private run(): void {
    // popped, so each closure and what it holds may go once it has run
    for (let node = this.nodes.pop(); node !== undefined; node = this.nodes.pop()) {
      node.backward();
      const y = node.output;
      if (y === undefined) continue;
      if (y.grad !== null) {
        this.release(y.grad);
        y.grad = null;
      }
      if (node.ownsData && !y.dataReleased) {
        this.release(y.data);
        y.dataReleased = true;
      }
      if (y.packed !== null) { // its producer's backward was its last reader
        this.release(y.packed);
        y.packed = null;
      }
    }
  }

  /** Drop every recorded closure without running it. */
  clear(): void {
    this.nodes = [];
  }
}
