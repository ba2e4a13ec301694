// ARC-AGI-1 evaluation tasks embedded in the page, copied byte for byte from
// shared/data/arc/arc-agi-1/evaluation (github:fchollet/ARC-AGI @ 3990304, Apache-2.0: see
// arc-tasks/LICENSE). Five of the smallest tasks, so the page stays light.
import t00576224 from "./arc-tasks/00576224.json";
import t4cd1b7b2 from "./arc-tasks/4cd1b7b2.json";
import t66e6c45b from "./arc-tasks/66e6c45b.json";
import tca8de6ea from "./arc-tasks/ca8de6ea.json";
import te633a9e5 from "./arc-tasks/e633a9e5.json";

export interface RawArcTask {
  readonly name: string;
  /** {"train": [{input, output}, ...], "test": [...]}, validated when used. */
  readonly json: unknown;
}

export const arcTasks: readonly RawArcTask[] = [
  { name: "66e6c45b", json: t66e6c45b },
  { name: "00576224", json: t00576224 },
  { name: "4cd1b7b2", json: t4cd1b7b2 },
  { name: "e633a9e5", json: te633a9e5 },
  { name: "ca8de6ea", json: tca8de6ea },
];
