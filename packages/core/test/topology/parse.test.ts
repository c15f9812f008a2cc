/** parseTopology: YAML in, a normalized topology or located issues out. */
import test from 'ava';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { formatIssue } from '../../src/errors.ts';
import { LIMITS, parseTopology } from '../../src/topology/index.ts';
import { SEED_YAML, codes, data, issuesOf, only } from './helpers.ts';

test('the seed topology parses and every element gets the only scope', (t) => {
  const topo = parseTopology(SEED_YAML, 'seed.yaml');
  t.deepEqual(topo, {
    apiVersion: 'wirestate/v1',
    scopes: { pod: { netns: 'pod1' } },
    vms: [{ name: 'vm1', scope: 'pod' }],
    bindings: [{ vm: 'vm1', podNic: 'eth42', mode: 'libvirt-network', scope: 'pod' }],
  });
});

test('a full low-level topology using every field parses and normalizes MACs, IPv6 and zero prefixes', (t) => {
  const topo = parseTopology(data('full.yaml'), 'full.yaml');
  t.is(topo.links?.[1]?.mac, '02:aa:bb:cc:dd:ee');
  t.is(topo.networks?.[0]?.mac, '52:54:00:ab:cd:ef');
  t.is(topo.dhcpHosts?.[0]?.mac, '52:54:00:00:00:0a');
  t.is(topo.vmInterfaces?.[0]?.mac, '52:54:00:00:00:0a');
  t.is(topo.addresses?.[1]?.cidr, '2001:db8::1/64');
  t.deepEqual(topo.bindings?.[0]?.dns?.servers, ['10.96.0.10', '10.96.0.11']);
  t.deepEqual(
    topo.routes?.map((r) => [r.dst, r.gateway]),
    [
      ['default', '192.168.50.254'],
      ['default6', '2001:db8::fe'],
      ['10.96.0.0/12', undefined],
    ],
  );
  // Defaults belong to the expansion step: nothing is invented here.
  t.is(topo.bindings?.[1]?.bridge, undefined);
  t.is(topo.bindings?.[1]?.model, undefined);
  t.is(topo.links?.[1]?.master, null);
  t.snapshot(topo);
});

test('with several scopes elements keep the scope they name and nothing is filled in', (t) => {
  const topo = parseTopology(data('full.yaml'), 'full.yaml');
  t.deepEqual(Object.keys(topo.scopes), ['pod', 'host']);
  t.true(topo.links?.every((l) => l.scope === 'pod'));
  t.is(topo.links?.[2]?.peerScope, 'host');
});

test('an issue is located at the value of the offending field', (t) => {
  const text = `apiVersion: wirestate/v1
scopes: { pod: {} }
links:
  - name: tap0
    kind: tap
    mac: "52:54:00:00:00:zz"
`;
  const issue = only(t, issuesOf(t, () => parseTopology(text, 'a.yaml')), 'invalid_mac');
  t.deepEqual(issue.path, ['links', 0, 'mac']);
  t.deepEqual(issue.location, { file: 'a.yaml', line: 6, col: 10 });
});

test('an unknown field is located at its key', (t) => {
  const text = `apiVersion: wirestate/v1
scopes: { pod: {} }
vms:
  - name: vm1
    memory: 4G
`;
  const issue = only(t, issuesOf(t, () => parseTopology(text, 'a.yaml')), 'unknown_field');
  t.deepEqual(issue.path, ['vms', 0, 'memory']);
  t.deepEqual(issue.location, { file: 'a.yaml', line: 5, col: 5 });
});

test('a missing field is located at its nearest existing parent', (t) => {
  const text = `apiVersion: wirestate/v1
scopes: { pod: {} }
vms: [{ name: vm1 }]
bindings:
  - vm: vm1
    mode: bridge
`;
  const issue = only(t, issuesOf(t, () => parseTopology(text, 'a.yaml')), 'missing_field');
  t.deepEqual(issue.path, ['bindings', 0, 'podNic']);
  t.deepEqual(issue.location, { file: 'a.yaml', line: 5, col: 5 });
});

test('a field whose value is a block collection is located at its key', (t) => {
  const text = `apiVersion: wirestate/v1
scopes: { pod: {} }
vms:
  name: vm1
`;
  const issue = only(t, issuesOf(t, () => parseTopology(text, 'a.yaml')), 'invalid_type');
  t.deepEqual(issue.path, ['vms']);
  t.deepEqual(issue.location, { file: 'a.yaml', line: 3, col: 1 });
});

