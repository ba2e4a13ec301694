// Comparison rules of the golden checker (the reference README's tolerances):
//   integer and boolean tensors exactly; forward floats |d| ≤ atol + rtol·|ref|;
//   gradients |d| ≤ gradRel·max|ref|; updated parameters |d| ≤ updAbs + updRel·|ref|.
// Each check reports `score` = worst |d| / allowed (≤ 1 passes), so groups can show their worst case.

export interface Tolerances {
  readonly atol: number;
  readonly rtol: number;
  readonly gradRel: number;
  readonly updAbs: number;
  readonly updRel: number;
}

export const defaultTolerances: Tolerances = { atol: 1e-4, rtol: 1e-4, gradRel: 1e-3, updAbs: 1e-7, updRel: 2e-7 };

export type Rule = "exact" | "forward" | "grad" | "updated";

export interface CheckResult {
  readonly name: string;
  readonly group: string;
  readonly rule: Rule;
  readonly pass: boolean;
  /** Largest absolute difference. */
  readonly maxAbs: number;
  /** Worst difference relative to what the rule allows (≤ 1 passes). */
  readonly score: number;
  readonly detail: string;
}

/** Group of a golden name: its path without the call/step index and the last segment. */
export function groupOf(name: string): string {
  const parts = name.split("/").filter((p) => !/^(call|step)\d+$/.test(p));
  if (parts[0] === "grad" || parts[0] === "updated" || parts[0] === "init" || parts[0] === "trace") return parts[0];
  return parts.length > 1 ? parts.slice(0, -1).join("/") : parts[0]!;
}

export function compareValues(
  name: string, rule: Rule, ours: ArrayLike<number>, ref: ArrayLike<number>, shapeOurs: readonly number[], shapeRef: readonly number[], tol: Tolerances,
): CheckResult {
  const group = groupOf(name);
  const sameShape = shapeOurs.length === shapeRef.length && shapeOurs.every((s, i) => s === shapeRef[i]);
  if (!sameShape || ours.length !== ref.length) {
    return { name, group, rule, pass: false, maxAbs: Infinity, score: Infinity, detail: `shape [${shapeOurs.join(", ")}] vs golden [${shapeRef.join(", ")}]` };
  }
  let maxRef = 0;
  for (let i = 0; i < ref.length; i++) maxRef = Math.max(maxRef, Math.abs(ref[i]!));
  let maxAbs = 0, score = 0, worst = -1;
  for (let i = 0; i < ref.length; i++) {
    const a = ours[i]!, r = ref[i]!;
    const d = Math.abs(a - r);
    const allowed =
      rule === "exact" ? 0
      : rule === "forward" ? tol.atol + tol.rtol * Math.abs(r)
      : rule === "grad" ? tol.gradRel * maxRef
      : tol.updAbs + tol.updRel * Math.abs(r);
    const s = Number.isNaN(d) ? Infinity : d === 0 ? 0 : allowed === 0 ? Infinity : d / allowed;
    if (d > maxAbs || Number.isNaN(d)) maxAbs = Number.isNaN(d) ? Infinity : d;
    if (s > score) { score = s; worst = i; }
  }
  const detail = worst < 0 ? "identical" : `worst at flat index ${worst}: ours ${ours[worst]} vs golden ${ref[worst]}`;
  return { name, group, rule, pass: score <= 1, maxAbs, score, detail };
}
