/**
 * The standalone dnsmasq driver on a bridge that holds only a link-local /32: a client
 * with the pod MAC gets the pod IP and options through `shared-network`, a reservation
 * change is a hosts-file rewrite + SIGHUP, and stop leaves nothing behind.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import type { DhcpHost, DhcpServer, Scope } from '@wirestate/core';
import { createDnsmasqDriver } from '../../src/dnsmasq/index.ts';
import { attachVmPort, requestLease } from '../helpers/dhcp-client.ts';
import { ipIn, isRoot, makeNetns } from '../helpers/netns.ts';
import { POD_MAC, seedNetwork } from '../libvirt/seed.ts';

// Skipped unless root (ROOT_SKIP_REASON): namespaces and a real dnsmasq.
const rootTest = isRoot ? test : test.skip;

const RECORD_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/recorded/dnsmasq/seed-link-local-bridge');

function setup(t: import('ava').ExecutionContext, tag: string) {
  const ns = makeNetns(t, tag);
  ipIn(ns, 'link', 'add', 'br-eth42', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0');
  ipIn(ns, 'addr', 'add', '169.254.75.1/32', 'dev', 'br-eth42');
  ipIn(ns, 'link', 'set', 'br-eth42', 'up');
  const stateDir = mkdtempSync(join(tmpdir(), 'wirestate-state-'));
  // dnsmasq re-reads its hosts file after dropping root.
  chmodSync(stateDir, 0o755);
  const scope: Scope = { name: 'pod', netns: ns };
  const driver = createDnsmasqDriver({ stateDir, scopes: [scope] });
  const server: DhcpServer = { scope: 'pod', name: 'eth42', interface: 'br-eth42', subnet: '10.244.0.0/24', options: seedNetwork().dhcpOptions };
  t.teardown(async () => {
    // Stops the dnsmasq by its pid even when the test failed half-way.
    try {
      await driver.execute({ type: 'dhcpServer.stop', server });
    } catch {
      // not running
    }
    rmSync(stateDir, { recursive: true, force: true });
  });
  return { ns, stateDir, scope, driver, server };
}

const host = (ip = '10.244.0.5'): DhcpHost => ({ scope: 'pod', server: 'eth42', mac: POD_MAC, ip });

rootTest('a standalone dnsmasq on a link-local bridge hands the pod IP and options to the pod MAC', async (t) => {
  const { ns, stateDir, scope, driver, server } = setup(t, 'dmdhcp');
  await driver.execute({ type: 'dhcpServer.start', server });
  await driver.execute({ type: 'dhcpHost.add', host: host(), live: true });
  const snap = await driver.snapshot([scope]);
  t.like(snap.dhcpServers['pod/eth42'], { ...server, owned: true });
  t.true((snap.dhcpServers['pod/eth42']?.pid ?? 0) > 0);
  t.deepEqual(snap.dhcpHosts[`pod/eth42/${POD_MAC}`], { ...host(), owned: true });
  t.false(ipIn(ns, '-4', 'addr', 'show', 'br-eth42').includes('10.244.'));

  const lease = await requestLease(t, attachVmPort(t, ns, 'br-eth42', POD_MAC));
  t.deepEqual(lease, {
    ip: '10.244.0.5',
    prefix: 24,
    router: '10.244.0.1',
    routes: [
      { dst: '10.96.0.0/12', gateway: '10.244.0.1' },
      { dst: '0.0.0.0/0', gateway: '10.244.0.1' },
    ],
    mtu: 1450,
    dns: ['10.96.0.10'],
    search: ['default.svc.cluster.local', 'svc.cluster.local'],
    lease: 4294967295,
    serverId: '169.254.75.1',
  });

  if (process.env.WIRESTATE_RECORD === '1') {
    // The instance's files as dnsmasq ran them, with the state dir replaced by a placeholder.
    const from = join(stateDir, 'dnsmasq', 'pod', 'eth42');
    mkdirSync(RECORD_DIR, { recursive: true });
    for (const f of ['dnsmasq.conf', 'hosts', 'server.json', 'dnsmasq.leases']) {
      writeFileSync(join(RECORD_DIR, f), readFileSync(join(from, f), 'utf8').split(stateDir).join('@STATE@'));
    }
    t.log(`recorded into ${RECORD_DIR}`);
  }
});

rootTest('a reservation change reaches the running dnsmasq by SIGHUP, and stop removes its process and files', async (t) => {
  const { ns, stateDir, scope, driver, server } = setup(t, 'dmlive');
  await driver.execute({ type: 'dhcpServer.start', server });
  await driver.execute({ type: 'dhcpHost.add', host: host(), live: true });
  const pid = (await driver.snapshot([scope])).dhcpServers['pod/eth42']?.pid;
  t.truthy(pid);
  await driver.execute({ type: 'dhcpHost.modify', from: host(), host: host('10.244.0.6'), live: true });
  t.is((await driver.snapshot([scope])).dhcpServers['pod/eth42']?.pid, pid);
  const lease = await requestLease(t, attachVmPort(t, ns, 'br-eth42', POD_MAC));
  t.is(lease.ip, '10.244.0.6');

  await driver.execute({ type: 'dhcpServer.stop', server });
  t.false(existsSync(`/proc/${pid}/cmdline`) && readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] !== 'Z');
  t.false(existsSync(join(stateDir, 'dnsmasq', 'pod', 'eth42')));
  t.deepEqual(await driver.snapshot([scope]), { dhcpServers: {}, dhcpHosts: {} });
});
