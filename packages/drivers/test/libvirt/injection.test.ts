/**
 * Input safety: a newline, quote, `<`, `>` or `&` in any string field of a libvirt or
 * dnsmasq op is rejected with the field's path before any process runs or file is written.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { Op } from '@wirestate/core';
import type { Runner } from '../../src/exec.ts';
import { createDnsmasqDriver } from '../../src/dnsmasq/index.ts';
import { createLibvirtDriver } from '../../src/libvirt/index.ts';
import { seedHost, seedIface, seedNetwork } from './seed.ts';

const PAYLOADS = ['\n', "'", '"', '<', '>', '&'];

type Path = readonly (string | number)[];

function setAt<T>(value: T, path: Path, leaf: unknown): T {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let cur = copy;
  for (const key of path.slice(0, -1)) cur = cur[key] as Record<string | number, unknown>;
  cur[path[path.length - 1] as string | number] = leaf;
  return copy as T;
}

function dotted(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

const network = seedNetwork();
const withRanges = { ...network, forward: 'nat' as const, mac: '52:54:00:00:00:01', ips: [{ cidr: '10.244.0.254/24', dhcpRanges: [{ start: '10.244.0.10', end: '10.244.0.20' }] }] };
const host = { ...seedHost(), hostname: 'vm1' };
const iface = { ...seedIface(), type: 'direct' as const, source: 'eth0', sourceMode: 'bridge' as const };

/** Every string field of each libvirt op, with the op it belongs to. */
const LIBVIRT_CASES: { op: (v: unknown, path: Path) => Op; paths: Path[] }[] = [
  {
    op: (v, p) => ({ type: 'network.define', network: setAt(withRanges, p.slice(1), v) }),
    paths: [
      ['network', 'name'],
      ['network', 'scope'],
      ['network', 'bridge'],
      ['network', 'forward'],
      ['network', 'mac'],
      ['network', 'ips', 0, 'cidr'],
      ['network', 'ips', 0, 'dhcpRanges', 0, 'start'],
      ['network', 'ips', 0, 'dhcpRanges', 0, 'end'],
      ['network', 'dhcpOptions', 'router'],
      ['network', 'dhcpOptions', 'routes', 0, 'dst'],
      ['network', 'dhcpOptions', 'routes', 1, 'gateway'],
      ['network', 'dhcpOptions', 'dnsServers', 0],
      ['network', 'dhcpOptions', 'searchDomains', 1],
    ],
  },
  ...(['network.undefine', 'network.start', 'network.destroy'] as const).map((type) => ({
    op: (v: unknown, p: Path): Op => ({ type, network: setAt(network, p.slice(1), v) }),
    paths: [['network', 'name'] as Path],
  })),
  {
    op: (v, p) => ({ type: 'dhcpHost.add', host: setAt(host, p.slice(1), v), live: true }),
    paths: [
      ['host', 'scope'],
      ['host', 'network'],
      ['host', 'mac'],
      ['host', 'ip'],
      ['host', 'hostname'],
    ],
  },
  {
    op: (v, p) =>
      p[0] === 'from'
        ? { type: 'dhcpHost.modify', from: setAt(host, p.slice(1), v), host, live: true }
        : { type: 'dhcpHost.modify', from: host, host: setAt(host, p.slice(1), v), live: true },
    paths: [
      ['from', 'mac'],
      ['from', 'hostname'],
      ['host', 'ip'],
      ['host', 'hostname'],
    ],
  },
  {
    op: (v, p) => ({ type: 'vmInterface.attach', iface: setAt(iface, p.slice(1), v), live: false }),
    paths: [
      ['iface', 'scope'],
      ['iface', 'domain'],
      ['iface', 'mac'],
      ['iface', 'source'],
      ['iface', 'sourceMode'],
      ['iface', 'model'],
    ],
  },
];

const neverRun: Runner = async () => {
  throw new Error('a process was started');
};

