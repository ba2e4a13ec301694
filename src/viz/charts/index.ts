// The chart specs, one builder per chart kind (pure: no Node built-in, no renderer). Node renders them with
// ./render-node.ts; the web page with vega in the browser.
export { compareCurvesSpec } from "./compare-curves.js";
export type { CompareRun, EvalPoint } from "./compare-curves.js";
export { linePanelsSpec } from "./line-panels.js";
export type { ChartSpec, LinePanel, LineRow } from "./line-panels.js";
export { parsePrChartInput, prSpectrumSpec } from "./pr-spectrum.js";
export type { PrChartInput } from "./pr-spectrum.js";
export { qHaltSpec } from "./qhalt.js";
export { trainingCurvesSpec } from "./training-curves.js";
