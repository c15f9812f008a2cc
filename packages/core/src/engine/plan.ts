/**
 * plan(desired, live): the minimal, ordered list of reversible steps. Pure and
 * deterministic: descriptors turn changes into steps with ordering tokens; the planner
 * links providers to requirers and sorts topologically, ties broken by phase then id.
 */
import { WirestateError, type Issue } from '../errors.ts';
import type { AnyDescriptor, PlanContext, StepDraft } from '../kinds/descriptor.ts';
import { LiveIndex } from '../kinds/live-index.ts';
import { commandOf, descriptorOf } from '../kinds/registry.ts';
import { ref } from '../kinds/tokens.ts';
import type { Op } from '../model/ops.ts';
import type { Scopes } from '../model/scope.ts';
import type { Resource, ResourceKind, State } from '../model/state.ts';
import { diff, type Change, type ChangeAction, type ResourceRef } from './diff.ts';
import { fingerprint } from './fingerprint.ts';

/** Version of the plan JSON schema (`--json`, `-o plan.json`). */
export const PLAN_SCHEMA_VERSION = 1;

/** One executable step. */
export interface Step {
  /** Stable id: `kind/resource-id/op-type[:fields]`. */
  readonly id: string;
  /** Position in the plan, 0-based. */
  readonly index: number;
  /** Kind of the resource the step changes. */
  readonly kind: ResourceKind;
  /** Id of that resource. */
  readonly resourceId: string;
  /** What happens to the resource overall. */
  readonly action: ChangeAction;
  /** The operation. */
  readonly op: Op;
  /** The operation that undoes it. */
  readonly inverse: Op;
  /** Why the step exists. */
  readonly reason: string;
  /** The equivalent command of `op`. */
  readonly command: string;
  /** The equivalent command of `inverse`. */
  readonly inverseCommand: string;
  /** True when the step interrupts traffic or a running service. */
  readonly disruptive: boolean;
  /** Indices of the steps that must complete first. */
  readonly after: readonly number[];
}

/** A plan: steps in order plus what it was computed from. */
export interface Plan {
  /** Schema version, `PLAN_SCHEMA_VERSION`. */
  readonly version: number;
  /** Steps in execution order. */
  readonly steps: readonly Step[];
  /** The resource-level changes the steps carry out. */
  readonly changes: readonly Change[];
  /** Declared things the plan cannot reach; a plan with conflicts is not applied. */
  readonly conflicts: readonly Issue[];
  /**
   * Fingerprint of the live state the plan was computed from (stale-plan check). Computed on
   * first read and kept: only saving a plan or printing it as JSON needs it, and hashing a
   * large state costs as much as diffing it.
   */
  readonly basis: string;
}

/** Options of `plan`. */
export interface PlanOptions {
  /** Scopes, for equivalent commands with the right `ip -n` / `virsh -c`. */
  readonly scopes?: Scopes;
  /** Plan only these kinds (a phase, e.g. CNI attachments before bindings); default: all. */
  readonly kinds?: readonly ResourceKind[];
}

interface Draft extends StepDraft {
  readonly kind: ResourceKind;
  readonly resourceId: string;
  readonly action: ChangeAction;
}

const PHASE: Readonly<Record<ChangeAction, number>> = { delete: 0, replace: 1, update: 2, create: 3 };

function resourceOf(state: State, kind: ResourceKind, id: string): Resource | undefined {
  return (state[kind] as Readonly<Record<string, Resource>>)[id];
}

/**
 * Escalation: a resource whose parent is replaced must follow it (reattach, or be
 * replaced itself). Iterates to a fixpoint since replacement cascades down.
 */
