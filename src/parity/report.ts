// The checker's table: per group, the count, the failures, and the worst error relative to its tolerance.
import type { CheckReport } from "./replay.js";

export function formatReport(report: CheckReport, verbose = false): string {
  const groups = new Map<string, { n: number; failed: number; worstScore: number; worstAbs: number; worstName: string; rule: string }>();
  for (const r of report.results) {
    const g = groups.get(r.group) ?? { n: 0, failed: 0, worstScore: -1, worstAbs: 0, worstName: "", rule: r.rule };
    g.n++;
    if (!r.pass) g.failed++;
    if (r.score > g.worstScore) { g.worstScore = r.score; g.worstAbs = r.maxAbs; g.worstName = r.name; g.rule = r.rule; }
    groups.set(r.group, g);
  }
  const rows: string[][] = [["group", "rule", "tensors", "failed", "worst |diff|", "worst/tol", "worst tensor"]];
  for (const [name, g] of [...groups].sort((a, b) => a[0].localeCompare(b[0]))) {
    rows.push([name, g.rule, String(g.n), String(g.failed), g.worstAbs.toExponential(2), g.worstScore.toFixed(3), g.worstName]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd());
  lines.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  const failures = report.results.filter((r) => !r.pass || verbose);
  if (failures.length > 0) {
    lines.push("", verbose ? "all tensors:" : "failures:");
    for (const r of failures.slice(0, verbose ? Infinity : 50)) {
      lines.push(`  ${r.pass ? "ok  " : "FAIL"} ${r.name}: |diff| ${r.maxAbs.toExponential(2)}, ${r.score.toFixed(3)} x tol (${r.rule}); ${r.detail}`);
    }
    if (!verbose && failures.length > 50) lines.push(`  ... and ${failures.length - 50} more`);
  }
  return lines.join("\n");
}
