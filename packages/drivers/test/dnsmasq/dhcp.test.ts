/**
 * The standalone dnsmasq driver on a bridge that holds only a link-local /32: a client
 * with the pod MAC gets the pod IP and options through `shared-network`, a reservation
 * change is a hosts-file rewrite + SIGHUP, and stop leaves nothing behind.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { attachVmPort, requestLease } from '../helpers/dhcp-client.ts';
import { ipIn, isRoot } from '../helpers/netns.ts';
import { alive } from '../helpers/process.ts';
import { POD_MAC, seedLease } from '../libvirt/seed.ts';
import { seedServerHost, standaloneSeed } from './standalone.ts';

// Skipped unless root (ROOT_SKIP_REASON): namespaces and a real dnsmasq.
const rootTest = isRoot ? test : test.skip;

const RECORD_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/recorded/dnsmasq/seed-link-local-bridge');

rootTest('a standalone dnsmasq on a link-local bridge hands the pod IP and options to the pod MAC', async (t) => {
  const { ns, stateDir, scope, driver, server } = standaloneSeed(t, 'dmdhcp');
  await driver.execute({ type: 'dhcpServer.start', server });
  await driver.execute({ type: 'dhcpHost.add', host: seedServerHost(), live: true });
  const snap = await driver.snapshot([scope]);
  t.like(snap.dhcpServers['pod/eth42'], { ...server, owned: true });
  t.true((snap.dhcpServers['pod/eth42']?.pid ?? 0) > 0);
  t.deepEqual(snap.dhcpHosts[`pod/eth42/${POD_MAC}`], { ...seedServerHost(), owned: true });
  t.false(ipIn(ns, '-4', 'addr', 'show', 'br-eth42').includes('10.244.'));

  const lease = await requestLease(t, attachVmPort(t, ns, 'br-eth42', POD_MAC));
  t.deepEqual(lease, seedLease('169.254.75.1'));

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
  const { ns, stateDir, scope, driver, server } = standaloneSeed(t, 'dmlive');
  await driver.execute({ type: 'dhcpServer.start', server });
  await driver.execute({ type: 'dhcpHost.add', host: seedServerHost(), live: true });
  const pid = (await driver.snapshot([scope])).dhcpServers['pod/eth42']?.pid;
  t.truthy(pid);
  await driver.execute({ type: 'dhcpHost.modify', from: seedServerHost(), host: seedServerHost('10.244.0.6'), live: true });
  t.is((await driver.snapshot([scope])).dhcpServers['pod/eth42']?.pid, pid);
  const lease = await requestLease(t, attachVmPort(t, ns, 'br-eth42', POD_MAC));
  t.is(lease.ip, '10.244.0.6');

  await driver.execute({ type: 'dhcpServer.stop', server });
  t.false(alive(pid!));
  t.false(existsSync(join(stateDir, 'dnsmasq', 'pod', 'eth42')));
  t.deepEqual(await driver.snapshot([scope]), { dhcpServers: {}, dhcpHosts: {} });
});
