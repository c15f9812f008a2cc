/** diff + plan on hand-made states: what is managed, what is owned, how steps are ordered. */
import test from 'ava';
import { completeState, plan, type Link, type State } from '@wirestate/core';

const link = (l: Partial<Link> & Pick<Link, 'name' | 'kind'>): Link => ({ scope: 's', ...l });
const state = (links: Link[], rest: Partial<State> = {}): State =>
  completeState({ links: Object.fromEntries(links.map((l) => [`${l.scope}/${l.name}`, l])), ...rest });

test('a field the desired state leaves out is not managed and produces no step', (t) => {
  const live = state([link({ name: 'br0', kind: 'bridge', mtu: 9000, up: false, owned: true })]);
  const desired = state([link({ name: 'br0', kind: 'bridge' })]);
  t.deepEqual(plan(desired, live).steps, []);
});

test('an unowned link that differs is a not_owned conflict, not a change', (t) => {
  const live = state([link({ name: 'cni0', kind: 'bridge', mtu: 1450, owned: false })]);
  const p = plan(state([link({ name: 'cni0', kind: 'bridge', mtu: 1500 })]), live);
  t.deepEqual(p.steps, []);
  t.deepEqual(p.conflicts.map((c) => c.code), ['not_owned']);
});

test('adopt: true takes an unowned link over by setting the ownership alias first', (t) => {
  const live = state([link({ name: 'cni0', kind: 'bridge', mtu: 1450, owned: false })]);
  const p = plan(state([link({ name: 'cni0', kind: 'bridge', mtu: 1500, adopt: true })]), live);
  t.deepEqual(
    p.steps.map((s) => s.command),
    ['ip link set cni0 alias wirestate', 'ip link set cni0 mtu 1500'],
  );
  t.deepEqual(p.steps[0]?.inverse, { type: 'link.set', scope: 's', name: 'cni0', attrs: { alias: null } });
});

test('a live link nobody declared is deleted only when wirestate owns it', (t) => {
  const live = state([link({ name: 'br-old', kind: 'bridge', owned: true }), link({ name: 'eth0', kind: 'device', owned: false }), link({ name: 'cni0', kind: 'bridge', owned: false })]);
  const p = plan(state([]), live);
  t.deepEqual(p.steps.map((s) => s.id), ['links/s/br-old/link.delete']);
});

test('a kind change replaces the link and marks both halves disruptive', (t) => {
  const live = state([link({ name: 'x0', kind: 'bridge', owned: true })]);
  const p = plan(state([link({ name: 'x0', kind: 'macvlan', parent: 'eth0' }), link({ name: 'eth0', kind: 'device' })]), state([...Object.values(live.links), link({ name: 'eth0', kind: 'device', owned: false })]));
  t.deepEqual(p.steps.map((s) => [s.op.type, s.action, s.disruptive]), [
    ['link.delete', 'replace', true],
    ['link.create', 'replace', true],
  ]);
});

test('an external device that does not exist is a missing conflict', (t) => {
  const p = plan(state([link({ name: 'eth42', kind: 'device', mac: '02:00:00:00:00:01' })]), state([]));
  t.deepEqual(p.conflicts.map((c) => [c.code, c.path]), [['missing', ['links', 's/eth42']]]);
});

test('a port is enslaved only after its bridge exists, and every step knows what it waits for', (t) => {
  const live = state([link({ name: 'eth1', kind: 'device', owned: false })]);
  const p = plan(state([link({ name: 'eth1', kind: 'device', master: 'br1' }), link({ name: 'br1', kind: 'bridge', up: true })]), live);
  t.deepEqual(p.steps.map((s) => s.command), ['ip link add name br1 type bridge && ip link set br1 up', 'ip link set eth1 master br1']);
  t.deepEqual(p.steps[1]?.after, [0]);
});

test('deleting a bridge first lets go of its declared ports', (t) => {
  const live = state([link({ name: 'br1', kind: 'bridge', owned: true }), link({ name: 'eth1', kind: 'device', master: 'br1', owned: false })]);
  const p = plan(state([link({ name: 'eth1', kind: 'device', master: null })]), live);
  t.deepEqual(p.steps.map((s) => s.command), ['ip link set eth1 nomaster', 'ip link delete br1']);
});

test('deleting an owned bridge with an undeclared port carries the port, so the inverse enslaves it again', (t) => {
  const live = state([link({ name: 'br1', kind: 'bridge', owned: true }), link({ name: 'eth1', kind: 'device', master: 'br1', owned: false })]);
  const [step] = plan(state([]), live).steps;
  t.deepEqual(step?.inverse, { type: 'link.create', link: { scope: 's', name: 'br1', kind: 'bridge' }, ports: ['eth1'] });
  t.is(step?.inverseCommand, 'ip link add name br1 type bridge && ip link set eth1 master br1');
});