test('YAML syntax errors come back as located issues, all of them', (t) => {
  const text = 'apiVersion: wirestate/v1\nscopes:\n  pod: { netns: pod1\nvms: [\n';
  const issues = issuesOf(t, () => parseTopology(text, 'bad.yaml'));
  t.true(issues.length >= 2);
  t.true(issues.every((i) => i.code === 'yaml_syntax' && i.location?.file === 'bad.yaml' && i.location.line >= 3));
});

test('a file holding two YAML documents is refused', (t) => {
  const issues = issuesOf(t, () => parseTopology(`${SEED_YAML}---\n${SEED_YAML}`, 'two.yaml'));
  t.deepEqual(codes(issues), ['yaml_syntax@[]']);
  t.is(issues[0]?.location?.line, 7);
});

test('an empty file is refused as not a map', (t) => {
  const issues = issuesOf(t, () => parseTopology('', 'empty.yaml'));
  t.deepEqual(codes(issues), ['invalid_type@[]']);
});

test('anchors and aliases within the limit are expanded', (t) => {
  const text = `apiVersion: wirestate/v1
scopes: { pod: {} }
vms: [{ name: vm1 }, { name: vm2 }]
bindings:
  - { vm: vm1, podNic: eth42, mode: bridge, dns: &dns { servers: [10.96.0.10], search: [cluster.local] } }
  - { vm: vm2, podNic: eth43, mode: bridge, dns: *dns }
`;
  const topo = parseTopology(text, 'a.yaml');
  t.deepEqual(topo.bindings?.[1]?.dns, { servers: ['10.96.0.10'], search: ['cluster.local'] });
});

test('an alias bomb is refused without being expanded', (t) => {
  const lines = ['apiVersion: wirestate/v1', 'scopes: { pod: {} }', 'a0: &a0 [x,x,x,x,x,x,x,x,x,x]'];
  for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(',')}]`);
  const issues = issuesOf(t, () => parseTopology(lines.join('\n'), 'bomb.yaml'));
  t.deepEqual(codes(issues), ['too_large@[]']);
  t.is(issues[0]?.location?.line, 4);
});

test('a document over the size limit is refused before it is parsed', (t) => {
  const text = `# ${'x'.repeat(LIMITS.maxDocumentChars)}\n${SEED_YAML}`;
  const issues = issuesOf(t, () => parseTopology(text, 'big.yaml'));
  t.deepEqual(codes(issues), ['too_large@[]']);
});

/** Comment lines that take a document past the positional parse's limit. */
const PADDING = `${'# padding\n'.repeat(Math.ceil(LIMITS.maxPositionalChars / 10) + 1)}`;
const PADDING_LINES = Math.ceil(LIMITS.maxPositionalChars / 10) + 1;

test('a plain document too large for the positional parse is read by the fast one', (t) => {
  const text = `${PADDING}${SEED_YAML}`;
  t.true(text.length > LIMITS.maxPositionalChars);
  t.deepEqual(parseTopology(text, 'big.yaml'), parseTopology(SEED_YAML, 'seed.yaml'));
});

test('a document too large for the positional parse that needs it (an alias) is refused, saying why', (t) => {
  const text = `${PADDING}${SEED_YAML}x: &a 1\n`;
  const issues = issuesOf(t, () => parseTopology(text, 'big.yaml'));
  t.deepEqual(codes(issues), ['too_large@[]']);
  t.regex(issues[0]?.message ?? '', /must be plain YAML .*, and this one has an anchor/);
  // The padding, the seed's 6 lines, then `x: &a 1`: the anchor is located.
  t.like(issues[0]?.location, { file: 'big.yaml', line: PADDING_LINES + 7, col: 4 });
});

test('a syntax error in a document too large for the positional parse is located by the fast one', (t) => {
  const text = `${PADDING}${SEED_YAML}links: [\n`;
  const issues = issuesOf(t, () => parseTopology(text, 'big.yaml'));
  t.deepEqual(codes(issues), ['yaml_syntax@[]']);
  t.is(issues[0]?.location?.file, 'big.yaml');
  // The padding, the seed's 6 lines, then the broken flow list: the parser stops at the end.
  t.true((issues[0]?.location?.line ?? 0) > PADDING_LINES + 6);
});

test('the issues of a document too large for the positional parse carry their paths without positions', (t) => {
  const text = `${PADDING}${SEED_YAML}links: [{ name: br0, kind: bridge, mtu: 9 }]\n`;
  const issues = issuesOf(t, () => parseTopology(text, 'big.yaml'));
  t.deepEqual(codes(issues), ['out_of_range@["links",0,"mtu"]']);
  t.is(issues[0]?.location, undefined);
});

