/**
 * Crash matrix of the seed on real components: `wirestate apply` of the binding (libvirt
 * network or bridge + standalone dnsmasq) is SIGKILLed at every step boundary — after a
 * step is recorded done, and after it ran but before its record — then `wirestate recover`
 * must bring netlink, libvirt and dnsmasq back to the pre-apply snapshot, leave no dnsmasq
 * of ours running and no lock held, and say there is nothing more to recover.
 * Root only (namespaces, a private libvirtd); skipped otherwise.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { snapshotAll, type Scope } from '@wirestate/core';
import { createSystemDrivers } from '@wirestate/drivers';
import { scopeLock, stateLayout } from '@wirestate/state';
import { startLibvirtd } from '../../drivers/test/helpers/libvirtd.ts';
import { ipIn, isRoot, makeNetns } from '../../drivers/test/helpers/netns.ts';
import { stable } from '../../drivers/test/helpers/stable.ts';
import { tempStateDir } from '../../drivers/test/helpers/state-dir.ts';
import { domainXml } from '../../drivers/test/libvirt/seed.ts';
import { runCli } from './helpers/durable.ts';

// Without root every test here is skipped (ROOT_SKIP_REASON): they need namespaces and libvirtd.
const rootSerial = isRoot ? test.serial : test.serial.skip;

for (const mode of ['libvirt-network', 'bridge'] as const) {
  rootSerial(`seed in ${mode} mode: apply killed at every step boundary, then recover, gives back the full snapshot`, async (t) => {
    const ns = makeNetns(t, 'scrash');
    ipIn(ns, 'link', 'add', 'name', 'eth42', 'type', 'veth', 'peer', 'name', 'p42');
    ipIn(ns, 'link', 'set', 'eth42', 'up');
    ipIn(ns, 'link', 'set', 'p42', 'up');
    ipIn(ns, 'address', 'add', '10.244.0.5/24', 'dev', 'eth42');
    ipIn(ns, 'route', 'add', '10.96.0.0/12', 'via', '10.244.0.1', 'dev', 'eth42');
    ipIn(ns, 'link', 'add', 'name', 'decoy0', 'type', 'bridge');
    ipIn(ns, 'address', 'add', '10.250.0.1/24', 'dev', 'decoy0');
    const lv = await startLibvirtd(t, ns);
    writeFileSync(join(lv.dir, 'vm1.xml'), domainXml('vm1', ''));
    lv.virsh('define', join(lv.dir, 'vm1.xml'));

    const dir = tempStateDir(t, 'scrash');
    const topology = join(dir, 'topology.yaml');
    writeFileSync(
      topology,
      `apiVersion: wirestate/v1\nscopes:\n  pod:\n    netns: ${ns}\n    libvirt: "${lv.uri}"\nvms:\n  - name: vm1\nbindings:\n  - vm: vm1\n    podNic: eth42\n    mode: ${mode}\n`,
    );
    const stateDir = join(dir, 'state');
    const scope: Scope = { name: 'pod', netns: ns, libvirt: lv.uri };
    const snapshot = async (): Promise<unknown> => {
      const sys = createSystemDrivers({ scopes: [scope], stateDir });
      try {
        return stable(await snapshotAll(sys.drivers, [scope]));
      } finally {
        await sys.close();
      }
    };
    const run = (args: readonly string[], env: NodeJS.ProcessEnv = {}) => runCli(['--state-dir', stateDir, ...args], env);

    const pre = await snapshot();
    const plan = await run(['plan', '-f', topology, '--json']);
    t.is(plan.code, 0, plan.stderr);
    const steps = (JSON.parse(plan.stdout) as { steps: unknown[] }).steps.length;
    t.true(steps >= 8, `${steps} steps`);
    let kills = 0;
    for (let k = 1; k <= steps; k++) {
      for (const env of [{ WIRESTATE_TEST_KILL_AFTER_STEP: String(k) }, { WIRESTATE_TEST_KILL_BEFORE_DONE: String(k) }]) {
        const what = `${Object.keys(env)[0]}=${k}`;
        const r = await run(['apply', '-f', topology], env);
        t.is(r.signal, 'SIGKILL', `${what}: ${r.stderr}`);
        kills++;
        const refused = await run(['plan', '-f', topology]);
        t.is(refused.code, 1, `${what}: commands refuse until recover`);
        const rec = await run(['recover']);
        t.is(rec.code, 0, `${what}: ${rec.stderr}`);
        t.deepEqual(await snapshot(), pre, `${what}: the full snapshot is back`);
        t.is((await run(['recover'])).stdout, 'Nothing to recover.\n');
        const release = await scopeLock(stateLayout(stateDir), { timeoutMs: 0, command: 'test' }).acquire(['pod']);
        await release();
      }
    }
    t.log(`${kills} kills at step boundaries of the ${mode} seed plan, each recovered exactly`);
    const applied = await run(['apply', '-f', topology]);
    t.is(applied.code, 0, applied.stderr);
    const rolled = await run(['rollback', '-f', topology]);
    t.is(rolled.code, 0, rolled.stderr);
    t.deepEqual(await snapshot(), pre, 'rollback after a full apply gives back the full snapshot');
  });
}
