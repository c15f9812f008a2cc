/** validateTopology: the same rules for topologies built in TypeScript. */
import test from 'ava';
import { parse } from 'yaml';
import type { Topology } from '../../src/topology/index.ts';
import { LIMITS, parseTopology, validateTopology } from '../../src/topology/index.ts';
import { codes, data, duplicates, issuesOf, only } from './helpers.ts';

const seed = (): Record<string, unknown> => ({
  apiVersion: 'wirestate/v1',
  scopes: { pod: { netns: 'pod1' } },
  vms: [{ name: 'vm1' }],
  bindings: [{ vm: 'vm1', podNic: 'eth42', mode: 'libvirt-network' }],
});

const full = (): Record<string, unknown> => parse(data('full.yaml')) as Record<string, unknown>;

test('validateTopology returns what parseTopology returns for the same content', (t) => {
  t.deepEqual(validateTopology(full()), parseTopology(data('full.yaml'), 'full.yaml'));
});

test('normalization is a fixpoint: a normalized topology validates to itself', (t) => {
  const once = validateTopology(full());
  t.deepEqual(validateTopology(once), once);
});

test('validation leaves its input unchanged', (t) => {
  const input = full();
  const before = structuredClone(input);
  validateTopology(input);
  t.deepEqual(input, before);
});

test('issues carry no location unless a locator gives one, and the locator gets each path', (t) => {
  const input = { ...seed(), vms: [{ name: 'vm1', memory: 4 }] };
  t.is(only(t, issuesOf(t, () => validateTopology(input)), 'unknown_field').location, undefined);
  const seen: unknown[] = [];
  const issue = only(
    t,
    issuesOf(t, () =>
      validateTopology(input, (path) => {
        seen.push(path);
        return { file: 'api', line: 1, col: path.length };
      }),
    ),
    'unknown_field',
  );
  t.deepEqual(seen, [['vms', 0, 'memory']]);
  t.deepEqual(issue.location, { file: 'api', line: 1, col: 3 });
});

test('a cyclic object is refused as too deep instead of looping', (t) => {
  const input = seed();
  const loop: Record<string, unknown> = {};
  loop['self'] = loop;
  input['scopes'] = { pod: loop };
  const issues = issuesOf(t, () => validateTopology(input));
  t.true(issues.some((i) => i.code === 'too_large'));
});

test('a list over the item limit is refused before the schema looks at its items', (t) => {
  const input = { ...seed(), vms: new Array(LIMITS.maxListItems + 1).fill(7) };
  t.deepEqual(codes(issuesOf(t, () => validateTopology(input))), ['too_large@["vms"]']);
});

test('values that are not plain data are type issues', (t) => {
  const input = { ...seed(), vms: [{ name: () => 'vm1' }, { name: Symbol('vm2') }, { name: 10n }] };
  t.deepEqual(codes(issuesOf(t, () => validateTopology(input))), [
    'invalid_type@["vms",0,"name"]',
    'invalid_type@["vms",1,"name"]',
    'invalid_type@["vms",2,"name"]',
    // No VM has a usable name, so the binding's vm1 is indeed unknown.
    'unknown_reference@["bindings",0,"vm"]',
  ]);
});

test('an element with a structural problem does not cascade into unknown references', (t) => {
  const input = {
    ...seed(),
    networks: [{ name: 'n1', bridge: 5 }],
    dhcpHosts: [{ network: 'n1', mac: '52:54:00:00:00:01', ip: '10.0.0.5' }],
  };
  t.deepEqual(codes(issuesOf(t, () => validateTopology(input))), ['invalid_type@["networks",0,"bridge"]']);
});

test("a libvirt-network binding's network counts as declared for reservations and VM interfaces", (t) => {
  const topo = validateTopology({
    ...seed(),
    dhcpHosts: [{ network: 'pod-eth42', mac: '52:54:00:00:00:01', ip: '10.244.0.5' }],
    vmInterfaces: [{ domain: 'vm1', mac: '52:54:00:00:00:01', type: 'network', source: 'pod-eth42' }],
  });
  t.is(topo.dhcpHosts?.[0]?.scope, 'pod');
});

test("a bridge binding's network does not exist: a reservation on it is an unknown reference", (t) => {
  const input = {
    ...seed(),
    bindings: [{ vm: 'vm1', podNic: 'eth42', mode: 'bridge' }],
    dhcpHosts: [{ network: 'pod-eth42', mac: '52:54:00:00:00:01', ip: '10.244.0.5' }],
  };
  t.deepEqual(codes(issuesOf(t, () => validateTopology(input))), ['unknown_reference@["dhcpHosts",0,"network"]']);
});

