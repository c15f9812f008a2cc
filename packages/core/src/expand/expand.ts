/**
 * expand(topology, facts): the desired `State`. Pure. Low-level resources are keyed as
 * written; each binding becomes resources through its mode, read from recorded facts.
 * Facts whose binding is gone or absent expand into the restoration of the pod NIC.
 */
import { ValidationError, type Issue } from '../errors.ts';
import { descriptorOf } from '../kinds/registry.ts';
import { linkId } from '../kinds/link.ts';
import { emptyState, type Link, type Resource, type ResourceKind, type State } from '../model/state.ts';
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

/** Where each resource came from, kept per kind beside the records (only read on a duplicate). */
type Origins = { [K in ResourceKind]?: Map<string, readonly (string | number)[]> };

function put(state: Mutable, kind: ResourceKind, r: Resource, path: readonly (string | number)[], issues: Issue[], origin: Origins): void {
  const id = (descriptorOf(kind).key as (x: Resource) => string)(r);
  const records = state[kind];
  const origins = (origin[kind] ??= new Map());
  if (records[id] !== undefined) {
    issues.push({ code: 'duplicate_resource', path: [...path], message: `${descriptorOf(kind).noun} ${id} is also declared by ${pathText(origins.get(id) ?? [])}` });
    return;
  }
  origins.set(id, path);
  records[id] = r;
}

function pathText(path: readonly (string | number)[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
}

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

function addExpansion(state: Mutable, e: Expansion, path: readonly (string | number)[], issues: Issue[], origin: Origins): void {
  for (const kind of Object.keys(e) as (keyof Expansion)[]) {
    for (const r of e[kind]) put(state, kind, r, path, issues, origin);
  }
}

/** Expands a validated topology with its facts into the desired state; throws `ValidationError` on issues. */
export function expand(topology: Topology, facts: Facts = emptyFacts()): Expanded {
  const state = emptyState() as unknown as Mutable;
  const issues: Issue[] = [];
  const origin: Origins = {};
  const scopes: Record<string, Scope> = {};
  for (const [name, s] of Object.entries(topology.scopes)) scopes[name] = { name, ...s };
  for (const [field, kind] of LOW_LEVEL) {
    const list = (topology[field] ?? []) as readonly Resource[];
    list.forEach((r, i) => put(state, kind, r, [field, i], issues, origin));
  }
  (topology.vms ?? []).forEach((vm, i) => put(state, 'domains', { scope: vm.scope ?? '', name: vm.name }, ['vms', i], issues, origin));
  // A veth is declared once, by one end: the other end is desired too (it exists with it).
  for (const l of Object.values(state.links) as Link[]) {
    if (l.kind !== 'veth' || l.peer === undefined || l.state === 'absent') continue;
    const scope = l.peerScope ?? l.scope;
    const id = linkId(scope, l.peer);
    if (state.links[id] === undefined) {
      state.links[id] = { scope, name: l.peer, kind: 'veth', peer: l.name, ...(l.peerScope !== undefined ? { peerScope: l.scope } : {}) } satisfies Link;
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
    addExpansion(state, out, path, issues, origin);
  });
  // Facts without a binding: the binding was removed from the file; undo it.
  for (const [key, f] of Object.entries(facts.podNics).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (bound.has(key)) continue;
    const out = emptyExpansion();
    MODES[f.binding.mode].unbound({ binding: f.binding, facts: f, path: ['facts', key] }, out);
    restorePodNic(f, out);
    addExpansion(state, out, ['facts', key], issues, origin);
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return { scopes, desired: state as unknown as State };
}
