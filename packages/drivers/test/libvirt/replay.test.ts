/** Recorded `net-dumpxml`/`dumpxml` captures replay into the expected state without root. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { createLibvirtDriver } from '../../src/libvirt/index.ts';
import { stateFromCapture } from '../../src/libvirt/snapshot.ts';
import { EXPECTED_STATE } from './plain.ts';
import { loadCapture, recordedRunner } from './recorded.ts';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/recorded/libvirt/networks-and-domain-interfaces');

test('a recorded capture normalizes to the recorded expected state', (t) => {
  const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as unknown;
  t.deepEqual(stateFromCapture('pod', loadCapture(DIR)), expected);
  t.deepEqual(expected, EXPECTED_STATE);
});

test('the driver snapshots a recorded connection in two virsh processes', async (t) => {
  const { run, calls } = recordedRunner(loadCapture(DIR));
  const driver = createLibvirtDriver({ runner: run });
  const snap = await driver.snapshot([{ name: 'pod', libvirt: 'qemu:///system?socket=/nonexistent' }]);
  t.deepEqual(snap, EXPECTED_STATE);
  t.is(calls.length, 2);
  t.deepEqual(calls[0]?.slice(0, 2), ['-c', 'qemu:///system?socket=/nonexistent']);
});

test('a network that vanishes between listing and dumping is left out, not an error', async (t) => {
  const cap = loadCapture(DIR);
  const { lab: _gone, ...networkXml } = cap.networkXml;
  const { run } = recordedRunner({ ...cap, networkXml });
  const snap = await createLibvirtDriver({ runner: run }).snapshot([{ name: 'pod' }]);
  t.deepEqual(Object.keys(snap.networks).sort(), ['pod/default', 'pod/pod-eth42']);
});

test('a connection failure while listing is a driver_failure naming the scope', async (t) => {
  const driver = createLibvirtDriver({ runner: async () => ({ stdout: '', stderr: 'error: failed to connect to the hypervisor\n', code: 1 }) });
  const err = await t.throwsAsync(driver.snapshot([{ name: 'pod' }]));
  t.like(err, { name: 'WirestateError', kind: 'driver_failure' });
  t.regex(err?.message ?? '', /^listing networks and domains in scope pod: failed to connect to the hypervisor/);
});

test('a reservation on a network the driver has not read yet takes its lease time, read in one extra process', async (t) => {
  const { run, calls } = recordedRunner(loadCapture(DIR));
  const driver = createLibvirtDriver({ runner: run, scopes: [{ name: 'pod' }] });
  await driver.executeBatch([{ type: 'dhcpHost.add', host: { scope: 'pod', network: 'pod-eth42', mac: '0a:58:0a:f4:00:09', ip: '10.244.0.9' }, live: true }]);
  t.is(calls.length, 2);
  t.regex(calls[0]?.[2] ?? '', /net-dumpxml pod-eth42/);
  t.regex(calls[1]?.[2] ?? '', /net-update pod-eth42 add ip-dhcp-host '<host mac="0a:58:0a:f4:00:09" ip="10.244.0.9"><lease expiry="0"\/><\/host>' --config --live/);
});

test('undefining a network without our metadata is refused before any change is attempted', async (t) => {
  const cap = loadCapture(DIR);
  const { run, calls } = recordedRunner(cap);
  const driver = createLibvirtDriver({ runner: run, scopes: [{ name: 'pod' }] });
  const snap = await driver.snapshot([{ name: 'pod' }]);
  calls.length = 0;
  const network = snap.networks['pod/default'];
  if (network === undefined) return t.fail('recorded default network missing');
  const [outcome] = await driver.executeBatch([{ type: 'network.undefine', network: { ...network, owned: true } }]);
  t.like(outcome, { ok: false, error: { kind: 'conflict' } });
  t.is(calls.length, 1, 'only the ownership read ran');
  t.notRegex(calls.flat().join(' '), /net-undefine/);
});

test('a missing virsh binary is a driver_failure, for reads and for writes', async (t) => {
  const driver = createLibvirtDriver({ virsh: '/nonexistent/virsh', scopes: [{ name: 'pod' }] });
  const err = await t.throwsAsync(driver.snapshot([{ name: 'pod' }]));
  t.like(err, { name: 'WirestateError', kind: 'driver_failure' });
  t.regex(err?.message ?? '', /^reading libvirt in scope pod: .*ENOENT/);
  const [outcome] = await driver.executeBatch([{ type: 'network.start', network: { scope: 'pod', name: 'n', bridge: 'br-n' } }]);
  t.like(outcome, { ok: false, error: { kind: 'driver_failure' } });
});
