/**
 * libvirt ops against a private libvirtd: each op followed by its inverse restores the
 * exact prior snapshot; a batch runs in one virsh process with per-op outcomes; networks
 * wirestate did not define are refused.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import type { Op } from '@wirestate/core';
import { countingRunner } from '../../src/exec.ts';
import { createLibvirtDriver } from '../../src/libvirt/index.ts';
import { startLibvirtd } from '../helpers/libvirtd.ts';
import { isRoot, makeNetns } from '../helpers/netns.ts';
import { defineUserObjects } from './plain.ts';
import { domainXml, scopeFor, seedHost, seedIface, seedNetwork } from './seed.ts';

// Skipped unless root (ROOT_SKIP_REASON): namespaces, bind mounts and a real libvirtd.
const rootTest = isRoot ? test : test.skip;

async function setup(t: import('ava').ExecutionContext, tag: string) {
  const ns = makeNetns(t, tag);
  const lv = await startLibvirtd(t, ns);
  defineUserObjects(lv);
  const scope = scopeFor(ns, lv.uri);
  const counter = countingRunner();
  const driver = createLibvirtDriver({ scopes: [scope], runner: counter.run });
  return { lv, virsh: lv.virsh, scope, driver, counter };
}

rootTest('each libvirt op followed by its inverse restores the exact prior snapshot', async (t) => {
  const { scope, driver } = await setup(t, 'lvinv');
  const net = seedNetwork();
  const pairs: [string, Op, Op][] = [
    ['define', { type: 'network.define', network: net }, { type: 'network.undefine', network: net }],
  ];
  const steps: [string, Op, Op][] = [
    ['start', { type: 'network.start', network: net }, { type: 'network.destroy', network: net }],
    ['autostart', { type: 'network.autostart', network: net, autostart: true }, { type: 'network.autostart', network: net, autostart: false }],
    ['host add (config)', { type: 'dhcpHost.add', host: seedHost(), live: false }, { type: 'dhcpHost.delete', host: seedHost(), live: false }],
    ['attach (config)', { type: 'vmInterface.attach', iface: seedIface(), live: false }, { type: 'vmInterface.detach', iface: seedIface(), live: false }],
  ];
  const check = async ([what, op, inverse]: [string, Op, Op]): Promise<void> => {
    const before = await driver.snapshot([scope]);
    await driver.execute(op);
    const during = await driver.snapshot([scope]);
    t.notDeepEqual(during, before, `${what} changed nothing`);
    await driver.execute(inverse);
    t.deepEqual(await driver.snapshot([scope]), before, `${what} then its inverse`);
  };
  for (const p of pairs) await check(p);
  await driver.execute({ type: 'network.define', network: net });
  for (const s of steps) await check(s);
  // Live reservation changes on the running network, and a modify undone by the reverse modify.
  await driver.execute({ type: 'network.start', network: net });
  await check(['host add (live)', { type: 'dhcpHost.add', host: seedHost(), live: true }, { type: 'dhcpHost.delete', host: seedHost(), live: true }]);
  await driver.execute({ type: 'dhcpHost.add', host: seedHost(), live: true });
  const moved = seedHost('pod', '10.244.0.9');
  await check(['host modify (live)', { type: 'dhcpHost.modify', from: seedHost(), host: moved, live: true }, { type: 'dhcpHost.modify', from: moved, host: seedHost(), live: true }]);
  await check(['destroy', { type: 'network.destroy', network: net }, { type: 'network.start', network: net }]);
});

rootTest('a network started again puts back the ports nobody declared that its bridge lost when it stopped, those that still exist', async (t) => {
  const { scope, driver } = await setup(t, 'lvports');
  const net = seedNetwork();
  await driver.execute({ type: 'network.define', network: net });
  await driver.execute({ type: 'network.start', network: net });
  // A veth end stands in for a running VM's tap on the network's bridge.
  const ns = scope.netns!;
  const masterOf = (dev: string): string | undefined =>
    (JSON.parse(execFileSync('ip', ['-n', ns, '-j', 'link', 'show', 'dev', dev], { encoding: 'utf8' })) as { master?: string }[])[0]?.master;
  execFileSync('ip', ['-n', ns, 'link', 'add', 'tapish0', 'type', 'veth', 'peer', 'name', 'tapish1']);
  execFileSync('ip', ['-n', ns, 'link', 'set', 'tapish0', 'master', net.bridge]);
  await driver.execute({ type: 'network.destroy', network: net, ports: ['tapish0'] });
  t.is(masterOf('tapish0'), undefined, 'the kernel released the port with the bridge');
  await driver.execute({ type: 'network.start', network: net, ports: ['gone0', 'tapish0'] });
  t.is(masterOf('tapish0'), net.bridge);
});

rootTest('a batch of independent ops runs in one virsh process and reports each outcome in order', async (t) => {
  const { scope, driver, counter } = await setup(t, 'lvbatch');
  const a = { ...seedNetwork(), name: 'pod-a', bridge: 'br-a' };
  const b = { ...seedNetwork(), name: 'pod-b', bridge: 'br-b', ips: [{ cidr: '10.245.0.254/24', dhcp: true }] };
  await driver.snapshot([scope]);
  counter.reset();
  const outcomes = await driver.executeBatch([
    { type: 'network.define', network: a },
    { type: 'network.define', network: a },
    { type: 'network.define', network: b },
    { type: 'network.start', network: { ...b, name: 'missing' } },
  ]);
  t.is(counter.count(), 1);
  t.deepEqual(outcomes[0], { ok: true });
  t.like(outcomes[1], { ok: false, error: { kind: 'conflict' } });
  t.regex(outcomes[1]?.ok === false ? outcomes[1].error.message : '', /^defining network pod-a in scope pod: .*already exists/);
  t.deepEqual(outcomes[2], { ok: true });
  t.like(outcomes[3], { ok: false, error: { kind: 'conflict' } });
  const snap = await driver.snapshot([scope]);
  t.true(snap.networks['pod/pod-a']?.owned);
  t.true(snap.networks['pod/pod-b']?.owned);
});

rootTest('networks wirestate did not define are refused and stay untouched', async (t) => {
  const { scope, driver, virsh } = await setup(t, 'lvown');
  virsh('net-start', 'default');
  const before = await driver.snapshot([scope]);
  const plain = before.networks['pod/default'];
  t.like(plain, { owned: false, active: true });
  if (plain === undefined) return;
  for (const op of [{ type: 'network.destroy', network: plain }, { type: 'network.undefine', network: plain }] as const) {
    const err = await t.throwsAsync(driver.execute(op));
    t.like(err, { kind: 'conflict' });
    t.regex(err?.message ?? '', /network default in scope pod: refusing, the network does not carry wirestate's metadata/);
  }
  t.deepEqual(await driver.snapshot([scope]), before);
});

rootTest('rejected XML is an invalid_argument error with lowercase context', async (t) => {
  const { driver } = await setup(t, 'lvbad');
  // Our checks pass it, libvirt does not: a network on someone else's bridge cannot set an MTU.
  const err = await t.throwsAsync(driver.execute({ type: 'network.define', network: { ...seedNetwork(), forward: 'bridge' } }));
  t.like(err, { name: 'WirestateError', kind: 'invalid_argument' });
  t.regex(err?.message ?? '', /^defining network pod-eth42 in scope pod: /);
});

rootTest('an interface attached live to a running domain gets its tap on the bridge, in the config too', async (t) => {
  const { lv, virsh, scope, driver } = await setup(t, 'lvrun');
  // No OS: qemu idles in firmware. ACPI gives the PCI bus hotplug.
  writeFileSync(
    join(lv.dir, 'tiny.xml'),
    domainXml('tiny', '').replace('</os>', '</os>\n  <features><acpi/></features>'),
  );
  virsh('define', join(lv.dir, 'tiny.xml'));
  virsh('start', 'tiny');
  t.teardown(() => {
    try {
      virsh('destroy', 'tiny');
    } catch {
      // libvirtd already stopped, which kills qemu by its pid
    }
  });
  execFileSync('ip', ['-n', scope.netns as string, 'link', 'add', 'br-vm', 'type', 'bridge']);
  const iface = { ...seedIface('pod', 'tiny'), type: 'bridge' as const, source: 'br-vm' };
  t.like((await driver.snapshot([scope])).domains['pod/tiny'], { running: true });
  await driver.execute({ type: 'vmInterface.attach', iface, live: true });
  const live = (await driver.snapshot([scope])).vmInterfaces[`pod/tiny/${iface.mac}`];
  t.like(live, { ...iface, owned: false });
  const tap = live?.target ?? '';
  t.regex(tap, /^vnet\d+$/);
  t.regex(execFileSync('ip', ['-n', scope.netns as string, '-o', 'link', 'show', tap], { encoding: 'utf8' }), /master br-vm/);
  t.true(virsh('dumpxml', '--inactive', 'tiny').includes(iface.mac));
});
