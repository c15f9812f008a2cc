/** Properties of validation over random inputs (fast-check). */
import test from 'ava';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { ValidationError, type Issue } from '../../src/errors.ts';
import { ISSUE_CODES, parseTopology, validateTopology, type Topology } from '../../src/topology/index.ts';

type Outcome = { ok: true; topology: Topology } | { ok: false; issues: { code: string; path: readonly (string | number)[] }[] };

/** Runs validation and captures its outcome; anything thrown but a ValidationError escapes. */
function outcome(f: () => Topology): Outcome {
  try {
    return { ok: true, topology: f() };
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return { ok: false, issues: err.issues.map((i: Issue) => ({ code: i.code, path: i.path })) };
  }
}

function parentExists(input: unknown, path: readonly (string | number)[]): boolean {
  let v = input;
  for (const seg of path.slice(0, -1)) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, seg)) return false;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return true;
}

// Strings that hit the rules' edges: separators, look-alikes, injection characters, addresses.
const nasty = fc.constantFrom('', '.', '..', '/', 'a/b', 'eth0:1', '-x', 'x'.repeat(16), 'ｅth0', '\n', '<', '"', '&', '\0', 'pid:0', '/a/../b', 'default', '::/0', '10.0.0.1/33', '01:00:5e:00:00:01', 'ZZ:00:00:00:00:00');
const scalar = fc.oneof(fc.string({ maxLength: 20 }), nasty, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 6 }), scalar, { maxKeys: 3 }));
const FIELDS = ['name', 'kind', 'mac', 'mtu', 'master', 'peer', 'peerScope', 'parent', 'mode', 'scope', 'state', 'dev', 'cidr', 'dst', 'gateway', 'bridge', 'network', 'server', 'ip', 'domain', 'type', 'source', 'vm', 'podNic', 'ips', 'dhcpOptions', 'options', 'subnet', 'interface', 'ifname', 'containerId', 'config', 'dns'];
const element = fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 6 });
const LISTS = ['vms', 'bindings', 'links', 'addresses', 'routes', 'networks', 'dhcpServers', 'dhcpHosts', 'vmInterfaces', 'podNics'];
const chaos = fc.record(
  {
    apiVersion: fc.oneof(fc.constant('wirestate/v1'), value),
    scopes: fc.oneof(fc.dictionary(fc.oneof(fc.constantFrom('pod', 'b'), fc.string({ maxLength: 5 })), fc.oneof(fc.constant({}), value), { maxKeys: 3 }), value),
    ...Object.fromEntries(LISTS.map((l) => [l, fc.oneof(fc.array(element, { maxLength: 4 }), value)])),
  },
  { requiredKeys: [] },
);

test('random values never make the validator throw anything but a ValidationError with known codes', (t) => {
  fc.assert(
    fc.property(fc.oneof(fc.anything(), chaos), (input) => {
      const o = outcome(() => validateTopology(input));
      if (o.ok) return true;
      return o.issues.length > 0 && o.issues.every((i) => Object.hasOwn(ISSUE_CODES, i.code) && parentExists(input, i.path));
    }),
    { numRuns: 400 },
  );
  t.pass();
});

test('random text and random YAML never make the parser throw anything but a ValidationError, and issues point into the file', (t) => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 200 }), chaos.map((c) => stringify(c))), (text) => {
      try {
        parseTopology(text, 'random.yaml');
        return true;
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        const lines = text.split('\n').length;
        return err.issues.length > 0 && err.issues.every((i) => i.location?.file === 'random.yaml' && i.location.line >= 1 && i.location.line <= lines && i.location.col >= 1);
      }
    }),
    { numRuns: 300 },
  );
  t.pass();
});

// Valid-looking topologies: small name pools make references, duplicates and collisions happen
// often enough to matter, while about half of the topologies stay valid.
const nic = fc.constantFrom('eth1', 'eth42', 'net1', 'br0', 'tap0', 'tap1');
const vmName = fc.constantFrom('vm1', 'vm2');
const hex = fc.integer({ min: 0, max: 255 }).map((n) => n.toString(16).padStart(2, '0'));
const macArb = fc.tuple(fc.constantFrom('52:54:00', '02:00:00', '52:54:00'.toUpperCase()), hex, hex).map(([p, a, b]) => `${p}:00:${a}:${b}`);
const ipArb = fc.integer({ min: 1, max: 250 }).map((n) => `10.0.0.${n}`);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });
const noUndefined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
const topologyArb = fc.boolean().chain((twoScopes) => {
  // With one scope an element may leave it out; with two it usually names one.
  const scopeArb = twoScopes ? fc.option(fc.constantFrom('pod', 'other'), { nil: undefined, freq: 10 }) : maybe(fc.constant('pod'));
  return fc
    .record({
      vms: fc.constant([{ name: 'vm1', scope: 'pod' }, { name: 'vm2', scope: 'pod' }]),
      bindings: fc.array(fc.record({ vm: vmName, podNic: nic, mode: fc.constantFrom('libvirt-network', 'bridge', 'macvtap'), scope: scopeArb, gateway: maybe(ipArb) }).map(noUndefined), { maxLength: 2 }),
      links: fc.array(
        fc
          .record({ name: nic, kind: fc.constantFrom('bridge', 'tap', 'device'), mac: maybe(macArb), master: maybe(fc.constantFrom('br0', 'br-eth42', 'br1')), mtu: maybe(fc.integer({ min: 60, max: 9000 })), scope: scopeArb })
          .map(noUndefined),
        { maxLength: 3 },
      ),
      addresses: fc.array(fc.record({ dev: nic, cidr: fc.tuple(ipArb, fc.constantFrom(24, 32, 30)).map(([ip, p]) => `${ip}/${p}`), scope: scopeArb }).map(noUndefined), { maxLength: 2 }),
      dhcpHosts: fc.array(fc.record({ network: fc.constantFrom('pod-eth42', 'n1'), mac: macArb, ip: ipArb, scope: scopeArb }).map(noUndefined), { maxLength: 2 }),
      networks: fc.array(fc.record({ name: fc.constantFrom('n1', 'pod-eth42'), bridge: fc.constantFrom('virbr1', 'br0'), ips: fc.constant([{ cidr: '10.0.0.254/24' }]), scope: scopeArb }).map(noUndefined), { maxLength: 1 }),
    })
    .map((lists) => ({ apiVersion: 'wirestate/v1', scopes: twoScopes ? { pod: {}, other: {} } : { pod: {} }, ...lists }));
});

test('valid-looking topologies validate deterministically, the same from YAML and from TypeScript', (t) => {
  let valid = 0;
  fc.assert(
    fc.property(topologyArb, (input) => {
      const first = outcome(() => validateTopology(input));
      const again = outcome(() => validateTopology(structuredClone(input)));
      const fromYaml = outcome(() => parseTopology(stringify(input), 't.yaml'));
      const sortIssues = (o: Outcome) => (o.ok ? o : { ok: false, issues: [...o.issues].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))) });
      t.deepEqual(again, first);
      t.deepEqual(sortIssues(fromYaml), sortIssues(first));
      if (first.ok) {
        valid++;
        t.deepEqual(validateTopology(first.topology), first.topology);
      }
    }),
    { numRuns: 500 },
  );
  t.log(`${valid} of 500 random topologies were valid`);
  t.true(valid > 0, 'the generator produces some valid topologies');
});
