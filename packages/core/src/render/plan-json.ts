/**
 * The machine-readable plan (`wirestate plan --json`): a versioned schema independent of
 * the engine's internal types, so they may evolve while `formatVersion` stays. Values the
 * engine leaves undefined appear as `null`, never as missing keys in field changes.
 */
import { toDotPath, type Issue } from '../errors.ts';
import type { ChangeAction } from '../engine/diff.ts';
import type { Plan } from '../engine/plan.ts';
import type { Op } from '../model/ops.ts';
import type { Resource, ResourceKind } from '../model/state.ts';
import { summarizePlan, type PlanSummary } from './summary.ts';
import { ACTION_SYMBOL } from './symbols.ts';

/** Version of the `--json` output; bumped on any incompatible change. */
export const PLAN_JSON_FORMAT_VERSION = 1;

/** One step of the JSON plan. */
export interface PlanJsonStep {
  /** Position in execution order, 0-based. */
  readonly index: number;
  /** Stable id: `kind/resource-id/op-type[:fields]`. */
  readonly id: string;
  /** Kind of the resource (a key of the state: `links`, `addresses`, …). */
  readonly kind: ResourceKind;
  /** Id of the resource. */
  readonly resourceId: string;
  /** What happens to the resource overall. */
  readonly action: ChangeAction;
  /** `+`, `~`, `-` or `-/+`. */
  readonly symbol: string;
  /** The operation, as drivers receive it. */
  readonly op: Op;
  /** The operation that undoes it. */
  readonly inverse: Op;
  /** Why the step exists. */
  readonly reason: string;
  /** Equivalent command of `op`. */
  readonly command: string;
  /** Equivalent command of `inverse`. */
  readonly inverseCommand: string;
  /** True when the step interrupts traffic or a running service. */
  readonly disruptive: boolean;
  /** Indices of the steps that must complete first. */
  readonly after: readonly number[];
}

/** One resource-level change. */
export interface PlanJsonChange {
  readonly kind: ResourceKind;
  readonly id: string;
  readonly action: ChangeAction;
  /** Why: differing fields, or the ownership rule that deletes. */
  readonly reason: string;
  /** Managed fields that differ; `from`/`to` are `null` when there is no value. */
  readonly fields: readonly { readonly field: string; readonly from: unknown; readonly to: unknown }[];
  /** The desired resource, `null` on delete. */
  readonly desired: Resource | null;
  /** The live resource, `null` on create. */
  readonly live: Resource | null;
}

/** One conflict: something declared that the plan cannot reach. */
export interface PlanJsonConflict {
  readonly code: string;
  /** Path as a list: `["links", "pod/eth0"]`. */
  readonly path: readonly (string | number)[];
  /** Path as text: `links["pod/eth0"]`. */
  readonly pathText: string;
  readonly message: string;
}

/** The whole JSON plan. */
export interface PlanJson {
  /** `PLAN_JSON_FORMAT_VERSION`. */
  readonly formatVersion: number;
  /** Version of the engine's plan (`Plan.version`). */
  readonly planVersion: number;
  /** Fingerprint of the live state the plan was computed from. */
  readonly basis: string;
  /** Counts by action, plus steps and disruptive steps. */
  readonly summary: PlanSummary;
  /** Steps in execution order. */
  readonly steps: readonly PlanJsonStep[];
  /** Resource-level changes, sorted by kind then id. */
  readonly changes: readonly PlanJsonChange[];
  /** Conflicts; a plan with any is not applied. */
  readonly conflicts: readonly PlanJsonConflict[];
}

const orNull = <T,>(v: T | undefined): T | null => (v === undefined ? null : v);

function conflictJson(c: Issue): PlanJsonConflict {
  return { code: c.code, path: c.path, pathText: toDotPath(c.path), message: c.message };
}

/** The JSON document of a plan, as plain data. */
export function planToJson(plan: Plan): PlanJson {
  return {
    formatVersion: PLAN_JSON_FORMAT_VERSION,
    planVersion: plan.version,
    basis: plan.basis,
    summary: summarizePlan(plan),
    steps: plan.steps.map((s) => ({
      index: s.index,
      id: s.id,
      kind: s.kind,
      resourceId: s.resourceId,
      action: s.action,
      symbol: ACTION_SYMBOL[s.action],
      op: s.op,
      inverse: s.inverse,
      reason: s.reason,
      command: s.command,
      inverseCommand: s.inverseCommand,
      disruptive: s.disruptive,
      after: s.after,
    })),
    changes: plan.changes.map((c) => ({
      kind: c.kind,
      id: c.id,
      action: c.action,
      reason: c.reason,
      fields: c.fields.map((f) => ({ field: f.field, from: orNull(f.from), to: orNull(f.to) })),
      desired: orNull(c.desired),
      live: orNull(c.live),
    })),
    conflicts: plan.conflicts.map(conflictJson),
  };
}

/** The JSON plan as text, two-space indented, ending with a newline. */
export function renderPlanJson(plan: Plan): string {
  return `${JSON.stringify(planToJson(plan), null, 2)}\n`;
}
