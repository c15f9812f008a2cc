/**
 * The seed binding over the real kernel, a private libvirtd and a standalone dnsmasq,
 * in both DHCP modes: a fault injected at every step k of the plan leaves the full
 * snapshot (links, addresses, routes, networks, reservations, DHCP servers, VM
 * interfaces) exactly as before the apply, decoys included; without a fault the plan
 * converges and a second plan is empty. Root only (namespaces, libvirtd); skipped otherwise.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { apply, expand, gatherFacts, isApplyFailure, plan, snapshotAll, validateTopology, type DriverSet, type Plan, type Scope, type State } from '@wirestate/core';
import { createSystemDrivers, FaultPlan, withFaults } from '../../src/index.ts';
import { startLibvirtd } from '../helpers/libvirtd.ts';
import { ipIn, isRoot, makeNetns } from '../helpers/netns.ts';
import { stable } from '../helpers/stable.ts';
import { tempStateDir } from '../helpers/state-dir.ts';
import { defineUserObjects } from '../libvirt/plain.ts';
import { domainXml } from '../libvirt/seed.ts';

// Without root every test here is skipped (ROOT_SKIP_REASON): they need namespaces and libvirtd.
const rootSerial = isRoot ? test.serial : test.serial.skip;

/** A private libvirtd in `ns`, and the system drivers (netlink, libvirt, dnsmasq) over scope `pod`, closed at teardown. */
async function systemIn(t: ExecutionContext, ns: string, tag: string) {
  const lv = await startLibvirtd(t, ns);
  const scope: Scope = { name: 'pod', netns: ns, libvirt: lv.uri };
  const system = createSystemDrivers({ scopes: [scope], stateDir: tempStateDir(t, tag) });
  t.teardown(() => system.close());
  const topology = (vms: readonly string[], bindings: readonly Record<string, string>[]) =>
    validateTopology({ apiVersion: 'wirestate/v1', scopes: { pod: { netns: ns, libvirt: lv.uri } }, vms: vms.map((name) => ({ name })), bindings });
  return { lv, drivers: system.drivers, snapshot: () => snapshotAll(system.drivers, [scope]), topology };
}

/**
 * Applies `p` once per step k with a fault at the k-th driver call: the engine must fail at
 * step k, every inverse must run, and the full snapshot must be `before` again. Returns
 * how many steps were tried (all of them unless an assertion stopped it).
 */
async function faultAtEveryStep(t: ExecutionContext, p: Plan, drivers: DriverSet, snapshot: () => Promise<State>, before: State): Promise<number> {
  for (let k = 0; k < p.steps.length; k++) {
    const faults = new FaultPlan([{ atCall: k }]);
    const faulty: DriverSet = Object.fromEntries(Object.entries(drivers).map(([n, d]) => [n, withFaults(d!, faults)]));
    const err = await apply(p, faulty, { pipeline: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const what = `step ${k} (${p.steps[k]!.id})`;
    if (!isApplyFailure(err)) {
      t.fail(`${what}: expected an apply failure, got ${String(err)}`);
      return k;
    }
    // An error of its own at an earlier step names itself: the fault never came.
    t.is(err.failedStep.index, k, `${what}: failed at ${err.failedStep.id}: ${err.message}`);
    // Later steps would start from a half-restored system: stop at the first broken rollback.
    if (err.rollbackFailures.length > 0) {
      t.fail(`${what}: ${err.rollbackFailures.map((f) => f.error.message).join('; ')}`);
      return k;
    }
    t.deepEqual(stable(await snapshot()), stable(before), `${what}: the full snapshot is back`);
  }
  return p.steps.length;
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

    const { lv, drivers, snapshot, topology: topologyOf } = await systemIn(t, ns, 'sfm');
    defineUserObjects(lv);
    const topology = topologyOf(['vm1'], [{ vm: 'vm1', podNic: 'eth42', mode }]);
    const before = await snapshot();
    const { facts, issues } = gatherFacts(topology, before);
    t.deepEqual(issues, []);
    const { desired, scopes } = expand(topology, facts);
    const p = plan(desired, before, { scopes });
    t.deepEqual(p.conflicts, []);
    t.true(p.steps.length >= 8, `${p.steps.length} steps`);

    await faultAtEveryStep(t, p, drivers, snapshot, before);
    t.log(`${p.steps.length} steps × 1 fault each: all rolled back exactly`);

    const done = await apply(p, drivers, { verify: { desired, snapshot, retries: 3, sleep: () => new Promise((r) => setTimeout(r, 500)) } });
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
  const { lv, drivers, snapshot, topology: topologyOf } = await systemIn(t, ns, 'gfm');
  for (const vm of ['vm1', 'vm2', 'vm3']) {
    writeFileSync(join(lv.dir, `${vm}.xml`), domainXml(vm, ''));
    lv.virsh('define', join(lv.dir, `${vm}.xml`));
  }
  const bindings = nics.map((podNic, i) => ({ vm: `vm${1 + (i % 3)}`, podNic, mode: i % 2 === 0 ? 'libvirt-network' : 'bridge' }));
  const topology = topologyOf(['vm1', 'vm2', 'vm3'], bindings);
  const before = await snapshot();
  const { desired, scopes } = expand(topology, gatherFacts(topology, before).facts);
  const p = plan(desired, before, { scopes });
  t.deepEqual(p.conflicts, []);
  t.true(p.steps.length >= 100, `${p.steps.length} steps`);
  const tried = await faultAtEveryStep(t, p, drivers, snapshot, before);
  t.log(`${tried} steps × 1 fault each over netlink, libvirt and dnsmasq: all rolled back exactly`);
});
