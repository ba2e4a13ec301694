// What changed between the training config a checkpoint was written with and the one a resume asks for.
// Run settings (where and how long to run, how often to save and evaluate) may change freely; anything
// else changes the training itself and needs the user's explicit consent.

/** Keys that do not change what training computes: changing them on resume is not a config change. */
export const runSettingKeys: readonly string[] = ["run_dir", "kernels", "checkpoint_every_steps", "keep_checkpoints", "eval_max_examples", "max_minutes", "eval_every_steps"];

export interface ConfigChange {
  /** Dotted key, e.g. "lr" or "arch.hidden_size". */
  readonly key: string;
  readonly before: unknown;
  readonly after: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Every leaf that differs between `before` and `after` (a key present on one side only counts), sorted. */
export function configChanges(before: unknown, after: unknown, prefix = ""): ConfigChange[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => configChanges(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ key: prefix || "(root)", before, after }];
}

/** The changes that alter training (run settings left out). */
export function hyperParameterChanges(before: unknown, after: unknown): ConfigChange[] {
  return configChanges(before, after).filter((c) => !runSettingKeys.includes(c.key));
}

/** "lr 0.001 -> 0.0003, arch.hidden_size 64 -> 128" (a missing side shows as "(unset)"). */
export function formatChanges(changes: readonly ConfigChange[]): string {
  const show = (v: unknown): string => (v === undefined ? "(unset)" : JSON.stringify(v));
  return changes.map((c) => `${c.key} ${show(c.before)} -> ${show(c.after)}`).join(", ");
}
