/**
 * fast-check arbitraries of consistent states: links (devices, owned and unowned bridges,
 * enslaved ports), addresses, routes through reachable gateways, libvirt networks with
 * their bridges, DHCP hosts, domains and VM interfaces. Desired states are drawn from the
 * same world and stripped of live-only fields.
 */
import fc from 'fast-check';
import {
  addressId,
  completeState,
  dhcpHostId,
  linkId,
  networkId,
  routeId,
  vmInterfaceId,
  type Address,
  type DhcpHost,
  type Domain,
  type Link,
  type Network,
  type Route,
  type State,
  type VmInterface,
} from '@wirestate/core';

const S = 'p';
const MACS = ['02:00:00:00:00:01', '02:00:00:00:00:02', '02:00:00:00:00:03', '02:00:00:00:00:04'];
const DEVICES = ['eth0', 'eth1', 'eth2'];
const BRIDGES = ['br0', 'br1', 'br2'];
const NETWORKS = ['net0', 'net1'];
const DOMAINS = ['vm0', 'vm1'];

interface World {
  devices: { mac: string; mtu: number; up: boolean; master: number }[];
  bridges: ({ owned: boolean; mtu: number; up: boolean } | null)[];
  addr: { on: number; host: number }[];
  route: { on: number; metric: number; owned: boolean }[];
  networks: ({ active: boolean; autostart: boolean; mtu: number; hosts: number[] } | null)[];
  domains: boolean[];
  ifaces: { dom: number; mac: number; net: number; model: string }[];
}

const world: fc.Arbitrary<World> = fc.record({
  devices: fc.tuple(
    ...DEVICES.map(() =>
      fc.record({ mac: fc.constantFrom(...MACS), mtu: fc.constantFrom(1400, 1500), up: fc.boolean(), master: fc.integer({ min: -1, max: 2 }) }),
    ),
  ),
  bridges: fc.tuple(...BRIDGES.map(() => fc.option(fc.record({ owned: fc.boolean(), mtu: fc.constantFrom(1400, 1500), up: fc.boolean() }), { nil: null }))),
  addr: fc.array(fc.record({ on: fc.integer({ min: 0, max: 5 }), host: fc.integer({ min: 1, max: 3 }) }), { maxLength: 4 }),
  route: fc.array(fc.record({ on: fc.integer({ min: 0, max: 5 }), metric: fc.constantFrom(0, 100), owned: fc.boolean() }), { maxLength: 3 }),
  networks: fc.tuple(
    ...NETWORKS.map(() =>
      fc.option(
        fc.record({
          active: fc.boolean(),
          autostart: fc.boolean(),
          mtu: fc.constantFrom(1400, 1500),
          hosts: fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }),
        }),
        { nil: null },
      ),
    ),
  ),
  domains: fc.tuple(fc.boolean(), fc.boolean()),
  ifaces: fc.array(fc.record({ dom: fc.integer({ min: 0, max: 1 }), mac: fc.integer({ min: 0, max: 3 }), net: fc.integer({ min: 0, max: 1 }), model: fc.constantFrom('virtio', 'e1000') }), { maxLength: 2 }),
});

