/** Counting what a plan does, resource by resource, for the summary line and the JSON. */
import type { ChangeAction } from '../engine/diff.ts';
import type { Plan } from '../engine/plan.ts';
import { plural } from './text.ts';

/** How many resources each action touches, and how many steps the plan has. */
export interface PlanSummary {
  /** Resources created. */
  readonly create: number;
  /** Resources changed in place. */
  readonly update: number;
  /** Resources deleted. */
  readonly delete: number;
  /** Resources deleted and created again. */
  readonly replace: number;
  /** Steps in the plan. */
  readonly steps: number;
  /** Steps that interrupt traffic or a running service. */
  readonly disruptive: number;
}

/**
 * Counts resources by action from the steps, not from `plan.changes`: a resource
 * reattached to a replaced parent has steps but no change, and a change whose effect
 * needs no step would not happen.
 */
export function summarizePlan(plan: Plan): PlanSummary {
  const actionOf = new Map<string, ChangeAction>();
  for (const s of plan.steps) actionOf.set(`${s.kind}:${s.resourceId}`, s.action);
  const count: Record<ChangeAction, number> = { create: 0, update: 0, delete: 0, replace: 0 };
  for (const a of actionOf.values()) count[a]++;
  return { ...count, steps: plan.steps.length, disruptive: plan.steps.filter((s) => s.disruptive).length };
}

/** The summary line: `Plan: 1 to add, 2 to change, 0 to destroy, 0 to replace (5 steps).`, or the no-change sentence. */
export function summaryLine(plan: Plan): string {
  const s = summarizePlan(plan);
  if (s.steps === 0 && plan.conflicts.length === 0) return 'No changes. The live state matches the topology.';
  return `Plan: ${s.create} to add, ${s.update} to change, ${s.delete} to destroy, ${s.replace} to replace (${plural(s.steps, 'step')}).`;
}