function cascade(changes: Change[], undeclared: readonly ResourceRef[], ctxBase: Omit<PlanContext, 'removed'>): { removed: Set<string>; reattached: Draft[] } {
  const removed = new Set(changes.filter((c) => c.action === 'delete' || c.action === 'replace').map((c) => ref(c.kind, c.id)));
  const replaced = new Set(changes.filter((c) => c.action === 'replace').map((c) => ref(c.kind, c.id)));
  const changed = new Map(changes.map((c) => [ref(c.kind, c.id), c]));
  const reattached: Draft[] = [];
  const handled = new Set<string>();
  let grew = replaced.size > 0;
  while (grew) {
    grew = false;
    for (const kind of Object.keys(ctxBase.desired) as ResourceKind[]) {
      const d = descriptorOf(kind) as AnyDescriptor;
      for (const [id, w] of Object.entries(ctxBase.desired[kind] as Readonly<Record<string, Resource>>)) {
        const key = ref(kind, id);
        if (w.state === 'absent' || removed.has(key) || handled.has(key)) continue;
        const h = resourceOf(ctxBase.live, kind, id);
        if (h === undefined) continue;
        const parent = (d.parents as (r: Resource, s: LiveIndex) => readonly string[])(h, ctxBase.index).find((p) => replaced.has(p));
        if (parent === undefined) continue;
        handled.add(key);
        const ctx: PlanContext = { ...ctxBase, removed };
        const steps = d.reattach ? (d.reattach as (a: Resource, b: Resource, p: string, c: PlanContext) => readonly StepDraft[] | undefined)(w, h, parent, ctx) : undefined;
        if (steps !== undefined) {
          for (const s of steps) reattached.push({ ...s, kind, resourceId: id, action: 'update' });
          continue;
        }
        if (d.lifecycle(h as never) !== 'managed') continue;
        const prior = changed.get(key);
        const replacement: Change = {
          kind,
          id,
          action: 'replace',
          desired: w,
          live: h,
          fields: prior?.fields ?? [],
          reason: `${parent} it depends on is replaced`,
        };
        if (prior) changes.splice(changes.indexOf(prior), 1, replacement);
        else changes.push(replacement);
        changed.set(key, replacement);
        removed.add(key);
        replaced.add(key);
        grew = true;
      }
    }
  }
  // Undeclared objects living on something that goes (a route a user added on our bridge)
  // go with it; deleting them explicitly keeps their inverse in the plan. In kind order, so
  // a link taken along takes its own addresses and routes along too.
  for (const { kind, id } of removed.size === 0 ? [] : undeclared) {
    const d = descriptorOf(kind) as AnyDescriptor;
    const h = resourceOf(ctxBase.live, kind, id)!;
    const key = ref(kind, id);
    if (removed.has(key) || d.lifecycle(h as never) !== 'managed') continue;
    const carriers = (d.deletedWith ?? d.parents) as (r: Resource, s: LiveIndex) => readonly string[];
    const parent = carriers(h, ctxBase.index).find((p) => removed.has(p));
    if (parent === undefined) continue;
    changes.push({ kind, id, action: 'delete', live: h, fields: [], reason: `${parent} it depends on is deleted` });
    removed.add(key);
  }
  return { removed, reattached };
}

function draftsOf(c: Change, ctx: PlanContext): Draft[] {
  const d = descriptorOf(c.kind) as AnyDescriptor;
  const tag = (steps: readonly StepDraft[], extra: Partial<StepDraft> = {}): Draft[] =>
    steps.map((s) => ({ ...s, ...extra, kind: c.kind, resourceId: c.id, action: c.action }));
  const call = <T,>(f: unknown, ...args: unknown[]): T => (f as (...a: unknown[]) => T)(...args);
  switch (c.action) {
    case 'create':
      return tag(call(d.create, c.desired, ctx));
    case 'delete':
      return tag(call(d.delete, c.live, ctx));
    case 'replace': {
      const reason = `replace: ${c.reason}`;
      return [...tag(call(d.delete, c.live, ctx), { reason, disruptive: true }), ...tag(call(d.create, c.desired, ctx), { reason, disruptive: true })];
    }
    case 'update': {
      const adopting = c.fields.some((f) => f.field === 'owned');
      const fields = c.fields.filter((f) => f.field !== 'owned');
      const adopt = adopting && d.adopt ? tag(call(d.adopt, c.desired, c.live)) : [];
      return [...adopt, ...tag(call(d.update, c.desired, c.live, fields, ctx))];
    }
  }
}

function stepId(dr: Draft): string {
  const attrs = dr.op.type === 'link.set' ? `:${Object.keys(dr.op.attrs).sort().join(',')}` : '';
  return `${dr.kind}/${dr.resourceId}/${dr.op.type}${attrs}`;
}

