/**
 * The namespace every round-trip test builds with `ip` (bridge, veth, tap, macvtap, macvlan,
 * IPv4/IPv6 addresses, routes with gateway and metric, owned and unowned objects) and the
 * exact state a snapshot of it must give. The recorded fixture was taken from it.
 */
import type { State } from '@wirestate/core';
import { ipIn } from '../helpers/netns.ts';

/** Scope name used for the namespace in ids. */
export const SCOPE = 'pod';

/**
 * Builds the topology in `ns`; `other` receives the far end of eth0 (a peer in another
 * namespace, which a snapshot must not name).
 */
export function buildTopology(ns: string, other: string): void {
  const ip = (...args: string[]): string => ipIn(ns, ...args);
  ip('link', 'add', 'name', 'eth0', 'address', '02:00:00:00:00:04', 'type', 'veth', 'peer', 'name', 'host0', 'netns', other);
  ipIn(other, 'link', 'set', 'host0', 'up');
  ip('link', 'set', 'eth0', 'up');
  ip('link', 'add', 'name', 'br0', 'address', '02:00:00:00:00:b0', 'type', 'bridge');
  ip('link', 'set', 'br0', 'alias', 'wirestate');
  ip('link', 'add', 'name', 'v0', 'address', '02:00:00:00:00:10', 'type', 'veth', 'peer', 'name', 'v1', 'address', '02:00:00:00:00:11');
  ip('link', 'set', 'v0', 'master', 'br0', 'mtu', '1400');
  ip('link', 'set', 'v0', 'up');
  ip('tuntap', 'add', 'dev', 'tap0', 'mode', 'tap');
  ip('link', 'set', 'tap0', 'address', '02:00:00:00:00:a0', 'master', 'br0');
  ip('link', 'add', 'name', 'mvt0', 'link', 'v1', 'address', '02:00:00:00:00:c0', 'type', 'macvtap', 'mode', 'bridge');
  ip('link', 'add', 'name', 'mvl0', 'link', 'v1', 'address', '02:00:00:00:00:c1', 'type', 'macvlan', 'mode', 'private');
  ip('link', 'set', 'br0', 'up');
  ip('addr', 'add', '10.244.0.4/24', 'dev', 'eth0');
  ip('addr', 'add', 'fd00:0:0:0::4/64', 'dev', 'eth0', 'nodad');
  ip('addr', 'add', '192.168.100.1/24', 'dev', 'br0');
  ip('route', 'add', 'default', 'via', '10.244.0.1', 'dev', 'eth0');
  ip('route', 'add', '10.96.0.0/12', 'via', '10.244.0.1', 'dev', 'eth0', 'metric', '100');
  ip('route', 'add', '10.50.0.0/16', 'dev', 'br0', 'scope', 'link');
  ip('route', 'add', '10.60.0.0/16', 'dev', 'br0', 'proto', '87', 'src', '192.168.100.1');
  ip('-6', 'route', 'add', 'fd01::/64', 'via', 'fd00::1', 'dev', 'eth0', 'metric', '50');
  ip('-6', 'route', 'add', 'default', 'via', 'fd00::1', 'dev', 'eth0');
}

/** What a snapshot of `buildTopology` must give, exactly. */
export const EXPECTED: Pick<State, 'links' | 'addresses' | 'routes'> = {
  links: {
    // A veth whose peer is in another namespace and that wirestate did not make: a CNI-style pod NIC.
    'pod/eth0': { scope: 'pod', name: 'eth0', kind: 'device', mac: '02:00:00:00:00:04', mtu: 1500, up: true, owned: false },
    'pod/br0': { scope: 'pod', name: 'br0', kind: 'bridge', mac: '02:00:00:00:00:b0', mtu: 1400, up: true, owned: true },
    'pod/v0': {
      scope: 'pod',
      name: 'v0',
      kind: 'veth',
      mac: '02:00:00:00:00:10',
      mtu: 1400,
      up: true,
      master: 'br0',
      peer: 'v1',
      owned: false,
    },
    'pod/v1': { scope: 'pod', name: 'v1', kind: 'veth', mac: '02:00:00:00:00:11', mtu: 1500, up: false, peer: 'v0', owned: false },
    'pod/tap0': { scope: 'pod', name: 'tap0', kind: 'tap', mac: '02:00:00:00:00:a0', mtu: 1500, up: false, master: 'br0', owned: false },
    'pod/mvt0': {
      scope: 'pod',
      name: 'mvt0',
      kind: 'macvtap',
      mac: '02:00:00:00:00:c0',
      mtu: 1500,
      up: false,
      parent: 'v1',
      mode: 'bridge',
      owned: false,
    },
    'pod/mvl0': {
      scope: 'pod',
      name: 'mvl0',
      kind: 'macvlan',
      mac: '02:00:00:00:00:c1',
      mtu: 1500,
      up: false,
      parent: 'v1',
      mode: 'private',
      owned: false,
    },
  },
  addresses: {
    'pod/eth0/10.244.0.4/24': { scope: 'pod', dev: 'eth0', cidr: '10.244.0.4/24', owned: false },
    'pod/eth0/fd00::4/64': { scope: 'pod', dev: 'eth0', cidr: 'fd00::4/64', owned: false },
    'pod/br0/192.168.100.1/24': { scope: 'pod', dev: 'br0', cidr: '192.168.100.1/24', owned: true },
  },
  routes: {
    'pod/default/eth0/0': {
      scope: 'pod',
      dst: 'default',
      dev: 'eth0',
      gateway: '10.244.0.1',
      metric: 0,
      routeScope: 'universe',
      protocol: 3,
      owned: false,
    },
    'pod/10.96.0.0/12/eth0/100': {
      scope: 'pod',
      dst: '10.96.0.0/12',
      dev: 'eth0',
      gateway: '10.244.0.1',
      metric: 100,
      routeScope: 'universe',
      protocol: 3,
      owned: false,
    },
    'pod/10.50.0.0/16/br0/0': { scope: 'pod', dst: '10.50.0.0/16', dev: 'br0', metric: 0, routeScope: 'link', protocol: 3, owned: false },
    'pod/10.60.0.0/16/br0/0': {
      scope: 'pod',
      dst: '10.60.0.0/16',
      dev: 'br0',
      metric: 0,
      routeScope: 'link',
      protocol: 87,
      prefsrc: '192.168.100.1',
      owned: true,
    },
    'pod/fd01::/64/eth0/50': {
      scope: 'pod',
      dst: 'fd01::/64',
      dev: 'eth0',
      gateway: 'fd00::1',
      metric: 50,
      routeScope: 'universe',
      protocol: 3,
      owned: false,
    },
    'pod/default6/eth0/1024': {
      scope: 'pod',
      dst: 'default6',
      dev: 'eth0',
      gateway: 'fd00::1',
      metric: 1024,
      routeScope: 'universe',
      protocol: 3,
      owned: false,
    },
  },
};
