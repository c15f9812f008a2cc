/** Pure renderers of plans and states: text like `terraform plan`, versioned JSON, Graphviz dot. */
export type { Paint, Style } from './paint.ts';
export type { ColorOptions } from './paint.ts';
export { NO_PAINT, ANSI_PAINT, paintOf } from './paint.ts';
export { ACTION_SYMBOL, DISRUPTIVE_MARK } from './symbols.ts';
export type { PlanSummary } from './summary.ts';
export { summarizePlan, summaryLine } from './summary.ts';
export type { PlanTextOptions } from './plan-text.ts';
export { renderPlanText } from './plan-text.ts';
export type { PlanJson, PlanJsonStep, PlanJsonChange, PlanJsonConflict } from './plan-json.ts';
export { PLAN_JSON_FORMAT_VERSION, planToJson, renderPlanJson } from './plan-json.ts';
export type { StateDiffOptions } from './state-diff.ts';
export { renderStateDiff } from './state-diff.ts';
export { renderGraph } from './graph.ts';
export type { StateTextOptions } from './state-text.ts';
export { renderState } from './state-text.ts';
export type { ApplyTextOptions } from './apply-text.ts';
export { renderStepLog, renderVerification } from './apply-text.ts';
