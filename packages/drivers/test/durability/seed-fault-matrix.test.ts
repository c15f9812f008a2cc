/**
 * The seed binding over the real kernel, a private libvirtd and a standalone dnsmasq,
 * in both DHCP modes: a fault injected at every step k of the plan leaves the full
 * snapshot (links, addresses, routes, networks, reservations, DHCP servers, VM
 * interfaces) exactly as before the apply, decoys included; without a fault the plan
 * converges and a second plan is empty. Root only (namespaces, libvirtd); skipped otherwise.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { apply, expand, gatherFacts, isApplyFailure, plan, snapshotAll, validateTopology, type DriverSet, type Scope, type State } from '@wirestate/core';
import { createSystemDrivers, FaultPlan, withFaults } from '../../src/index.ts';
import { startLibvirtd } from '../helpers/libvirtd.ts';
import { ipIn, isRoot, makeNetns } from '../helpers/netns.ts';
import { PLAIN_NAT_XML, USER_INTERFACES_XML } from '../libvirt/plain.ts';
import { domainXml } from '../libvirt/seed.ts';

// Without root every test here is skipped (ROOT_SKIP_REASON): they need namespaces and libvirtd.
const rootSerial = isRoot ? test.serial : test.serial.skip;

/** The snapshot without what a real system renumbers on its own (dnsmasq pids, libvirt's tap names). */
function stable(s: State): State {
  const strip = <T extends object>(records: Readonly<Record<string, T>>, field: string): Record<string, T> =>
    Object.fromEntries(Object.entries(records).map(([k, v]) => [k, Object.fromEntries(Object.entries(v).filter(([f]) => f !== field)) as T]));
  return { ...s, dhcpServers: strip(s.dhcpServers, 'pid'), vmInterfaces: strip(s.vmInterfaces, 'target') };
}

for (const mode of ['libvirt-network', 'bridge'] as const) {
  rootSerial(`seed in ${mode} mode: a fault at every step restores the full snapshot, decoys untouched, and the plan converges without one`, async (t) => {
    const ns = makeNetns(t, 'sfm');
    // The pod: eth0 with the default route, eth42 (the pod NIC) in the same subnet with a route of its own, and a decoy bridge.
    ipIn(ns, 'link', 'add', 'name', 'eth0', 'type', 'veth', 'peer', 'name', 'p0');
    ipIn(ns, 'link', 'add', 'name', 'eth42', 'type', 'veth', 'peer', 'name', 'p42');
    ipIn(ns, 'link', 'set', 'eth42', 'mtu', '1450');
    for (const l of ['eth0', 'p0', 'eth42', 'p42']) ipIn(ns, 'link', 'set', l, 'up');
    ipIn(ns, 'address', 'add', '10.244.0.4/24', 'dev', 'eth0');
    ipIn(ns, 'address', 'add', '10.244.0.5/24', 'dev', 'eth42');
    ipIn(ns, 'route', 'add', 'default', 'via', '10.244.0.1', 'dev', 'eth0');
    ipIn(ns, 'route', 'add', '10.96.0.0/12', 'via', '10.244.0.1', 'dev', 'eth42');
    ipIn(ns, 'link', 'add', 'name', 'decoy0', 'type', 'bridge');
    ipIn(ns, 'address', 'add', '10.250.0.1/24', 'dev', 'decoy0');
    ipIn(ns, 'link', 'set', 'decoy0', 'up');
    ipIn(ns, 'route', 'add', '10.251.0.0/16', 'via', '10.250.0.254', 'dev', 'decoy0');

    const lv = await startLibvirtd(t, ns);
    const virsh = (...args: string[]): string => execFileSync('virsh', ['-c', lv.uri, ...args], { encoding: 'utf8' });
    writeFileSync(join(lv.dir, 'nat.xml'), PLAIN_NAT_XML);
    writeFileSync(join(lv.dir, 'vm1.xml'), domainXml('vm1', USER_INTERFACES_XML));
    virsh('net-define', join(lv.dir, 'nat.xml'));
    virsh('define', join(lv.dir, 'vm1.xml'));

    const stateDir = mkdtempSync(join(tmpdir(), 'wirestate-sfm-'));
    chmodSync(stateDir, 0o755);
    t.teardown(() => rmSync(stateDir, { recursive: true, force: true }));
    const scope: Scope = { name: 'pod', netns: ns, libvirt: lv.uri };
    const system = createSystemDrivers({ scopes: [scope], stateDir });
    t.teardown(() => system.close());
    const snapshot = () => snapshotAll(system.drivers, [scope]);

    const topology = validateTopology({
      apiVersion: 'wirestate/v1',
      scopes: { pod: { netns: ns, libvirt: lv.uri } },
      vms: [{ name: 'vm1' }],
      bindings: [{ vm: 'vm1', podNic: 'eth42', mode }],
    });
    const before = await snapshot();
    const { facts, issues } = gatherFacts(topology, before);
    t.deepEqual(issues, []);
    const { desired, scopes } = expand(topology, facts);
    const p = plan(desired, before, { scopes });
    t.deepEqual(p.conflicts, []);
    t.true(p.steps.length >= 8, `${p.steps.length} steps`);

    for (let k = 0; k < p.steps.length; k++) {
      const faults = new FaultPlan([{ atCall: k }]);
      const drivers: DriverSet = Object.fromEntries(Object.entries(system.drivers).map(([n, d]) => [n, withFaults(d!, faults)]));
      const err = await apply(p, drivers, { pipeline: false }).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (!isApplyFailure(err)) return t.fail(`step ${k}: expected an apply failure, got ${String(err)}`);
      t.is(err.failedStep.index, k);
      t.deepEqual(err.rollbackFailures.map((f) => f.error.message), [], `step ${k}: every inverse ran`);
      t.deepEqual(stable(await snapshot()), stable(before), `step ${k} (${p.steps[k]!.op.type}): the full snapshot is back`);
    }
    t.log(`${p.steps.length} steps × 1 fault each: all rolled back exactly`);

    const done = await apply(p, system.drivers, { verify: { desired, snapshot, retries: 3, sleep: () => new Promise((r) => setTimeout(r, 500)) } });
    t.true(done.verification?.converged, JSON.stringify(done.verification?.remaining));
    t.deepEqual(plan(desired, await snapshot(), { scopes }).steps, []);
    const after = await snapshot();
    t.deepEqual(after.links['pod/decoy0'], before.links['pod/decoy0']);
    t.deepEqual(after.networks['pod/default'], before.networks['pod/default']);
    t.deepEqual(
      Object.values(after.vmInterfaces).filter((i) => i.mac !== facts.podNics['pod/eth42']!.mac).map((i) => ({ ...i, target: undefined })),
      Object.values(before.vmInterfaces).map((i) => ({ ...i, target: undefined })),
      "the user's own interfaces of vm1 are untouched",
    );
  });
}

