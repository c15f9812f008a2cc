/** The pure readers of the CNI driver, on plugin output recorded from the real bridge and ptp plugins. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { parseCniError, parseCniResult } from '../../src/cni/result.ts';
import { parseNetworkConfig } from '../../src/cni/config.ts';
import { parseResolvConf } from '../../src/cni/resolv.ts';
import { kindOfCniCode } from '../../src/cni/invoke.ts';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/recorded/cni');
const recorded = (name: string): string => readFileSync(join(DIR, name), 'utf8');

test('a bridge + host-local 1.0.0 result gives the pod NIC MAC, address, gateway, routes and DNS', (t) => {
  const r = parseCniResult(recorded('bridge-host-local-1.0.0.json'), 'eth42');
  const { raw, ...rest } = r;
  t.deepEqual(rest, {
    cniVersion: '1.0.0',
    mac: 'c2:d1:03:aa:bf:d4',
    ips: ['10.244.0.5/24'],
    gateway: '10.244.0.1',
    routes: [{ dst: '10.96.0.0/12' }],
    dns: { nameservers: ['10.96.0.10'], search: ['default.svc.cluster.local', 'svc.cluster.local'] },
  });
  t.deepEqual(raw, JSON.parse(recorded('bridge-host-local-1.0.0.json')));
});

test('a 0.4.0 result with ips[].version is read the same way', (t) => {
  const r = parseCniResult(recorded('bridge-host-local-0.4.0.json'), 'eth43');
  t.is(r.cniVersion, '0.4.0');
  t.is(r.mac, '22:a7:5f:2a:a7:62');
  t.deepEqual(r.ips, ['10.244.0.7/24']);
  t.is(r.gateway, '10.244.0.1');
});

test('a ptp result with an empty dns object has no DNS and the default route', (t) => {
  const r = parseCniResult(recorded('ptp-host-local-1.0.0.json'), 'eth0');
  t.is(r.mac, 'ca:0e:61:ed:14:36');
  t.deepEqual(r.routes, [{ dst: '0.0.0.0/0' }]);
  t.is(r.dns, undefined);
});

test('without an ifname the pod interface is the one the IP points at', (t) => {
  t.is(parseCniResult(recorded('ptp-host-local-1.0.0.json')).mac, 'ca:0e:61:ed:14:36');
});

test('output that is not a result is a driver failure naming what is wrong', (t) => {
  const e1 = t.throws(() => parseCniResult('not json', 'eth0'));
  t.like(e1, { kind: 'driver_failure' });
  t.regex(e1?.message ?? '', /not JSON/);
  const e2 = t.throws(() => parseCniResult('{"ips":[]}', 'eth0'));
  t.regex(e2?.message ?? '', /no cniVersion/);
  const e3 = t.throws(() => parseCniResult('{"cniVersion":"1.0.0","ips":[{"address":"10.0.0.1"}]}', 'eth0'));
  t.regex(e3?.message ?? '', /without address\/prefix/);
});

test('a recorded plugin error is read with its code and message', (t) => {
  t.deepEqual(parseCniError(recorded('error-duplicate-add.json')), { code: 999, msg: 'container veth name provided (eth42) already exists' });
  t.is(parseCniError(recorded('bridge-host-local-1.0.0.json')), undefined);
  t.is(parseCniError('garbage'), undefined);
});

test('plugin error codes for bad input are not retried, others may be', (t) => {
  t.is(kindOfCniCode(7), 'invalid_argument');
  t.is(kindOfCniCode(3), 'conflict');
  t.is(kindOfCniCode(11), 'driver_failure');
  t.is(kindOfCniCode(999), 'driver_failure');
});

test('a .conf is one plugin and a .conflist a chain with name and version injected', (t) => {
  const one = parseNetworkConfig('{"cniVersion":"1.0.0","name":"pods","type":"bridge","bridge":"cni0"}');
  t.deepEqual(one.plugins.map((p) => p.type), ['bridge']);
  t.is(one.plugins[0]?.conf.bridge, 'cni0');
  const list = parseNetworkConfig('{"cniVersion":"1.0.0","name":"pods","plugins":[{"type":"ptp"},{"type":"tuning","mtu":1400}]}');
  t.deepEqual(list.plugins.map((p) => p.type), ['ptp', 'tuning']);
  t.like(list.plugins[1]?.conf, { name: 'pods', cniVersion: '1.0.0', mtu: 1400 });
});

test('a config without type, name or version, or with a type that is a path, is refused', (t) => {
  for (const [text, why] of [
    ['{"cniVersion":"1.0.0","name":"x"}', /no valid "type"/],
    ['{"cniVersion":"1.0.0","type":"bridge"}', /no "name"/],
    ['{"name":"x","type":"bridge"}', /no "cniVersion"/],
    ['{"cniVersion":"1.0.0","name":"x","type":"../../bin/sh"}', /no valid "type"/],
    ['{"cniVersion":"1.0.0","name":"x","plugins":[]}', /"plugins" is empty/],
    ['[1]', /not a JSON object/],
  ] as const) {
    const e = t.throws(() => parseNetworkConfig(text, 'f.conf'));
    t.is((e as { kind?: string }).kind, 'invalid_argument');
    t.regex(e?.message ?? '', why);
  }
});

test('resolv.conf nameserver and the last search line are read, comments ignored', (t) => {
  const text = '# generated\nnameserver 10.96.0.10\nsearch a.local\nnameserver 10.96.0.11 ; second\nsearch default.svc.cluster.local svc.cluster.local\noptions ndots:5\n';
  t.deepEqual(parseResolvConf(text), { servers: ['10.96.0.10', '10.96.0.11'], search: ['default.svc.cluster.local', 'svc.cluster.local'] });
  t.deepEqual(parseResolvConf('domain example.org\n'), { servers: [], search: ['example.org'] });
});
