/**
 * diff(desired, live): per resource, what must happen. Pure. Only fields the desired state
 * sets are compared; live resources nobody declared are left alone unless wirestate owns them.
 */
import type { Issue } from '../errors.ts';
import type { AnyDescriptor, FieldChange } from '../kinds/descriptor.ts';
import type { LiveIndex } from '../kinds/live-index.ts';
import { allDescriptors } from '../kinds/registry.ts';
import { sameValue } from '../kinds/shared.ts';
import { idsOf } from '../model/record-order.ts';
import type { Resource, ResourceKind, State } from '../model/state.ts';

/** What happens to one resource. */
export type ChangeAction = 'create' | 'update' | 'delete' | 'replace';

/** One resource's change. */
export interface Change {
  /** Resource kind. */
  readonly kind: ResourceKind;
  /** Resource id. */
  readonly id: string;
  /** What happens. */
  readonly action: ChangeAction;
  /** The desired resource (create, update, replace). */
  readonly desired?: Resource;
  /** The live resource (update, delete, replace). */
  readonly live?: Resource;
  /** Managed fields that differ (update, replace). */
  readonly fields: readonly FieldChange[];
  /** Why: the differing fields, or the ownership rule that deletes. */
  readonly reason: string;
}

/** A resource by kind and id. */
export interface ResourceRef {
  readonly kind: ResourceKind;
  readonly id: string;
}

/** The result of a diff: changes, declared things that cannot be reached, and what is left alone. */
export interface Diff {
  readonly changes: readonly Change[];
  readonly conflicts: readonly Issue[];
  /**
   * Live resources nobody declared and wirestate does not own, in kind then snapshot order:
   * left alone, unless what they live on goes (the planner then takes them along).
   */
  readonly undeclared: readonly ResourceRef[];
}

/** Managed fields of `desired` that differ from `live`. */
export function changedFields(d: AnyDescriptor, desired: Resource, live: Resource): FieldChange[] {
  return changedFieldsOrNone(d, desired, live) ?? [];
}

/** Like `changedFields`, undefined when none differ: most records of a large state do not change. */
function changedFieldsOrNone(d: AnyDescriptor, desired: Resource, live: Resource): FieldChange[] | undefined {
  let out: FieldChange[] | undefined;
  for (const f of d.fields) {
    const to = (desired as unknown as Record<string, unknown>)[f.name];
    if (to === undefined) continue;
    const from = (live as unknown as Record<string, unknown>)[f.name];
    if (from === undefined && f.unknownIsEqual) continue;
    const eq = f.equals ?? sameValue;
    if (!eq(to, from)) (out ??= []).push({ field: f.name, from, to });
  }
  return out;
}

function isImmutable(d: AnyDescriptor, field: string): boolean {
  return d.fields.some((f) => f.name === field && f.immutable === true);
}

function describe(fields: readonly FieldChange[]): string {
  return fields.map((c) => `${c.field} differs`).join(', ');
}

/** A resource's label, built only for resources that change (most of a large state does not). */
function labelOf(d: AnyDescriptor, r: Resource): string {
  return (d.label as (x: Resource) => string)(r);
}

/** Diffs one kind. */
function diffKind(d: AnyDescriptor, desired: State, live: State, out: { changes: Change[]; conflicts: Issue[]; undeclared: ResourceRef[] }, index: LiveIndex | undefined): void {
  const { changes, conflicts, undeclared } = out;
  const kind = d.kind;
  const want = desired[kind] as Readonly<Record<string, Resource>>;
  const have = live[kind] as Readonly<Record<string, Resource>>;
  // No sorting here: plan() orders steps and changes itself, deterministically.
  for (const id of idsOf(want)) {
    const w = want[id]!;
    const h = have[id];
    const lifecycle = (d.lifecycle as (r: Resource) => string)(w);
    if (w.state === 'absent') {
      if (h === undefined) continue;
      if (lifecycle !== 'managed') {
        conflicts.push({ code: 'not_deletable', path: [kind, id], message: `${d.noun} ${labelOf(d, w)} is not created by wirestate and cannot be deleted` });
        continue;
      }
      changes.push({ kind, id, action: 'delete', live: h, fields: [], reason: `${d.noun} ${labelOf(d, w)} is declared absent` });
      continue;
    }
    if (lifecycle === 'facts') continue;
    if (h === undefined) {
      if (lifecycle === 'external') {
        conflicts.push({ code: 'missing', path: [kind, id], message: `${d.noun} ${labelOf(d, w)} does not exist and wirestate does not create it` });
        continue;
      }
      changes.push({ kind, id, action: 'create', desired: w, fields: [], reason: `${d.noun} ${labelOf(d, w)} does not exist` });
      continue;
    }
    let fields = changedFieldsOrNone(d, w, h);
    if (lifecycle === 'managed' && h.owned === false && w.adopt === true && d.adopt !== undefined) {
      (fields ??= []).push({ field: 'owned', from: false, to: true });
    }
    if (fields === undefined) continue;
    const needsAdoption = lifecycle === 'managed' && h.owned === false && w.adopt !== true;
    if (needsAdoption) {
      conflicts.push({
        code: 'not_owned',
        path: [kind, id],
        message: `${d.noun} ${labelOf(d, w)} exists but was not created by wirestate (${describe(fields)}); set adopt: true to take it over`,
      });
      continue;
    }
    const replace = fields.some((c) => isImmutable(d, c.field));
    if (replace && lifecycle !== 'managed') {
      conflicts.push({ code: 'immutable', path: [kind, id], message: `${d.noun} ${labelOf(d, w)}: ${describe(fields)} and cannot change in place` });
      continue;
    }
    changes.push({ kind, id, action: replace ? 'replace' : 'update', desired: w, live: h, fields, reason: describe(fields) });
  }
  for (const id of Object.keys(have)) {
    const h = have[id]!;
    index?.note(kind, id, h);
    if (want[id] !== undefined) continue;
    if (h.owned !== true) {
      undeclared.push({ kind, id });
      continue;
    }
    if ((d.lifecycle as (r: Resource) => string)(h) !== 'managed') continue;
    changes.push({ kind, id, action: 'delete', live: h, fields: [], reason: `${d.noun} is owned by wirestate and no longer desired` });
  }
  index?.complete(kind);
}

/**
 * Computes the changes that turn `live` into `desired`, over all kinds or only `kinds`;
 * `index`, when given, is fed every live record walked (the planner's lookups need them).
 */
export function diff(desired: State, live: State, kinds?: readonly ResourceKind[], index?: LiveIndex): Diff {
  const out = { changes: [] as Change[], conflicts: [] as Issue[], undeclared: [] as ResourceRef[] };
  for (const d of allDescriptors()) if (kinds === undefined || kinds.includes(d.kind)) diffKind(d, desired, live, out, index);
  return out;
}
