/**
 * expand(topology, facts): the desired `State`. Pure. Low-level resources are keyed as
 * written; each binding becomes resources through its mode, read from recorded facts.
 * Facts whose binding is gone or absent expand into the restoration of the pod NIC.
 */
import { ValidationError, type Issue } from '../errors.ts';
import { descriptorOf } from '../kinds/registry.ts';
import { linkId } from '../kinds/link.ts';
import { describeRecords } from '../model/record-order.ts';
import { emptyState, RESOURCE_KINDS, type Link, type Resource, type ResourceKind, type State } from '../model/state.ts';
import type { Scope, Scopes } from '../model/scope.ts';
import type { Topology } from '../topology/types.ts';
import { emptyFacts, factsKey, type Facts } from './facts.ts';
import { emptyExpansion, MODES, restorePodNic, type Expansion } from './modes.ts';

/** The desired state and the scopes it lives in. */
export interface Expanded {
  /** Scopes by name, from the topology. */
  readonly scopes: Scopes;
  /** The desired state. */
  readonly desired: State;
}

type Mutable = { -readonly [K in ResourceKind]: Record<string, Resource> };

const LOW_LEVEL: readonly (readonly [keyof Topology & string, ResourceKind])[] = [
  ['links', 'links'],
  ['addresses', 'addresses'],
  ['routes', 'routes'],
  ['networks', 'networks'],
  ['dhcpServers', 'dhcpServers'],
  ['dhcpHosts', 'dhcpHosts'],
  ['vmInterfaces', 'vmInterfaces'],
  ['podNics', 'cniAttachments'],
];

/** Where a resource was declared: a list element, or a binding's (or leftover fact's) path. */
type Origin = readonly [field: string, index: number] | readonly (string | number)[];

/**
 * Collects the desired records. Ids are only computed once per record and nothing is kept
 * per record besides it: where a duplicate's first declaration came from is looked up again
 * when one is found (rare), so a large topology expands without a second index.
 */
class Records {
  readonly state = emptyState() as unknown as Mutable;
  readonly issues: Issue[] = [];
  /** Declarations in order, for finding the first one of a duplicate. */
  private readonly declared: { readonly kind: ResourceKind; readonly r: Resource; readonly origin: Origin }[] = [];
  private readonly lists: ReadonlyMap<ResourceKind, readonly Resource[]>;
  /** The ids of each kind in insertion order, handed to diff with the state. */
  private readonly ids = {} as Record<ResourceKind, string[]>;

  constructor(private readonly topology: Topology) {
    this.lists = new Map(LOW_LEVEL.map(([field, kind]) => [kind, (topology[field] ?? []) as readonly Resource[]]));
    for (const kind of RESOURCE_KINDS) this.ids[kind] = [];
  }

  /** Adds a record under an id known to be free. */
  insert(kind: ResourceKind, id: string, r: Resource): void {
    this.state[kind][id] = r;
    this.ids[kind].push(id);
  }

  /** The desired state, each kind frozen and described for diff. */
  done(): State {
    for (const kind of RESOURCE_KINDS) describeRecords(this.state[kind], this.ids[kind]);
    return this.state as unknown as State;
  }

  /** Adds a record declared at `at`: a path, or its index in the kind's list (`vms` for domains). */
  put(kind: ResourceKind, r: Resource, at: number | Origin): void {
    const id = (descriptorOf(kind).key as (x: Resource) => string)(r);
    const records = this.state[kind];
    const first = records[id];
    if (first === undefined) {
      this.insert(kind, id, r);
      return;
    }
    this.issues.push({ code: 'duplicate_resource', path: [...this.pathOf(kind, at)], message: `${descriptorOf(kind).noun} ${id} is also declared by ${pathText(this.originOf(kind, first))}` });
  }

  /** Remembers where expanded (not listed) records came from. */
  expanded(kind: ResourceKind, r: Resource, origin: Origin): void {
    this.declared.push({ kind, r, origin });
    this.put(kind, r, origin);
  }

  private pathOf(kind: ResourceKind, at: number | Origin): Origin {
    if (typeof at !== 'number') return at;
    return [kind === 'domains' ? 'vms' : LOW_LEVEL.find(([, k]) => k === kind)![0], at];
  }

  private originOf(kind: ResourceKind, r: Resource): Origin {
    const index = this.lists.get(kind)?.indexOf(r) ?? -1;
    if (index >= 0) return this.pathOf(kind, index);
    const vmIndex = kind === 'domains' ? (this.topology.vms ?? []).findIndex((vm) => vm.name === (r as { name: string }).name && (vm.scope ?? '') === r.scope) : -1;
    if (vmIndex >= 0) return this.pathOf(kind, vmIndex);
    return this.declared.find((d) => d.kind === kind && d.r === r)?.origin ?? [];
  }
}

function pathText(path: readonly (string | number)[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
}

function addExpansion(records: Records, e: Expansion, path: readonly (string | number)[]): void {
  for (const kind of Object.keys(e) as (keyof Expansion)[]) {
    for (const r of e[kind]) records.expanded(kind, r, path);
  }
}

/** Expands a validated topology with its facts into the desired state; throws `ValidationError` on issues. */
export function expand(topology: Topology, facts: Facts = emptyFacts()): Expanded {
  const records = new Records(topology);
  const { state, issues } = records;
  const scopes: Record<string, Scope> = {};
  for (const [name, s] of Object.entries(topology.scopes)) scopes[name] = { name, ...s };
  for (const [field, kind] of LOW_LEVEL) {
    const list = (topology[field] ?? []) as readonly Resource[];
    for (let i = 0; i < list.length; i++) records.put(kind, list[i]!, i);
  }
  (topology.vms ?? []).forEach((vm, i) => records.put('domains', { scope: vm.scope ?? '', name: vm.name }, i));
  // A veth is declared once, by one end: the other end is desired too (it exists with it).
  // Only listed links are records yet; the list is cheaper to walk than the records.
  for (const l of (topology.links ?? []) as readonly Link[]) {
    if (l.kind !== 'veth' || l.peer === undefined || l.state === 'absent') continue;
    const scope = l.peerScope ?? l.scope;
    const id = linkId(scope, l.peer);
    if (state.links[id] === undefined) {
      records.insert('links', id, { scope, name: l.peer, kind: 'veth', peer: l.name, ...(l.peerScope !== undefined ? { peerScope: l.scope } : {}) } satisfies Link);
    }
  }
  const bound = new Set<string>();
  (topology.bindings ?? []).forEach((b, i) => {
    const scope = b.scope ?? '';
    const key = factsKey(scope, b.podNic);
    bound.add(key);
    const f = facts.podNics[key];
    const path = ['bindings', i];
    if (f === undefined) {
      if (b.state !== 'absent') issues.push({ code: 'facts_missing', path: [...path, 'podNic'], message: `no facts recorded for pod NIC ${b.podNic} in scope ${scope}` });
      return;
    }
    const out = emptyExpansion();
    const input = { binding: b, facts: f, path };
    if (b.state === 'absent') {
      MODES[b.mode].unbound(input, out);
      restorePodNic(f, out);
    } else {
      MODES[b.mode].bound(input, out, issues);
    }
    addExpansion(records, out, path);
  });
  // Facts without a binding: the binding was removed from the file; undo it.
  for (const [key, f] of Object.entries(facts.podNics).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (bound.has(key)) continue;
    const out = emptyExpansion();
    MODES[f.binding.mode].unbound({ binding: f.binding, facts: f, path: ['facts', key] }, out);
    restorePodNic(f, out);
    addExpansion(records, out, ['facts', key]);
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return { scopes, desired: records.done() };
}