/** A binary min-heap of draft indices ordered by (phase, id). */
class Queue {
  private readonly heap: number[] = [];
  constructor(private readonly less: (a: number, b: number) => boolean) {}
  get size(): number {
    return this.heap.length;
  }
  push(x: number): void {
    const h = this.heap;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  pop(): number {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

/** Orders drafts topologically by their tokens; throws a `bug` error on a cycle. */
function order(drafts: readonly Draft[], ids: readonly string[]): [number[], number[][]] {
  const providers = new Map<string, number[]>();
  drafts.forEach((dr, i) => {
    for (const t of dr.provides ?? []) {
      const list = providers.get(t);
      if (list) list.push(i);
      else providers.set(t, [i]);
    }
  });
  const preds: Set<number>[] = drafts.map(() => new Set());
  drafts.forEach((dr, i) => {
    for (const t of dr.requires ?? []) for (const p of providers.get(t) ?? []) if (p !== i) preds[i]!.add(p);
  });
  // Steps of one resource keep the order its descriptor gave them.
  for (let i = 1; i < drafts.length; i++) {
    const a = drafts[i - 1]!;
    const b = drafts[i]!;
    if (a.kind === b.kind && a.resourceId === b.resourceId) preds[i]!.add(i - 1);
  }
  const succs: number[][] = drafts.map(() => []);
  const indegree = preds.map((p) => p.size);
  preds.forEach((p, i) => p.forEach((q) => succs[q]!.push(i)));
  const rank = (i: number): number => PHASE[drafts[i]!.action];
  const queue = new Queue((a, b) => rank(a) - rank(b) < 0 || (rank(a) === rank(b) && ids[a]! < ids[b]!));
  indegree.forEach((n, i) => n === 0 && queue.push(i));
  const out: number[] = [];
  while (queue.size > 0) {
    const i = queue.pop();
    out.push(i);
    for (const s of succs[i]!) if (--indegree[s]! === 0) queue.push(s);
  }
  if (out.length !== drafts.length) {
    const stuck = drafts.map((_, i) => i).filter((i) => indegree[i]! > 0).map((i) => ids[i]);
    throw new WirestateError('bug', `planning: dependency cycle among steps ${stuck.join(', ')}`);
  }
  return [out, preds.map((p) => [...p])];
}

/** Computes the plan that turns `live` into `desired`. */
export function plan(desired: State, live: State, options: PlanOptions = {}): Plan {
  const index = new LiveIndex(live);
  const { changes: diffChanges, conflicts, undeclared } = diff(desired, live, options.kinds, index);
  const changes = [...diffChanges];
  const { removed, reattached } = cascade(changes, undeclared, { desired, live, index });
  const ctx: PlanContext = { desired, live, removed, index };
  const drafts: Draft[] = [...changes.flatMap((c) => draftsOf(c, ctx)), ...reattached];
  const rawIds = drafts.map(stepId);
  const seen = new Map<string, number>();
  const ids = rawIds.map((id) => {
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    return n === 0 ? id : `${id}#${n}`;
  });
  const [sorted, preds] = order(drafts, ids);
  const position = new Map(sorted.map((draftIndex, pos) => [draftIndex, pos]));
  const steps: Step[] = sorted.map((i, index) => {
    const dr = drafts[i]!;
    const scope = options.scopes?.[scopeOfDraft(dr)];
    return {
      id: ids[i]!,
      index,
      kind: dr.kind,
      resourceId: dr.resourceId,
      action: dr.action,
      op: dr.op,
      inverse: dr.inverse,
      reason: dr.reason,
      command: commandOf(dr.op, scope),
      inverseCommand: commandOf(dr.inverse, scope),
      disruptive: dr.disruptive === true,
      after: preds[i]!.map((p) => position.get(p)!).sort((a, b) => a - b),
    };
  });
  const sortedChanges = [...changes].sort((a, b) => (a.kind === b.kind ? (a.id < b.id ? -1 : 1) : a.kind < b.kind ? -1 : 1));
  return withLazyBasis({ version: PLAN_SCHEMA_VERSION, steps, changes: sortedChanges, conflicts }, live);
}

/** The plan with `basis` as an enumerable property computed once, on first read (JSON included). */
function withLazyBasis(p: Omit<Plan, 'basis'>, live: State): Plan {
  let basis: string | undefined;
  return Object.defineProperty(p, 'basis', { enumerable: true, get: () => (basis ??= fingerprint(live)) }) as Plan;
}

function scopeOfDraft(dr: Draft): string {
  return dr.resourceId.slice(0, dr.resourceId.indexOf('/') < 0 ? undefined : dr.resourceId.indexOf('/'));
}