test("a master may be a declared bridge, a network's bridge or a binding's default bridge", (t) => {
  t.notThrows(() =>
    validateTopology({
      ...seed(),
      networks: [{ name: 'n1', bridge: 'virbr1' }],
      links: [
        { name: 'br0', kind: 'bridge' },
        { name: 'tap0', kind: 'tap', master: 'br0' },
        { name: 'tap1', kind: 'tap', master: 'virbr1' },
        { name: 'tap2', kind: 'tap', master: 'br-eth42' },
        { name: 'tap3', kind: 'tap', master: null },
      ],
    }),
  );
});

test('an on-link route makes a gateway outside the device subnets reachable (the Calico layout)', (t) => {
  t.notThrows(() =>
    validateTopology({
      ...seed(),
      addresses: [{ dev: 'eth0', cidr: '10.1.2.3/32' }],
      routes: [
        { dst: '169.254.1.1/32', dev: 'eth0', routeScope: 'link' },
        { dst: 'default', dev: 'eth0', gateway: '169.254.1.1' },
        { dst: 'default6', dev: 'eth0', gateway: 'fe80::1' },
      ],
    }),
  );
});

test('several scopes: an element without scope is an issue, one with a scope is placed there', (t) => {
  const input = { ...seed(), scopes: { a: {}, b: {} }, vms: [{ name: 'vm1', scope: 'a' }] };
  t.deepEqual(codes(issuesOf(t, () => validateTopology(input))), ['scope_required@["bindings",0]']);
});

test('a VM in another scope does not satisfy a binding', (t) => {
  const input = {
    ...seed(),
    scopes: { a: {}, b: {} },
    vms: [{ name: 'vm1', scope: 'a' }],
    bindings: [{ vm: 'vm1', podNic: 'eth42', mode: 'bridge', scope: 'b' }],
  };
  t.deepEqual(codes(issuesOf(t, () => validateTopology(input))), ['unknown_reference@["bindings",0,"vm"]']);
});

test('the same names in two scopes are no duplicates', (t) => {
  t.notThrows(() =>
    validateTopology({
      apiVersion: 'wirestate/v1',
      scopes: { a: {}, b: {} },
      links: [
        { name: 'br0', kind: 'bridge', scope: 'a', mac: '02:00:00:00:00:01' },
        { name: 'br0', kind: 'bridge', scope: 'b', mac: '02:00:00:00:00:01' },
      ],
    }),
  );
});

test('among thousands of unique names, addresses and routes the one repeated of each is found, and the same ones in two scopes are no duplicates', (t) => {
  const group = (scope: string, i: number) => ({
    link: { scope, name: `br${i}`, kind: 'bridge' },
    address: { scope, dev: `br${i}`, cidr: `10.${i >> 8}.${i & 255}.1/24` },
    route: { scope, dst: `172.16.${i >> 8}.${i & 255}/32`, dev: `br${i}` },
  });
  const groups = [...Array.from({ length: 3000 }, (_, i) => group('a', i)), ...Array.from({ length: 3000 }, (_, i) => group('b', i))];
  const topology = {
    apiVersion: 'wirestate/v1',
    scopes: { a: {}, b: {} },
    links: groups.map((g) => g.link),
    addresses: groups.map((g) => g.address),
    routes: groups.map((g) => g.route),
  };
  t.notThrows(() => validateTopology(topology));
  const repeated = group('b', 1234);
  const issues = issuesOf(t, () =>
    validateTopology({
      ...topology,
      links: [...topology.links, repeated.link],
      addresses: [...topology.addresses, { ...repeated.address, dev: 'br7' }],
      routes: [...topology.routes, { ...repeated.route, dev: 'br7' }],
    }),
  );
  t.deepEqual(
    issues.filter((i) => i.code === 'duplicate').map((i) => i.path.join('.')),
    ['links.6000.name', 'addresses.6000.cidr', 'routes.6000'],
  );
});

test('a master loop is reported once however long it is', (t) => {
  const links = Array.from({ length: 1000 }, (_, i) => ({ name: `br${i}`, kind: 'bridge', master: `br${(i + 1) % 1000}` }));
  const issues = issuesOf(t, () => validateTopology({ ...seed(), links }));
  t.deepEqual(codes(issues), ['master_cycle@["links",0,"master"]']);
});