/** Builds a consistent live state from a drawn world. */
function build(w: World): State {
  const links: Record<string, Link> = {};
  const addresses: Record<string, Address> = {};
  const routes: Record<string, Route> = {};
  const networks: Record<string, Network> = {};
  const dhcpHosts: Record<string, DhcpHost> = {};
  const domains: Record<string, Domain> = {};
  const vmInterfaces: Record<string, VmInterface> = {};
  const linkNames: string[] = [];
  w.bridges.forEach((b, i) => {
    if (b === null) return;
    const name = BRIDGES[i]!;
    links[linkId(S, name)] = { scope: S, name, kind: 'bridge', mac: `02:00:00:00:01:0${i}`, mtu: b.mtu, up: b.up, owned: b.owned };
  });
  w.devices.forEach((d, i) => {
    const name = DEVICES[i]!;
    const master = d.master >= 0 && w.bridges[d.master] ? BRIDGES[d.master] : undefined;
    links[linkId(S, name)] = { scope: S, name, kind: 'device', mac: d.mac, mtu: d.mtu, up: d.up, owned: false, ...(master ? { master } : {}) };
  });
  for (const l of Object.values(links)) linkNames.push(l.name);
  linkNames.sort();
  const addressed = new Map<string, number>();
  for (const a of w.addr) {
    const dev = linkNames[a.on % linkNames.length]!;
    const net = linkNames.indexOf(dev);
    const cidr = `10.0.${net}.${a.host}/24`;
    const addr: Address = { scope: S, dev, cidr, owned: links[linkId(S, dev)]!.owned === true };
    addresses[addressId(addr)] = addr;
    addressed.set(dev, net);
  }
  for (const r of w.route) {
    const dev = linkNames[r.on % linkNames.length]!;
    const net = addressed.get(dev);
    if (net === undefined || links[linkId(S, dev)]!.up !== true) continue;
    const route: Route = { scope: S, dst: `192.168.${net}.0/24`, dev, gateway: `10.0.${net}.254`, metric: r.metric, routeScope: 'universe', protocol: r.owned ? 87 : 4, owned: r.owned };
    routes[routeId(route)] = route;
  }
  w.networks.forEach((n, i) => {
    if (n === null) return;
    const name = NETWORKS[i]!;
    const bridge = `vbr${i}`;
    networks[networkId(S, name)] = {
      scope: S,
      name,
      bridge,
      mac: `02:00:00:00:02:0${i}`,
      mtu: n.mtu,
      ips: [{ cidr: `10.9.${i}.1/24`, dhcp: true }],
      dhcpOptions: { mtu: n.mtu, leaseTime: 'infinite' },
      active: n.active,
      autostart: n.autostart,
      owned: true,
    };
    if (n.active) {
      links[linkId(S, bridge)] = { scope: S, name: bridge, kind: 'bridge', mac: `02:00:00:00:02:0${i}`, mtu: n.mtu, up: true, owned: false };
      const a: Address = { scope: S, dev: bridge, cidr: `10.9.${i}.1/24`, owned: false };
      addresses[addressId(a)] = a;
    }
    for (const h of n.hosts) {
      const host: DhcpHost = { scope: S, network: name, mac: MACS[h]!, ip: `10.9.${i}.${10 + h}`, owned: true };
      dhcpHosts[dhcpHostId(host)] = host;
    }
  });
  w.domains.forEach((running, i) => {
    domains[`${S}/${DOMAINS[i]}`] = { scope: S, name: DOMAINS[i]!, running, owned: false };
  });
  for (const f of w.ifaces) {
    const net = w.networks[f.net];
    if (!net?.active) continue;
    const i: VmInterface = { scope: S, domain: DOMAINS[f.dom]!, mac: `52:54:00:00:00:0${f.mac}`, type: 'network', source: NETWORKS[f.net]!, model: f.model, owned: false };
    vmInterfaces[vmInterfaceId(i)] = i;
  }
  return completeState({ links, addresses, routes, networks, dhcpHosts, domains, vmInterfaces });
}

/** A consistent live state. */
export const liveState: fc.Arbitrary<State> = world.map(build);

/**
 * A desired state: another consistent world, with live-only fields dropped, the bridges
 * libvirt makes left to their networks, and `adopt` on everything wirestate may manage.
 */
export const desiredState: fc.Arbitrary<State> = world.map((w) => {
  const s = build(w);
  const strip = <T extends { owned?: boolean }>(r: T) => {
    const { owned: _o, ...rest } = r;
    return rest;
  };
  const netBridges = new Set(Object.values(s.networks).map((n) => n.bridge));
  const links = Object.fromEntries(
    Object.entries(s.links)
      .filter(([, l]) => !netBridges.has(l.name))
      .map(([k, l]) => [k, l.kind === 'device' ? strip(l) : { ...strip(l), adopt: true }]),
  );
  const addresses = Object.fromEntries(Object.entries(s.addresses).filter(([, a]) => !netBridges.has(a.dev)).map(([k, a]) => [k, { ...strip(a), adopt: true }]));
  const routes = Object.fromEntries(Object.entries(s.routes).map(([k, r]) => [k, { ...strip(r), adopt: true }]));
  const networks = Object.fromEntries(Object.entries(s.networks).map(([k, n]) => [k, strip(n)]));
  const dhcpHosts = Object.fromEntries(Object.entries(s.dhcpHosts).map(([k, h]) => [k, strip(h)]));
  const domains = Object.fromEntries(Object.entries(s.domains).map(([k, d]) => [k, { scope: d.scope, name: d.name }]));
  const vmInterfaces = Object.fromEntries(Object.entries(s.vmInterfaces).map(([k, i]) => [k, { ...strip(i), adopt: true }]));
  return completeState({ links, addresses, routes, networks, dhcpHosts, domains, vmInterfaces } as Partial<State>);
});
