/**
 * The seed network through the libvirt driver against a private libvirtd: a DHCP client
 * with the pod MAC gets exactly the pod IP and the options the pod had.
 */
import { execFileSync } from 'node:child_process';
import test from 'ava';
import { createLibvirtDriver } from '../../src/libvirt/index.ts';
import { attachVmPort, requestLease } from '../helpers/dhcp-client.ts';
import { startLibvirtd } from '../helpers/libvirtd.ts';
import { ipIn, isRoot, makeNetns } from '../helpers/netns.ts';
import { POD_MAC, scopeFor, seedHost, seedNetwork } from './seed.ts';

// Skipped unless root (ROOT_SKIP_REASON): namespaces, bind mounts and a real libvirtd.
const rootTest = isRoot ? test : test.skip;

rootTest('a VM with the pod MAC gets the pod IP, gateway, routes, MTU and DNS from the seed network', async (t) => {
  const ns = makeNetns(t, 'lvdhcp');
  const lv = await startLibvirtd(t, ns);
  const scope = scopeFor(ns, lv.uri);
  const driver = createLibvirtDriver({ scopes: [scope] });
  const net = seedNetwork();
  for (const outcome of await driver.executeBatch([{ type: 'network.define', network: net }])) t.deepEqual(outcome, { ok: true });
  await driver.execute({ type: 'network.start', network: net });
  await driver.execute({ type: 'dhcpHost.add', host: seedHost(), live: true });

  const snap = await driver.snapshot([scope]);
  t.like(snap.networks['pod/pod-eth42'], { name: 'pod-eth42', bridge: 'br-eth42', active: true, owned: true, dhcpOptions: net.dhcpOptions });
  t.deepEqual(snap.dhcpHosts[`pod/pod-eth42/${POD_MAC}`], { ...seedHost(), owned: true });
  t.is(lv.dnsmasqPids().length, 1);

  t.is(lv.dnsmasqPids().length, 1, 'dnsmasq runs before the client asks');
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
    serverId: '10.244.0.254',
  });
});

rootTest('a reservation change on a running network is applied live without restarting its dnsmasq', async (t) => {
  const ns = makeNetns(t, 'lvlive');
  const lv = await startLibvirtd(t, ns);
  const scope = scopeFor(ns, lv.uri);
  const driver = createLibvirtDriver({ scopes: [scope] });
  const net = seedNetwork();
  await driver.execute({ type: 'network.define', network: net });
  await driver.execute({ type: 'network.start', network: net });
  await driver.execute({ type: 'dhcpHost.add', host: seedHost(), live: true });
  const before = lv.dnsmasqPids();
  t.is(before.length, 1);

  await driver.execute({ type: 'dhcpHost.modify', from: seedHost(), host: seedHost('pod', '10.244.0.6'), live: true });
  t.deepEqual(lv.dnsmasqPids(), before);
  t.is(lv.dnsmasqPids().length, 1, 'dnsmasq runs before the client asks');
  const lease = await requestLease(t, attachVmPort(t, ns, 'br-eth42', POD_MAC));
  t.is(lease.ip, '10.244.0.6');
  const snap = await driver.snapshot([scope]);
  t.is(snap.dhcpHosts[`pod/pod-eth42/${POD_MAC}`]?.ip, '10.244.0.6');
});

rootTest('the seed network serves the pod IP from a bridge holding only a link-local address', async (t) => {
  const ns = makeNetns(t, 'lvll');
  const lv = await startLibvirtd(t, ns);
  const scope = scopeFor(ns, lv.uri);
  const driver = createLibvirtDriver({ scopes: [scope] });
  // No address of the pod subnet on the bridge: dnsmasq serves it through shared-network.
  const net = { ...seedNetwork(), ips: [{ cidr: '169.254.75.1/32', dhcp: true }], sharedSubnet: '10.244.0.0/24' };
  for (const outcome of await driver.executeBatch([{ type: 'network.define', network: net }])) t.deepEqual(outcome, { ok: true });
  await driver.execute({ type: 'network.start', network: net });
  await driver.execute({ type: 'dhcpHost.add', host: seedHost(), live: true });
  t.like((await driver.snapshot([scope])).networks['pod/pod-eth42'], { ips: net.ips, sharedSubnet: '10.244.0.0/24', active: true, owned: true });
  t.false(ipIn(ns, '-4', 'addr', 'show', 'br-eth42').includes('10.244.'));

  t.is(lv.dnsmasqPids().length, 1, 'dnsmasq runs before the client asks');
  const lease = await requestLease(t, attachVmPort(t, ns, 'br-eth42', POD_MAC));
  t.like(lease, { ip: '10.244.0.5', prefix: 24, router: '10.244.0.1', mtu: 1450, dns: ['10.96.0.10'], lease: 4294967295, serverId: '169.254.75.1' });
  t.deepEqual(lease.routes, net.dhcpOptions?.routes);
});

rootTest('an open-mode seed network hands out the same lease and leaves the pod netns firewall alone', async (t) => {
  const ns = makeNetns(t, 'lvopen');
  const lv = await startLibvirtd(t, ns);
  const scope = scopeFor(ns, lv.uri);
  const driver = createLibvirtDriver({ scopes: [scope] });
  const net = { ...seedNetwork(), forward: 'open' as const, ips: [{ cidr: '169.254.75.1/32', dhcp: true }], sharedSubnet: '10.244.0.0/24' };
  for (const op of [{ type: 'network.define', network: net }, { type: 'network.start', network: net }] as const) await driver.execute(op);
  await driver.execute({ type: 'dhcpHost.add', host: seedHost(), live: true });
  const rules = execFileSync('ip', ['netns', 'exec', ns, 'iptables', '-S'], { encoding: 'utf8' });
  t.false(rules.includes('br-eth42'), rules);

  const lease = await requestLease(t, attachVmPort(t, ns, 'br-eth42', POD_MAC));
  t.like(lease, { ip: '10.244.0.5', prefix: 24, router: '10.244.0.1', mtu: 1450, dns: ['10.96.0.10'], lease: 4294967295 });
  t.deepEqual(lease.routes, net.dhcpOptions?.routes);
});
