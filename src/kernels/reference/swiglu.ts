// Reference SwiGLU activation: out = silu(gate) ⊙ up, with gateUp [rows, 2I] = [gate | up].
import type { Buf, SwigluDims } from "../../engine/kernels.js";

export function swigluForward(out: Buf, gateUp: Buf, d: SwigluDims): void {
  const { rows, I } = d;
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < I; i++) {
      const g = gateUp[r * 2 * I + i]!, u = gateUp[r * 2 * I + I + i]!;
      out[r * I + i] = (g / (1 + Math.exp(-g))) * u;
    }
  }
}

// silu'(g) = σ(g)·(1 + g·(1 − σ(g)))
export function swigluBackward(dGateUp: Buf, dOut: Buf, gateUp: Buf, d: SwigluDims): void {
  const { rows, I } = d;
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < I; i++) {
      const g = gateUp[r * 2 * I + i]!, u = gateUp[r * 2 * I + I + i]!;
      const s = 1 / (1 + Math.exp(-g));
      const dy = dOut[r * I + i]!;
      dGateUp[r * 2 * I + i] = dy * u * s * (1 + g * (1 - s));
      dGateUp[r * 2 * I + I + i] = dy * g * s;
    }
  }
}
