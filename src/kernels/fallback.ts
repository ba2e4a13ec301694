// A fast backend may implement a subset of the kernels; the reference supplies the rest, said once.
import type { Kernels, KernelName } from "../engine/kernels.js";
import { kernelNames } from "../engine/kernels.js";

export type PartialKernels = Partial<Omit<Kernels, "name">> & Pick<Kernels, "name">;

/**
 * Complete a partial backend with reference kernels. `log` is called once, listing the kernels that
 * fall back (so a missing fast path is never silent).
 */
export function withFallback(fast: PartialKernels, reference: Kernels, log: (msg: string) => void = () => {}): Kernels {
  const missing: KernelName[] = kernelNames.filter((k) => fast[k] === undefined);
  if (missing.length > 0) log(`kernels: backend "${fast.name}" uses the reference for: ${missing.join(", ")}`);
  // Start from the complete reference (so the result is a `Kernels` by type), then put every fast kernel
  // over its reference twin, bound to its backend.
  const out: Kernels = { ...reference, name: fast.name };
  const own = kernelNames.filter((k) => fast[k] !== undefined).map((k) => [k, (fast[k] as (...a: never[]) => void).bind(fast)]);
  return Object.freeze(Object.assign(out, Object.fromEntries(own)));
}
