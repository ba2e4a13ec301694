// The adaptive halting rules (no imports: the browser page's main thread uses it too).

/** Official HRM: q_halt > q_continue; TRM's rule (config no_ACT_continue): q_halt > 0. */
export type HaltRule = "q_halt > q_continue" | "q_halt > 0";

/** Whether a segment's Q logits say halt under the rule. */
export function haltsUnder(rule: HaltRule, qHalt: number, qContinue: number): boolean {
  return rule === "q_halt > 0" ? qHalt > 0 : qHalt > qContinue;
}
