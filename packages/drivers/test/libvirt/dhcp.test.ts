/**
 * The seed network through the libvirt driver against a private libvirtd: a DHCP client
 * with the pod MAC gets exactly the pod IP and the options the pod had.
 */
import { execFileSync } from 'node:child_process';
import test, { type ExecutionContext } from 'ava';
import type { Network } from '@wirestate/core';
import { createLibvirtDriver } from '../../src/libvirt/index.ts';
import { attachVmPort, requestLease } from '../helpers/dhcp-client.ts';
import { startLibvirtd } from '../helpers/libvirtd.ts';
import { ipIn, isRoot, makeNetns } from '../helpers/netns.ts';
import { POD_MAC, scopeFor, seedHost, seedLease, seedNetwork } from './seed.ts';

// Skipped unless root (ROOT_SKIP_REASON): namespaces, bind mounts and a real libvirtd.
const rootTest = isRoot ? test : test.skip;

/** A private libvirtd in a new netns running `net` with the seed reservation, and what a client with the pod MAC gets from it. */
async function serve(t: ExecutionContext, tag: string, net: Network) {
  const ns = makeNetns(t, tag);
  const lv = await startLibvirtd(t, ns);
  const scope = scopeFor(ns, lv.uri);
  const driver = createLibvirtDriver({ scopes: [scope] });
  for (const outcome of await driver.executeBatch([{ type: 'network.define', network: net }])) t.deepEqual(outcome, { ok: true });
  await driver.execute({ type: 'network.start', network: net });
  await driver.execute({ type: 'dhcpHost.add', host: seedHost(), live: true });
  const lease = async () => {
    t.is(lv.dnsmasqPids().length, 1, 'dnsmasq runs before the client asks');
    return requestLease(t, attachVmPort(t, ns, 'br-eth42', POD_MAC));
  };
  return { ns, lv, scope, driver, lease };
}

/** The seed network served from a bridge holding only a link-local address: dnsmasq serves the pod subnet through shared-network. */
const linkLocal = (): Network => ({ ...seedNetwork(), ips: [{ cidr: '169.254.75.1/32', dhcp: true }], sharedSubnet: '10.244.0.0/24' });

rootTest('a VM with the pod MAC gets the pod IP, gateway, routes, MTU and DNS from the seed network', async (t) => {
  const net = seedNetwork();
  const { scope, driver, lease } = await serve(t, 'lvdhcp', net);
  const snap = await driver.snapshot([scope]);
  t.like(snap.networks['pod/pod-eth42'], { name: 'pod-eth42', bridge: 'br-eth42', active: true, owned: true, dhcpOptions: net.dhcpOptions });
  t.deepEqual(snap.dhcpHosts[`pod/pod-eth42/${POD_MAC}`], { ...seedHost(), owned: true });
  t.deepEqual(await lease(), seedLease('10.244.0.254'));
});

rootTest('a reservation change on a running network is applied live without restarting its dnsmasq', async (t) => {
  const { lv, scope, driver, lease } = await serve(t, 'lvlive', seedNetwork());
  const before = lv.dnsmasqPids();
  t.is(before.length, 1);
  await driver.execute({ type: 'dhcpHost.modify', from: seedHost(), host: seedHost('pod', '10.244.0.6'), live: true });
  t.deepEqual(lv.dnsmasqPids(), before);
  t.is((await lease()).ip, '10.244.0.6');
  t.is((await driver.snapshot([scope])).dhcpHosts[`pod/pod-eth42/${POD_MAC}`]?.ip, '10.244.0.6');
});

rootTest('the seed network serves the pod IP from a bridge holding only a link-local address', async (t) => {
  const net = linkLocal();
  const { ns, scope, driver, lease } = await serve(t, 'lvll', net);
  t.like((await driver.snapshot([scope])).networks['pod/pod-eth42'], { ips: net.ips, sharedSubnet: '10.244.0.0/24', active: true, owned: true });
  t.false(ipIn(ns, '-4', 'addr', 'show', 'br-eth42').includes('10.244.'));
  t.deepEqual(await lease(), seedLease('169.254.75.1'));
});

rootTest('an open-mode seed network hands out the same lease and leaves the pod netns firewall alone', async (t) => {
  const { ns, lease } = await serve(t, 'lvopen', { ...linkLocal(), forward: 'open' });
  const rules = execFileSync('ip', ['netns', 'exec', ns, 'iptables', '-S'], { encoding: 'utf8' });
  t.false(rules.includes('br-eth42'), rules);
  t.deepEqual(await lease(), seedLease('169.254.75.1'));
});