test('every string field of a libvirt op rejects each injection character with its path, before virsh runs', async (t) => {
  let calls = 0;
  const driver = createLibvirtDriver({
    runner: async (...a) => {
      calls += 1;
      return neverRun(...a);
    },
    scopes: [{ name: 'pod' }, ...PAYLOADS.map((p) => ({ name: `x${p}y` }))],
  });
  let checked = 0;
  for (const { op, paths } of LIBVIRT_CASES) {
    for (const path of paths) {
      for (const payload of PAYLOADS) {
        const o = op(`x${payload}y`, path);
        const [outcome] = await driver.executeBatch([o]);
        t.is(outcome?.ok, false, `${o.type} ${dotted(path)} ${JSON.stringify(payload)}`);
        if (outcome?.ok === false) {
          t.is(outcome.error.kind, 'invalid_argument', `${o.type} ${dotted(path)}`);
          t.true(outcome.error.message.includes(`${dotted(path)}: `), `${outcome.error.message} names ${dotted(path)}`);
        }
        checked += 1;
      }
    }
  }
  t.is(calls, 0);
  t.true(checked > 150);
});

test('the rejection message names the field and the character', async (t) => {
  const driver = createLibvirtDriver({ runner: neverRun, scopes: [{ name: 'pod' }] });
  const bad = setAt(network, ['dhcpOptions', 'searchDomains', 1], 'svc.cluster.local\nserver=evil');
  const err = await t.throwsAsync(driver.execute({ type: 'network.define', network: bad }));
  t.like(err, { name: 'WirestateError', kind: 'invalid_argument', code: 'unsafe_character' });
  t.is(err?.message, 'defining network pod-eth42 in scope pod: network.dhcpOptions.searchDomains[1]: contains the forbidden character "\\n"');
});

test('every string field of a dnsmasq op rejects each injection character with its path, before anything is written', async (t) => {
  const stateDir = mkdtempSync(join(tmpdir(), 'wirestate-inject-'));
  t.teardown(() => rmSync(stateDir, { recursive: true, force: true }));
  const driver = createDnsmasqDriver({ stateDir, runner: neverRun, scopes: [{ name: 'pod' }] });
  const server = { scope: 'pod', name: 'eth42', interface: 'br-eth42', subnet: '10.244.0.0/24', options: network.dhcpOptions };
  const dhost = { scope: 'pod', server: 'eth42', mac: '0a:58:0a:f4:00:05', ip: '10.244.0.5', hostname: 'vm1' };
  const cases: [Path, (v: string) => Op][] = [
    ...(['scope', 'name', 'interface', 'subnet'] as const).map((k): [Path, (v: string) => Op] => [['server', k], (v) => ({ type: 'dhcpServer.start', server: { ...server, [k]: v } })]),
    [['server', 'options', 'router'], (v) => ({ type: 'dhcpServer.start', server: setAt(server, ['options', 'router'], v) })],
    [['server', 'options', 'dnsServers', 0], (v) => ({ type: 'dhcpServer.start', server: setAt(server, ['options', 'dnsServers', 0], v) })],
    [['server', 'options', 'searchDomains', 0], (v) => ({ type: 'dhcpServer.start', server: setAt(server, ['options', 'searchDomains', 0], v) })],
    [['server', 'options', 'routes', 0, 'dst'], (v) => ({ type: 'dhcpServer.start', server: setAt(server, ['options', 'routes', 0, 'dst'], v) })],
    ...(['scope', 'server', 'mac', 'ip', 'hostname'] as const).map((k): [Path, (v: string) => Op] => [['host', k], (v) => ({ type: 'dhcpHost.add', host: { ...dhost, [k]: v }, live: true })]),
    [['server', 'name'], (v) => ({ type: 'dhcpServer.stop', server: { ...server, name: v } })],
  ];
  for (const [path, make] of cases) {
    for (const payload of PAYLOADS) {
      const err = await t.throwsAsync(driver.execute(make(`x${payload}y`)));
      t.like(err, { kind: 'invalid_argument' }, dotted(path));
      t.true(err?.message.includes(`${dotted(path)}: `), `${err?.message} names ${dotted(path)}`);
    }
  }
  t.deepEqual(readdirSync(stateDir), []);
});
