/**
 * Facts: what the pod NIC looked like before wirestate touched it. Recorded from the
 * first snapshot (after apply the live NIC no longer carries them) and kept in a state
 * file by the caller; expansions read them from there.
 */
import type { Issue } from '../errors.ts';
import { linkId } from '../kinds/link.ts';
import type { Route, State } from '../model/state.ts';
import type { Binding, Topology } from '../topology/types.ts';

/** Version of the facts file format. */
export const FACTS_VERSION = 1;

/** The original configuration of one bound pod NIC. */
export interface PodNicFacts {
  /** Scope of the pod. */
  readonly scope: string;
  /** Pod NIC name. */
  readonly podNic: string;
  /** Original MAC: the VM NIC takes it. */
  readonly mac: string;
  /** Original MTU in bytes, if known. */
  readonly mtu?: number;
  /** Original addresses with prefix; the first IPv4 one is leased to the VM. */
  readonly addresses: readonly string[];
  /** Original routes through the pod NIC (restored when the binding goes). */
  readonly routes: readonly Route[];
  /** Gateway handed to the VM as router, if any. */
  readonly gateway?: string;
  /** DNS handed to the VM. */
  readonly dns: { readonly servers: readonly string[]; readonly search: readonly string[] };
  /** The binding as it was applied: expansion of its removal needs its names. */
  readonly binding: Binding;
}

/** The facts file. */
export interface Facts {
  readonly version: number;
  /** Facts by `scope/podNic`. */
  readonly podNics: Readonly<Record<string, PodNicFacts>>;
}

/** Facts with nothing recorded. */
export function emptyFacts(): Facts {
  return { version: FACTS_VERSION, podNics: {} };
}

/** Key of a binding's facts. */
export const factsKey = (scope: string, podNic: string): string => `${scope}/${podNic}`;

function scopeOfBinding(b: Binding): string {
  return b.scope ?? '';
}

/** The gateway to hand out: a route through the NIC with a gateway, the default first. */
function gatewayOf(routes: readonly Route[]): string | undefined {
  const withGw = routes.filter((r) => r.gateway !== undefined && !r.gateway.includes(':'));
  const def = withGw.find((r) => r.dst === 'default');
  return (def ?? [...withGw].sort((a, b) => (a.dst < b.dst ? -1 : 1))[0])?.gateway;
}

/**
 * Records facts for every present binding that has none yet, from the live state. Facts
 * already recorded are kept as they are: the live NIC may already be changed.
 */
export function gatherFacts(topology: Topology, live: State, previous: Facts = emptyFacts()): { facts: Facts; issues: Issue[] } {
  const podNics: Record<string, PodNicFacts> = { ...previous.podNics };
  const issues: Issue[] = [];
  (topology.bindings ?? []).forEach((b, i) => {
    const scope = scopeOfBinding(b);
    const key = factsKey(scope, b.podNic);
    if (b.state === 'absent') return;
    const prior = podNics[key];
    if (prior !== undefined) {
      podNics[key] = { ...prior, binding: b };
      return;
    }
    const link = live.links[linkId(scope, b.podNic)];
    if (link === undefined || link.mac === undefined) {
      issues.push({ code: 'pod_nic_missing', path: ['bindings', i, 'podNic'], message: `pod NIC ${b.podNic} does not exist in scope ${scope}; nothing to record` });
      return;
    }
    const addresses = Object.values(live.addresses)
      .filter((a) => a.scope === scope && a.dev === b.podNic)
      .map((a) => a.cidr)
      .sort();
    if (link.master !== undefined) {
      issues.push({
        code: 'facts_missing',
        path: ['bindings', i, 'podNic'],
        message: `pod NIC ${b.podNic} looks already bound but no facts were recorded for it; restore it by hand or give the facts file`,
      });
      return;
    }
    const routes = Object.values(live.routes)
      .filter((r) => r.scope === scope && r.dev === b.podNic)
      .map(({ owned: _o, ...r }) => r);
    const cni = live.cniAttachments[`${scope}/${b.podNic}`]?.result;
    const resolver = live.resolvers[scope];
    const gateway = b.gateway ?? gatewayOf(routes) ?? cni?.gateway;
    podNics[key] = {
      scope,
      podNic: b.podNic,
      mac: link.mac,
      ...(link.mtu !== undefined ? { mtu: link.mtu } : {}),
      addresses,
      routes,
      ...(gateway !== undefined ? { gateway } : {}),
      dns: {
        servers: [...(b.dns?.servers ?? resolver?.servers ?? cni?.dns?.nameservers ?? [])],
        search: [...(b.dns?.search ?? resolver?.search ?? cni?.dns?.search ?? [])],
      },
      binding: b,
    };
  });
  return { facts: { version: FACTS_VERSION, podNics }, issues };
}

/** Drops facts of bindings that are gone or absent: call once their removal converged. */
export function pruneFacts(topology: Topology, facts: Facts): Facts {
  const present = new Set((topology.bindings ?? []).filter((b) => b.state !== 'absent').map((b) => factsKey(scopeOfBinding(b), b.podNic)));
  const podNics: Record<string, PodNicFacts> = {};
  for (const [k, f] of Object.entries(facts.podNics)) if (present.has(k)) podNics[k] = f;
  return { version: facts.version, podNics };
}