rootSerial('a generated plan of over 100 steps (twelve bindings, both DHCP modes): a fault at every step restores the full snapshot', async (t) => {
  const ns = makeNetns(t, 'gfm');
  const nics = Array.from({ length: 12 }, (_, i) => `eth${40 + i}`);
  ipIn(ns, 'link', 'add', 'name', 'decoy0', 'type', 'bridge');
  ipIn(ns, 'link', 'set', 'decoy0', 'up');
  nics.forEach((nic, i) => {
    ipIn(ns, 'link', 'add', 'name', nic, 'type', 'veth', 'peer', 'name', `p${40 + i}`);
    ipIn(ns, 'link', 'set', nic, 'up');
    ipIn(ns, 'link', 'set', `p${40 + i}`, 'up');
    ipIn(ns, 'address', 'add', `10.${100 + i}.0.5/24`, 'dev', nic);
    ipIn(ns, 'route', 'add', `10.${200 + i}.0.0/16`, 'via', `10.${100 + i}.0.1`, 'dev', nic);
  });
  const lv = await startLibvirtd(t, ns);
  const virsh = (...args: string[]): string => execFileSync('virsh', ['-c', lv.uri, ...args], { encoding: 'utf8' });
  for (const vm of ['vm1', 'vm2', 'vm3']) {
    writeFileSync(join(lv.dir, `${vm}.xml`), domainXml(vm, ''));
    virsh('define', join(lv.dir, `${vm}.xml`));
  }
  const stateDir = mkdtempSync(join(tmpdir(), 'wirestate-gfm-'));
  chmodSync(stateDir, 0o755);
  t.teardown(() => rmSync(stateDir, { recursive: true, force: true }));
  const scope: Scope = { name: 'pod', netns: ns, libvirt: lv.uri };
  const system = createSystemDrivers({ scopes: [scope], stateDir });
  t.teardown(() => system.close());
  const snapshot = () => snapshotAll(system.drivers, [scope]);
  const topology = validateTopology({
    apiVersion: 'wirestate/v1',
    scopes: { pod: { netns: ns, libvirt: lv.uri } },
    vms: [{ name: 'vm1' }, { name: 'vm2' }, { name: 'vm3' }],
    bindings: nics.map((podNic, i) => ({ vm: `vm${1 + (i % 3)}`, podNic, mode: i % 2 === 0 ? 'libvirt-network' : 'bridge' })),
  });
  const before = await snapshot();
  const { desired, scopes } = expand(topology, gatherFacts(topology, before).facts);
  const p = plan(desired, before, { scopes });
  t.deepEqual(p.conflicts, []);
  t.true(p.steps.length >= 100, `${p.steps.length} steps`);
  let tried = 0;
  for (let k = 0; k < p.steps.length; k++) {
    const faults = new FaultPlan([{ atCall: k }]);
    const drivers: DriverSet = Object.fromEntries(Object.entries(system.drivers).map(([n, d]) => [n, withFaults(d!, faults)]));
    const err = await apply(p, drivers, { pipeline: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!isApplyFailure(err)) return t.fail(`step ${k}: expected an apply failure`);
    if (err.rollbackFailures.length > 0) return t.fail(`step ${k}: ${err.rollbackFailures.map((f) => f.error.message).join('; ')}`);
    t.deepEqual(stable(await snapshot()), stable(before), `step ${k} (${p.steps[k]!.id}): the full snapshot is back`);
    tried++;
  }
  t.log(`${tried} steps × 1 fault each over netlink, libvirt and dnsmasq: all rolled back exactly`);
});