test('nesting deep enough to exhaust the parser is refused as too large', (t) => {
  const text = `apiVersion: wirestate/v1\nscopes: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
  const issues = issuesOf(t, () => parseTopology(text, 'deep.yaml'));
  t.true(issues.length >= 1);
  t.true(issues.every((i) => i.code === 'too_large'));
});

test('the libvirt URI may carry several query parameters', (t) => {
  const text = `apiVersion: wirestate/v1\nscopes:\n  pod: { libvirt: "qemu+ssh://root@node1/system?keyfile=/k&no_verify=1" }\n`;
  t.is(parseTopology(text, 'a.yaml').scopes['pod']?.libvirt, 'qemu+ssh://root@node1/system?keyfile=/k&no_verify=1');
});

test('messages of a file with many problems read as one line each with file, position, path and code', (t) => {
  const text = `apiVersion: wirestate/v1
scopes: { pod: { netns: pod1 } }
vms: [{ name: vm1 }]
bindings:
  - { vm: vm2, podNic: eth42, mode: libvirt-network, gateway: 10.244.0.300 }
  - { vm: vm1, podNic: eth42, mode: macvtap, bridge: br0 }
links:
  - { name: br0, kind: bridge, master: br0, mtu: 9 }
  - { name: "tap<0>", kind: tap }
`;
  const issues = issuesOf(t, () => parseTopology(text, 'many.yaml'));
  t.snapshot(issues.map(formatIssue).join('\n'));
});

test('messages about hostile input say what was refused and why', (t) => {
  const messages: string[] = [];
  const bomb = ['apiVersion: wirestate/v1', 'scopes: { pod: {} }', 'a0: &a0 [x,x,x,x,x,x,x,x,x,x]'];
  for (let i = 1; i < 12; i++) bomb.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(',')}]`);
  const hostile = [
    bomb.join('\n'),
    `apiVersion: wirestate/v1\nscopes: { pod: {} }\nvms: [{ name: "vm1\\n<x>" }, { name: ${'v'.repeat(5000)} }]\n`,
    'apiVersion: wirestate/v1\nscopes: { pod: {} }\nlinks: [{ name: "еth0", kind: tap }]\nscopes: {}\n',
    'apiVersion: wirestate/v1\nscopes: { pod: { netns: "/run/netns/../../etc", resolvConf: "resolv.conf" } }\n',
  ];
  for (const text of hostile) messages.push(...issuesOf(t, () => parseTopology(text, 'hostile.yaml')).map(formatIssue));
  t.snapshot(messages);
});

test('every example and scenario topology in the repository parses', (t) => {
  const root = new URL('../../../../', import.meta.url);
  const files = [
    ...readdirSync(new URL('docs/examples/', root)).map((d) => `docs/examples/${d}/topology.yaml`),
    ...readdirSync(new URL('packages/fixtures/scenarios/', root)).map((d) => `packages/fixtures/scenarios/${d}/topology.yaml`),
  ].filter((f) => existsSync(new URL(f, root)));
  t.true(files.length > 0);
  for (const f of files) t.notThrows(() => parseTopology(readFileSync(new URL(f, root), 'utf8'), f), f);
});

test('a problem inside an anchored value is located at the anchor, where it is written', (t) => {
  const text = `apiVersion: wirestate/v1
scopes: { pod: {} }
vms: [{ name: vm1 }, { name: vm2 }]
bindings:
  - { vm: vm1, podNic: eth42, mode: bridge, dns: &dns { servers: [10.96.0.300] } }
  - { vm: vm2, podNic: eth43, mode: bridge, dns: *dns }
`;
  const issues = issuesOf(t, () => parseTopology(text, 'a.yaml'));
  t.deepEqual(codes(issues), ['invalid_ip@["bindings",0,"dns","servers",0]', 'invalid_ip@["bindings",1,"dns","servers",0]']);
  t.deepEqual(
    issues.map((i) => i.location?.line),
    [5, 5],
  );
});

test('Windows line endings and a byte order mark change nothing', (t) => {
  const text = `\uFEFF${SEED_YAML.replaceAll('\n', '\r\n')}`;
  t.deepEqual(parseTopology(text, 'crlf.yaml'), parseTopology(SEED_YAML, 'lf.yaml'));
  const bad = `\uFEFFapiVersion: wirestate/v1\r\nscopes: { pod: {} }\r\nvms:\r\n  - name: "vm<1>"\r\n`;
  t.deepEqual(only(t, issuesOf(t, () => parseTopology(bad, 'crlf.yaml')), 'unsafe_string').location, { file: 'crlf.yaml', line: 4, col: 11 });
});
