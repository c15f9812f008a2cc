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
