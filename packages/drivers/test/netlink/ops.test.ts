/**
 * Every netlink op on the real kernel: its effect shows in the next snapshot, and the op
 * followed by its inverse gives back the original snapshot. Unowned objects survive.
 */
import test from 'ava';
import type { Link, Op } from '@wirestate/core';
import { ROOT_SKIP_REASON, isRoot } from '../helpers/netns.ts';
import { setUp } from './harness.ts';

// Root tests need network namespaces; without root they are skipped (ROOT_SKIP_REASON).
const rootTest = isRoot ? test : test.skip;
if (!isRoot) console.warn(`skipping netlink op tests on the real kernel: ${ROOT_SKIP_REASON}`);

interface Case {
  /** Behaviour sentence. */
  readonly title: string;
  readonly op: Op;
  readonly inverse: Op;
  /** Resource id → expected value (undefined: must be absent) after `op`. */
  readonly effect: Readonly<Record<string, unknown>>;
}

const pod = 'pod';
const bridge = (name: string, extra: Partial<Link> = {}): Link => ({ scope: pod, name, kind: 'bridge', ...extra });

const CASES: readonly Case[] = [
  {
    title: 'link.create makes an owned bridge with MAC, MTU and admin state in one go',
    op: { type: 'link.create', link: bridge('br9', { mac: '02:00:00:00:09:01', mtu: 1400, up: true }) },
    inverse: { type: 'link.delete', link: bridge('br9') },
    effect: {
      'links:pod/br9': { scope: pod, name: 'br9', kind: 'bridge', mac: '02:00:00:00:09:01', mtu: 1400, up: true, owned: true },
    },
  },
  {
    title: 'link.create makes a veth pair enslaved to a bridge and restores the peer attributes',
    op: {
      type: 'link.create',
      link: { scope: pod, name: 'va', kind: 'veth', peer: 'vb', master: 'br0', mac: '02:00:00:00:09:0a' },
      peerLink: { scope: pod, name: 'vb', kind: 'veth', mac: '02:00:00:00:09:0b', mtu: 1300, up: true },
    },
    inverse: { type: 'link.delete', link: { scope: pod, name: 'va', kind: 'veth', peer: 'vb' } },
    effect: {
      'links:pod/va': { scope: pod, name: 'va', kind: 'veth', mac: '02:00:00:00:09:0a', mtu: 1500, up: false, master: 'br0', peer: 'vb', owned: true },
      'links:pod/vb': { scope: pod, name: 'vb', kind: 'veth', mac: '02:00:00:00:09:0b', mtu: 1300, up: true, peer: 'va', owned: true },
    },
  },
  {
    title: 'link.create puts a veth peer into another scope through IFLA_NET_NS_FD',
    op: {
      type: 'link.create',
      link: { scope: pod, name: 'vx', kind: 'veth', peer: 'vy', peerScope: 'far', mac: '02:00:00:00:09:0c' },
      peerLink: { scope: 'far', name: 'vy', kind: 'veth', mac: '02:00:00:00:09:0d', up: true },
    },
    inverse: { type: 'link.delete', link: { scope: pod, name: 'vx', kind: 'veth', peer: 'vy', peerScope: 'far' } },
    effect: {
      'links:pod/vx': { scope: pod, name: 'vx', kind: 'veth', mac: '02:00:00:00:09:0c', mtu: 1500, up: false, peer: 'vy', peerScope: 'far', owned: true },
      'links:far/vy': { scope: 'far', name: 'vy', kind: 'veth', mac: '02:00:00:00:09:0d', mtu: 1500, up: true, peer: 'vx', peerScope: pod, owned: true },
    },
  },
  {
    title: 'link.create makes a tap with ip tuntap and sets the rest over netlink',
    op: { type: 'link.create', link: { scope: pod, name: 'tp9', kind: 'tap', mac: '02:00:00:00:09:0e', master: 'br0', mtu: 1400, up: true } },
    inverse: { type: 'link.delete', link: { scope: pod, name: 'tp9', kind: 'tap' } },
    effect: {
      'links:pod/tp9': { scope: pod, name: 'tp9', kind: 'tap', mac: '02:00:00:00:09:0e', mtu: 1400, up: true, master: 'br0', owned: true },
    },
  },
  {
    title: 'link.create makes a macvtap on a parent with its mode',
    op: { type: 'link.create', link: { scope: pod, name: 'mvt9', kind: 'macvtap', parent: 'v1', mode: 'vepa', mac: '02:00:00:00:09:0f' } },
    inverse: { type: 'link.delete', link: { scope: pod, name: 'mvt9', kind: 'macvtap' } },
    effect: {
      'links:pod/mvt9': { scope: pod, name: 'mvt9', kind: 'macvtap', mac: '02:00:00:00:09:0f', mtu: 1500, up: false, parent: 'v1', mode: 'vepa', owned: true },
    },
  },
  {
    title: 'link.create makes a macvlan in bridge mode',
    op: { type: 'link.create', link: { scope: pod, name: 'mvl9', kind: 'macvlan', parent: 'eth0', mode: 'bridge', mac: '02:00:00:00:09:10' } },
    inverse: { type: 'link.delete', link: { scope: pod, name: 'mvl9', kind: 'macvlan' } },
    effect: {
      'links:pod/mvl9': { scope: pod, name: 'mvl9', kind: 'macvlan', mac: '02:00:00:00:09:10', mtu: 1500, up: false, parent: 'eth0', mode: 'bridge', owned: true },
    },
  },
  {
    title: 'link.set changes MAC, MTU, admin state and alias of an up bridge port and back',
    op: { type: 'link.set', scope: pod, name: 'v0', attrs: { mac: '02:00:00:00:09:11', mtu: 1450, up: false, alias: 'wirestate' } },
    inverse: { type: 'link.set', scope: pod, name: 'v0', attrs: { mac: '02:00:00:00:00:10', mtu: 1400, up: true, alias: null } },
    effect: {
      'links:pod/v0': { scope: pod, name: 'v0', kind: 'veth', mac: '02:00:00:00:09:11', mtu: 1450, up: false, master: 'br0', peer: 'v1', owned: true },
    },
  },
  {
    title: 'link.set with master null releases a link from its bridge and master puts it back',
    op: { type: 'link.set', scope: pod, name: 'tap0', attrs: { master: null } },
    inverse: { type: 'link.set', scope: pod, name: 'tap0', attrs: { master: 'br0' } },
    effect: {
      'links:pod/tap0': { scope: pod, name: 'tap0', kind: 'tap', mac: '02:00:00:00:00:a0', mtu: 1500, up: false, owned: false },
    },
  },
  {
    title: 'address.add puts an IPv4 address on a link and address.delete removes it',
    op: { type: 'address.add', address: { scope: pod, dev: 'v1', cidr: '10.9.9.1/24' } },
    inverse: { type: 'address.delete', address: { scope: pod, dev: 'v1', cidr: '10.9.9.1/24' } },
    effect: { 'addresses:pod/v1/10.9.9.1/24': { scope: pod, dev: 'v1', cidr: '10.9.9.1/24', owned: false } },
  },
  {
    title: 'address.add puts an IPv6 address in canonical form and address.delete removes it',
    op: { type: 'address.add', address: { scope: pod, dev: 'br0', cidr: 'fd09:0::0:1/64' } },
    inverse: { type: 'address.delete', address: { scope: pod, dev: 'br0', cidr: 'fd09::1/64' } },
    effect: { 'addresses:pod/br0/fd09::1/64': { scope: pod, dev: 'br0', cidr: 'fd09::1/64', owned: true } },
  },
  {
    title: 'route.add adds an owned route with gateway, metric and source, route.delete removes it',
    op: { type: 'route.add', route: { scope: pod, dst: '10.70.0.0/16', dev: 'br0', gateway: '192.168.100.254', metric: 20, prefsrc: '192.168.100.1' } },
    inverse: { type: 'route.delete', route: { scope: pod, dst: '10.70.0.0/16', dev: 'br0', gateway: '192.168.100.254', metric: 20 } },
    effect: {
      'routes:pod/10.70.0.0/16/br0/20': {
        scope: pod,
        dst: '10.70.0.0/16',
        dev: 'br0',
        gateway: '192.168.100.254',
        metric: 20,
        routeScope: 'universe',
        protocol: 87,
        prefsrc: '192.168.100.1',
        owned: true,
      },
    },
  },
  {
    title: 'route.add of an on-link route gets scope link by default',
    op: { type: 'route.add', route: { scope: pod, dst: '10.71.0.0/16', dev: 'br0' } },
    inverse: { type: 'route.delete', route: { scope: pod, dst: '10.71.0.0/16', dev: 'br0' } },
    effect: {
      'routes:pod/10.71.0.0/16/br0/0': { scope: pod, dst: '10.71.0.0/16', dev: 'br0', metric: 0, routeScope: 'link', protocol: 87, owned: true },
    },
  },
  {
    title: 'route.add adds a second IPv4 default route with another metric and protocol',
    op: { type: 'route.add', route: { scope: pod, dst: 'default', dev: 'br0', gateway: '192.168.100.254', metric: 500, protocol: 4 } },
    inverse: { type: 'route.delete', route: { scope: pod, dst: 'default', dev: 'br0', gateway: '192.168.100.254', metric: 500, protocol: 4 } },
    effect: {
      'routes:pod/default/br0/500': { scope: pod, dst: 'default', dev: 'br0', gateway: '192.168.100.254', metric: 500, routeScope: 'universe', protocol: 4, owned: false },
    },
  },
  {
    title: 'route.add adds an IPv6 route with a gateway',
    op: { type: 'route.add', route: { scope: pod, dst: 'fd07::/48', dev: 'eth0', gateway: 'fd00::1', metric: 30 } },
    inverse: { type: 'route.delete', route: { scope: pod, dst: 'fd07::/48', dev: 'eth0', gateway: 'fd00::1', metric: 30 } },
    effect: {
      'routes:pod/fd07::/48/eth0/30': { scope: pod, dst: 'fd07::/48', dev: 'eth0', gateway: 'fd00::1', metric: 30, routeScope: 'universe', protocol: 87, owned: true },
    },
  },
];

for (const c of CASES) {
  rootTest(c.title, async (t) => {
    const b = setUp(t, 'nlop');
    const before = await b.snap();
    await b.driver.execute(c.op);
    const after = await b.snap();
    for (const [key, expected] of Object.entries(c.effect)) {
      const [kind, id] = key.split(/:(.*)/s) as ['links' | 'addresses' | 'routes', string];
      t.deepEqual(after[kind]?.[id], expected, key);
    }
    await b.driver.execute(c.inverse);
    t.deepEqual(await b.snap(), before);
  });
}

rootTest('unowned links, addresses and routes survive every op and its inverse', async (t) => {
  const b = setUp(t, 'nldecoy');
  const before = await b.snap();
  for (const c of CASES) {
    await b.driver.execute(c.op);
    const during = await b.snap();
    for (const kind of ['links', 'addresses', 'routes'] as const) {
      for (const [id, r] of Object.entries(before[kind] ?? {})) {
        if (r.owned === true || Object.keys(c.effect).includes(`${kind}:${id}`)) continue;
        t.deepEqual(during[kind]?.[id], r, `${c.op.type} changed ${id}`);
      }
    }
    await b.driver.execute(c.inverse);
  }
  t.deepEqual(await b.snap(), before);
});
