/**
 * reconcile(topology): the whole level-based loop over injected ports — snapshot, make
 * pod NICs (CNI) first, record facts before anything touches them, expand, plan, apply,
 * verify, and drop facts of bindings whose removal converged. No I/O of its own.
 */
import { ValidationError, WirestateError } from '../errors.ts';
import type { DriverSet } from '../driver.ts';
import { emptyFacts, gatherFacts, pruneFacts, type Facts } from '../expand/facts.ts';
import { expand } from '../expand/expand.ts';
import type { Scope } from '../model/scope.ts';
import type { State } from '../model/state.ts';
import type { Topology } from '../topology/types.ts';
import { apply, type ApplyResult } from './apply.ts';
import { canonicalJson } from './fingerprint.ts';
import type { Journal, Lock } from './hooks.ts';
import { plan, type Plan } from './plan.ts';
import { snapshotAll } from './snapshot.ts';

/** Where recorded facts live between runs. */
export interface FactsStore {
  /** The recorded facts; none recorded yet gives `emptyFacts()`. */
  load(): Promise<Facts>;
  /** Replaces the recorded facts (atomically, durably). */
  save(facts: Facts): Promise<void>;
}

/** A facts store in memory, for tests and dry runs. */
export function memoryFactsStore(initial: Facts = emptyFacts()): FactsStore & { readonly current: Facts } {
  let current = initial;
  return {
    get current() {
      return current;
    },
    load: async () => current,
    save: async (f) => {
      current = f;
    },
  };
}

/** Ports and options of a reconcile. */
export interface ReconcileOptions {
  /** The drivers that read and change the system. */
  readonly drivers: DriverSet;
  /** Recorded facts. */
  readonly facts: FactsStore;
  /** Durable progress record for every apply. */
  readonly journal?: Journal;
  /** Exclusion per scope. */
  readonly lock?: Lock;
  /** Waits between verification attempts. */
  readonly sleep?: (attempt: number) => Promise<void>;
  /** Called with each plan before it is applied; returning false stops (e.g. a confirmation prompt). */
  readonly onPlan?: (plan: Plan, phase: 'pod-nics' | 'topology') => boolean | Promise<boolean>;
}

/** What a reconcile did. */
export interface ReconcileResult {
  /** Plans applied, in order (the pod NIC phase only when it had steps). */
  readonly plans: readonly Plan[];
  /** Result of the last apply. */
  readonly result: ApplyResult;
  /** The desired state of the topology phase. */
  readonly desired: State;
  /** Facts after the run. */
  readonly facts: Facts;
}

/** Brings the live system to the topology; throws the original error after a rollback. */
export async function reconcile(topology: Topology, options: ReconcileOptions): Promise<ReconcileResult> {
  const scopes: Scope[] = Object.entries(topology.scopes).map(([name, s]) => ({ name, ...s }));
  const byName = Object.fromEntries(scopes.map((s) => [s.name, s]));
  const snapshot = () => snapshotAll(options.drivers, scopes);
  const verify = (desired: State) => ({ desired, snapshot, ...(options.sleep ? { sleep: options.sleep } : {}) });
  const hooks = { ...(options.journal ? { journal: options.journal } : {}), ...(options.lock ? { lock: options.lock } : {}) };
  const plans: Plan[] = [];
  let live = await snapshot();

  // Phase 1: pod NICs from CNI, alone, so that their facts exist before bindings expand.
  const pods = expand({ ...topology, bindings: [] }).desired;
  const podPlan = plan(pods, live, { scopes: byName, kinds: ['cniAttachments'] });
  if (podPlan.steps.length > 0) {
    if ((await options.onPlan?.(podPlan, 'pod-nics')) === false) throw new WirestateError('conflict', 'stopped before the pod NIC phase');
    await apply(podPlan, options.drivers, { ...hooks, verify: verify(pods) });
    plans.push(podPlan);
    live = await snapshot();
  }

  // Facts are recorded before anything touches the pod NICs.
  const before = await options.facts.load();
  const { facts, issues } = gatherFacts(topology, live, before);
  if (issues.length > 0) throw new ValidationError(issues);
  if (canonicalJson(facts) !== canonicalJson(before)) await options.facts.save(facts);

  const { desired } = expand(topology, facts);
  const p = plan(desired, live, { scopes: byName });
  if ((await options.onPlan?.(p, 'topology')) === false) throw new WirestateError('conflict', 'stopped before applying the plan');
  const result = await apply(p, options.drivers, { ...hooks, verify: verify(desired) });
  plans.push(p);
  let after = facts;
  if (result.verification?.converged === true) {
    after = pruneFacts(topology, facts);
    if (canonicalJson(after) !== canonicalJson(facts)) await options.facts.save(after);
  }
  return { plans, result, desired, facts: after };
}
