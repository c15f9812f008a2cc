/** The planner benchmarks' synthetic input: N resources, 1% of them changed in the live state. */
import { completeState, type State } from '@wirestate/core';

/** A topology as data and the live state it is planned against. */
export interface Built {
  readonly topology: unknown;
  readonly live: State;
}

/**
 * N resources as links + addresses + routes on owned bridges. Every 100th group differs
 * live, in turn: a changed MTU (an update), a group missing live (three creates), a group
 * live but no longer declared (three deletes, the bridge's included).
 */
export function build(n: number): Built {
  const perGroup = 3;
  const groups = Math.floor(n / perGroup);
  const links: unknown[] = [];
  const addresses: unknown[] = [];
  const routes: unknown[] = [];
  const live: Record<string, Record<string, unknown>> = { links: {}, addresses: {}, routes: {} };
  for (let i = 0; i < groups; i++) {
    const name = `br${i}`;
    const a = `10.${(i >> 8) & 255}.${i & 255}.1/24`;
    const gw = `10.${(i >> 8) & 255}.${i & 255}.254`;
    const dst = `172.${16 + ((i >> 16) & 15)}.${(i >> 8) & 255}.${i & 255}/32`;
    const change = i % 100 === 0 ? (['mtu', 'create', 'delete'] as const)[(i / 100) % 3] : undefined;
    if (change !== 'delete') {
      links.push({ name, kind: 'bridge', mtu: 1500, up: true });
      addresses.push({ dev: name, cidr: a });
      routes.push({ dst, dev: name, gateway: gw });
    }
    if (change === 'create') continue;
    live.links![`s/${name}`] = { scope: 's', name, kind: 'bridge', mac: '02:00:00:00:00:01', mtu: change === 'mtu' ? 1400 : 1500, up: true, owned: true };
    live.addresses![`s/${name}/${a}`] = { scope: 's', dev: name, cidr: a, owned: true };
    live.routes![`s/${dst}/${name}/0`] = { scope: 's', dst, dev: name, gateway: gw, metric: 0, routeScope: 'universe', protocol: 87, owned: true };
  }
  return { topology: { apiVersion: 'wirestate/v1', scopes: { s: {} }, links, addresses, routes }, live: completeState(live as Partial<State>) };
}