test('the same inputs always give the same plan, with a stable basis', (t) => {
  const live = state([link({ name: 'a', kind: 'bridge', owned: true }), link({ name: 'b', kind: 'bridge', owned: true })]);
  const desired = state([link({ name: 'c', kind: 'bridge' }), link({ name: 'd', kind: 'bridge' })]);
  t.deepEqual(plan(desired, live), plan(desired, live));
  t.regex(plan(desired, live).basis, /^links=[0-9a-f]{8},addresses=/);
});

test('an undeclared route and address on a bridge wirestate deletes go with it; those on other links stay', (t) => {
  const route = (dst: string, dev: string) => ({ scope: 's', dst, dev, metric: 0, routeScope: 'link' as const, protocol: 4, owned: false });
  const live = state([link({ name: 'br-old', kind: 'bridge', owned: true }), link({ name: 'eth0', kind: 'device', owned: false }), link({ name: 'tap0', kind: 'tap', master: 'br-old', owned: false })], {
    routes: { 's/10.9.0.0/16/br-old/0': route('10.9.0.0/16', 'br-old'), 's/10.8.0.0/16/eth0/0': route('10.8.0.0/16', 'eth0') },
    addresses: { 's/br-old/10.9.0.1/16': { scope: 's', dev: 'br-old', cidr: '10.9.0.1/16', owned: false } },
  });
  const p = plan(state([]), live);
  t.deepEqual(
    p.changes.map((c) => [c.action, c.kind, c.id, c.reason]),
    [
      ['delete', 'addresses', 's/br-old/10.9.0.1/16', 'links:s/br-old it depends on is deleted'],
      ['delete', 'links', 's/br-old', 'link is owned by wirestate and no longer desired'],
      ['delete', 'routes', 's/10.9.0.0/16/br-old/0', 'links:s/br-old it depends on is deleted'],
    ],
  );
  // The undeclared port is not deleted: the bridge's delete carries it so its inverse re-enslaves it.
  const del = p.steps.find((s) => s.op.type === 'link.delete');
  t.deepEqual((del?.op as { ports?: readonly string[] }).ports, ['tap0']);
  t.true(p.steps.findIndex((s) => s.kind === 'routes') < p.steps.indexOf(del!), 'the route goes before its bridge');
});

test("deleting an owned libvirt network leaves a VM interface nobody declared in its VM", (t) => {
  const live = state([], {
    networks: { 's/old': { scope: 's', name: 'old', bridge: 'virbr9', active: true, owned: true } },
    domains: { 's/vm1': { scope: 's', name: 'vm1', running: true } },
    vmInterfaces: { 's/vm1/52:54:00:00:00:09': { scope: 's', domain: 'vm1', mac: '52:54:00:00:00:09', type: 'network', source: 'old', owned: false } },
  });
  const p = plan(state([]), live);
  t.deepEqual(
    p.changes.map((c) => [c.action, c.kind, c.id]),
    [['delete', 'networks', 's/old']],
  );
});

test("stopping a libvirt network carries the tap nobody declared on its bridge, so the inverse start puts it back", (t) => {
  const live = state([link({ name: 'virbr9', kind: 'bridge', owned: false }), link({ name: 'vnet0', kind: 'tap', master: 'virbr9', owned: false })], {
    networks: { 's/old': { scope: 's', name: 'old', bridge: 'virbr9', active: true, owned: true } },
  });
  const p = plan(state([]), live);
  const destroy = p.steps.find((s) => s.op.type === 'network.destroy');
  t.deepEqual(destroy?.op, { type: 'network.destroy', network: { scope: 's', name: 'old', bridge: 'virbr9', active: true }, ports: ['vnet0'] });
  t.deepEqual(destroy?.inverse, { type: 'network.start', network: { scope: 's', name: 'old', bridge: 'virbr9', active: true }, ports: ['vnet0'] });
  t.is(destroy?.inverseCommand, 'virsh net-start old && ip link set vnet0 master virbr9');
  // The tap itself is not the plan's to delete.
  t.false(p.steps.some((s) => s.kind === 'links'));
});

test('a replaced libvirt network starts with the old bridge’s undeclared taps on its new bridge', (t) => {
  const before = { scope: 's', name: 'net', bridge: 'virbr9', active: true, owned: true } as const;
  const live = state([link({ name: 'virbr9', kind: 'bridge', owned: false }), link({ name: 'vnet0', kind: 'tap', master: 'virbr9', owned: false })], {
    networks: { 's/net': before },
  });
  const p = plan(state([], { networks: { 's/net': { scope: 's', name: 'net', bridge: 'virbr7', active: true } } }), live);
  const start = p.steps.find((s) => s.op.type === 'network.start');
  t.deepEqual((start?.op as { ports?: readonly string[] }).ports, ['vnet0']);
  t.is(start?.command, 'virsh net-start net && ip link set vnet0 master virbr7');
  t.true(p.steps.findIndex((s) => s.op.type === 'network.destroy') < p.steps.indexOf(start!), 'the old network stops first');
});