/** Every string leaf of a value, with its path. */
function stringLeaves(v: unknown, path: (string | number)[] = []): { path: (string | number)[]; value: string }[] {
  if (typeof v === 'string') return [{ path, value: v }];
  if (Array.isArray(v)) return v.flatMap((x, i) => stringLeaves(x, [...path, i]));
  if (v !== null && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => stringLeaves(x, [...path, k]));
  return [];
}

function withValue(root: unknown, path: readonly (string | number)[], value: string): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let at = copy;
  for (const seg of path.slice(0, -1)) at = at[seg] as Record<string | number, unknown>;
  at[path.at(-1)!] = value;
  return copy;
}

test('an injection attempt in any string field is rejected at that field', (t) => {
  const base = full();
  const leaves = stringLeaves(base).filter((l) => l.path[0] !== 'apiVersion' && !['mode', 'kind', 'type', 'state', 'forward', 'routeScope', 'sourceMode', 'macvtapMode', 'leaseTime'].includes(String(l.path.at(-1))));
  t.true(leaves.length > 60, `${leaves.length} string fields`);
  const attempts = ['\n', '"', "'", '<', '>', '&', '\0', '\r'];
  const misses: string[] = [];
  for (const leaf of leaves) {
    for (const bad of attempts) {
      // The libvirt URI is only ever an argv element, where "&" separates query parameters.
      if (bad === '&' && leaf.path.at(-1) === 'libvirt') continue;
      const input = withValue(base, leaf.path, `${leaf.value.slice(0, 2)}${bad}${leaf.value.slice(2)}`);
      let found = false;
      try {
        validateTopology(input);
      } catch (err) {
        const issues = (err as { issues?: readonly { code: string; path: readonly unknown[] }[] }).issues ?? [];
        found = issues.some((i) => i.code === 'unsafe_string' && JSON.stringify(i.path) === JSON.stringify(leaf.path));
      }
      if (!found) misses.push(`${JSON.stringify(leaf.path)} ${JSON.stringify(bad)}`);
    }
  }
  t.deepEqual(misses, []);
});

test('an injection attempt in a scope name is rejected at that name', (t) => {
  const input = { ...seed(), scopes: { 'pod\n': {} } };
  t.deepEqual(codes(issuesOf(t, () => validateTopology(input))), ['invalid_name@["scopes","pod\\n"]']);
});

test('the issue codes of a topology built in TypeScript match those of the same YAML', (t) => {
  const input = { ...seed(), links: [{ name: 'br0', kind: 'bridge', master: 'br0', mtu: 9, colour: 'red' }] } as unknown as Topology;
  const yaml = JSON.stringify(input);
  t.deepEqual(codes(issuesOf(t, () => validateTopology(input))), codes(issuesOf(t, () => parseTopology(yaml, 'a.json'))));
});

test('past the issue limit the rest is counted, not listed', (t) => {
  const vms = Array.from({ length: LIMITS.maxIssues + 50 }, (_, i) => ({ name: `vm${i}`, colour: 'red' }));
  const issues = issuesOf(t, () => validateTopology({ ...seed(), vms }));
  t.is(issues.length, LIMITS.maxIssues + 1);
  t.is(issues.at(-1)?.code, 'too_large');
  t.regex(issues.at(-1)?.message ?? '', /^50 more issues not listed/);
});

test('an address, MAC or reservation IP may move: the place it leaves is no duplicate', (t) => {
  const topo = validateTopology({
    ...seed(),
    links: [
      { name: 'tap0', kind: 'tap', mac: '52:54:00:00:00:01', state: 'absent', master: 'br-gone' },
      { name: 'tap1', kind: 'tap', mac: '52:54:00:00:00:01' },
    ],
    addresses: [
      { dev: 'eth42', cidr: '10.244.0.5/24', state: 'absent' },
      { dev: 'br-eth42', cidr: '10.244.0.5/24' },
    ],
    dhcpHosts: [
      { network: 'pod-eth42', mac: '52:54:00:00:00:02', ip: '10.244.0.9', state: 'absent' },
      { network: 'pod-eth42', mac: '52:54:00:00:00:03', ip: '10.244.0.9' },
    ],
  });
  t.is(topo.addresses?.length, 2);
});

test('one link declared both present and absent is still a duplicate', (t) => {
  const input = { ...seed(), links: [{ name: 'br0', kind: 'bridge' }, { name: 'br0', kind: 'bridge', state: 'absent' }] };
  t.deepEqual(codes(issuesOf(t, () => validateTopology(input))), ['duplicate@["links",1,"name"]']);
});

