/** A recorded standalone dnsmasq instance (its files as dnsmasq ran them) replays without root. */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import type { DhcpServer } from '@wirestate/core';
import { configText, createDnsmasqDriver, instancePaths } from '../../src/dnsmasq/index.ts';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/recorded/dnsmasq/seed-link-local-bridge');

function stateFromRecording(t: import('ava').ExecutionContext): string {
  const stateDir = mkdtempSync(join(tmpdir(), 'wirestate-replay-'));
  t.teardown(() => rmSync(stateDir, { recursive: true, force: true }));
  const to = join(stateDir, 'dnsmasq', 'pod', 'eth42');
  mkdirSync(to, { recursive: true });
  cpSync(DIR, to, { recursive: true });
  for (const f of ['dnsmasq.conf', 'hosts', 'server.json']) {
    writeFileSync(join(to, f), readFileSync(join(to, f), 'utf8').split('@STATE@').join(stateDir));
  }
  return stateDir;
}

test('the config wirestate writes today is the one the recorded dnsmasq ran with', (t) => {
  const stateDir = stateFromRecording(t);
  const server = JSON.parse(readFileSync(join(DIR, 'server.json'), 'utf8')) as DhcpServer;
  const paths = instancePaths(stateDir, 'pod', 'eth42');
  t.is(configText(server, paths), readFileSync(paths.conf, 'utf8'));
});

test('a recorded instance that no longer runs snapshots as an owned server without pid, with its reservations', async (t) => {
  const stateDir = stateFromRecording(t);
  const server = JSON.parse(readFileSync(join(DIR, 'server.json'), 'utf8')) as DhcpServer;
  const snap = await createDnsmasqDriver({ stateDir }).snapshot([{ name: 'pod' }]);
  t.deepEqual(snap, {
    dhcpServers: { 'pod/eth42': { ...server, owned: true } },
    dhcpHosts: { 'pod/eth42/0a:58:0a:f4:00:05': { scope: 'pod', server: 'eth42', mac: '0a:58:0a:f4:00:05', ip: '10.244.0.5', owned: true } },
  });
});

test('adding a reservation to a server that is not managed here is a conflict and writes nothing', async (t) => {
  const stateDir = stateFromRecording(t);
  const driver = createDnsmasqDriver({ stateDir });
  const err = await t.throwsAsync(driver.execute({ type: 'dhcpHost.add', host: { scope: 'pod', server: 'other', mac: '0a:58:0a:f4:00:09', ip: '10.244.0.9' }, live: true }));
  t.like(err, { name: 'WirestateError', kind: 'conflict' });
  t.is(err?.message, 'adding dhcp host 0a:58:0a:f4:00:09 → 10.244.0.9 to dnsmasq other in scope pod: dnsmasq other is not managed here');
});

test('a second reservation for the same MAC is a conflict; deleting a missing one too', async (t) => {
  const stateDir = stateFromRecording(t);
  const driver = createDnsmasqDriver({ stateDir });
  const host = { scope: 'pod', server: 'eth42', mac: '0a:58:0a:f4:00:05', ip: '10.244.0.7' };
  t.like(await t.throwsAsync(driver.execute({ type: 'dhcpHost.add', host, live: true })), { kind: 'conflict' });
  t.like(await t.throwsAsync(driver.execute({ type: 'dhcpHost.delete', host: { ...host, mac: '0a:58:0a:f4:00:99' }, live: true })), { kind: 'conflict' });
  // The recorded dnsmasq is not running: the change is a file rewrite only, no signal.
  await driver.execute({ type: 'dhcpHost.modify', from: { ...host, ip: '10.244.0.5' }, host, live: true });
  t.is(readFileSync(instancePaths(stateDir, 'pod', 'eth42').hosts, 'utf8'), '0a:58:0a:f4:00:05,10.244.0.7,infinite\n');
});
