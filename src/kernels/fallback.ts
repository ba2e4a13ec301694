// A fast backend may implement a subset of the kernels; the reference supplies the rest, said once.
import type { Kernels, KernelName } from "./kernels.js";
import { kernelNames } from "./kernels.js";

export type PartialKernels = Partial<Omit<Kernels, "name">> & Pick<Kernels, "name">;

/**
 * Complete a partial backend with reference kernels. `log` is called once, listing the kernels that
 * fall back (so a missing fast path is never silent).
 */
export function withFallback(fast: PartialKernels, reference: Kernels, log: (msg: string) => void = () => {}): Kernels {
  const missing: KernelName[] = kernelNames.filter((k) => fast[k] === undefined);
  if (missing.length > 0) log(`kernels: backend "${fast.name}" uses the reference for: ${missing.join(", ")}`);
  const out: Record<string, unknown> = { name: fast.name };
  for (const k of kernelNames) {
    const f = fast[k] ?? reference[k];
    out[k] = f.bind(fast[k] !== undefined ? fast : reference);
  }
  return out as unknown as Kernels;
}