test('a link name taken twice, or by a veth peer, is blamed at the later field and names the earlier one', (t) => {
  const issues = issuesOf(t, () =>
    validateTopology({
    ...seed(),
    links: [
      { name: 'br0', kind: 'bridge' },
      { name: 'v0', kind: 'veth', peer: 'br0' },
      { name: 'v0', kind: 'bridge' },
      { name: 'v1', kind: 'veth', peer: 'p1', peerScope: 'pod' },
      { name: 'p1', kind: 'tap' },
    ],
  }),
  );
  t.deepEqual(duplicates(issues), [
    ['links.1.peer', 'link name br0 in scope pod (a veth peer) is already claimed at links[0].name'],
    ['links.2.name', 'link name v0 in scope pod is already claimed at links[1].name'],
    ['links.4.name', 'link name p1 in scope pod is already claimed at links[3].peer'],
  ]);
});

test('two IPv4 routes to one destination and metric clash even on different devices', (t) => {
  const issues = issuesOf(t, () =>
    validateTopology({
    ...seed(),
    links: [{ name: 'a', kind: 'bridge' }, { name: 'b', kind: 'bridge' }],
    routes: [
      { dst: '10.0.0.0/8', dev: 'a' },
      { dst: '10.0.0.0/8', dev: 'a', metric: 0 },
      { dst: '10.0.0.0/8', dev: 'b' },
      { dst: '10.0.0.0/8', dev: 'b', metric: 5 },
      { dst: 'fd00::/8', dev: 'a' },
      { dst: 'fd00::/8', dev: 'b' },
    ],
  }),
  );
  t.deepEqual(duplicates(issues), [
    ['routes.1', 'route to 10.0.0.0/8 dev a in scope pod is already claimed at routes[0]'],
    ['routes.2', 'IPv4 route to 10.0.0.0/8 with metric 0 in scope pod is already claimed at routes[0]'],
  ]);
});

test('IPv4 default routes clash however they are written, and so do routes with metrics of any size', (t) => {
  const issues = issuesOf(t, () =>
    validateTopology({
      ...seed(),
      links: [{ name: 'a', kind: 'bridge' }, { name: 'b', kind: 'bridge' }],
      routes: [
        { dst: 'default', dev: 'a', gateway: '10.0.0.1' },
        { dst: '0.0.0.0/0', dev: 'b', gateway: '10.0.0.1' },
        { dst: '10.1.0.0/16', dev: 'a', metric: 4_000_000_000 },
        { dst: '10.1.0.0/16', dev: 'b', metric: 4_000_000_000 },
        { dst: '10.1.0.0/16', dev: 'a', metric: 32_767 },
        { dst: '10.1.0.0/16', dev: 'a', metric: 32_768 },
        { dst: '10.1.0.0/17', dev: 'a', metric: 32_767 },
      ],
    }),
  );
  t.deepEqual(duplicates(issues), [
    ['routes.1', 'IPv4 route to default with metric 0 in scope pod is already claimed at routes[0]'],
    ['routes.3', 'IPv4 route to 10.1.0.0/16 with metric 4000000000 in scope pod is already claimed at routes[2]'],
  ]);
});

test('IPv4 formats: a prefix with host bits set, an address of the wrong family and a malformed CIDR are refused where written', (t) => {
  const issues = issuesOf(t, () =>
    validateTopology({
      ...seed(),
      links: [{ name: 'a', kind: 'bridge' }],
      addresses: [{ dev: 'a', cidr: '10.0.0.5/24' }, { dev: 'a', cidr: '10.0.0.6/33' }],
      routes: [
        { dst: '10.0.0.1/8', dev: 'a' },
        { dst: '10.0.0.0/8', dev: 'a', gateway: '10.0.0.1' },
        { dst: 'fd00::/8', dev: 'a', gateway: 'fd00::1' },
      ],
      dhcpServers: [{ name: 's', interface: 'a', subnet: '10.0.0.0/24', options: { router: 'fd00::1' } }],
    }),
  );
  const found = issues.filter((i) => i.code === 'invalid_cidr' || i.code === 'invalid_ip').map((i) => [i.path.join('.'), i.message]);
  t.deepEqual(found, [
    ['addresses.1.cidr', '"10.0.0.6/33" is not an address with prefix like 10.244.0.5/24'],
    ['routes.0.dst', '10.0.0.1/8 has host bits set; the prefix is 10.0.0.0/8'],
    ['dhcpServers.0.options.router', 'fd00::1 is IPv6; an IPv4 address is needed here'],
  ]);
});
