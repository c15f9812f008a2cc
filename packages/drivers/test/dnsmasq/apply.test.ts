/**
 * The engine over the real dnsmasq driver: starting a server and reserving the pod IP
 * converges (the second plan is empty), and a fault at any step rolls back to the exact
 * prior snapshot — no dnsmasq left running, no files left behind.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { apply, completeState, isApplyFailure, plan, WirestateError } from '@wirestate/core';
import type { Driver, State } from '@wirestate/core';
import { attachVmPort, requestLease } from '../helpers/dhcp-client.ts';
import { isRoot } from '../helpers/netns.ts';
import { POD_MAC } from '../libvirt/seed.ts';
import { seedServerHost, standaloneSeed } from './standalone.ts';

// Skipped unless root (ROOT_SKIP_REASON): namespaces and a real dnsmasq.
const rootTest = isRoot ? test : test.skip;

rootTest('a standalone DHCP plan converges, and a fault at any step leaves no dnsmasq and no files', async (t) => {
  const { ns, stateDir, scope, driver, server } = standaloneSeed(t, 'dmapply');
  const snapshot = async (): Promise<State> => completeState(await driver.snapshot([scope]));
  const desired = completeState({
    dhcpServers: { 'pod/eth42': server },
    dhcpHosts: { [`pod/eth42/${POD_MAC}`]: seedServerHost() },
  });
  const before = await snapshot();
  const p = plan(desired, before, { scopes: { pod: scope } });
  t.deepEqual(p.conflicts, []);
  t.is(p.steps.length, 2, p.steps.map((s) => s.command).join('\n'));

  for (let k = 0; k < p.steps.length; k++) {
    let seen = 0;
    const faulty: Driver = {
      name: 'dnsmasq',
      snapshot: (s) => driver.snapshot(s),
      async execute(op) {
        if (seen++ === k) throw new WirestateError('driver_failure', `injected fault at op ${k}`);
        await driver.execute(op);
      },
    };
    const err = await t.throwsAsync(apply(p, { dnsmasq: faulty }, { pipeline: false }));
    t.true(isApplyFailure(err));
    if (isApplyFailure(err)) t.deepEqual(err.rollbackFailures, []);
    t.deepEqual(await snapshot(), before);
    t.deepEqual(readdirSync(stateDir).flatMap((d) => readdirSync(join(stateDir, d, 'pod'))), []);
  }

  const result = await apply(p, { dnsmasq: driver }, { verify: { desired, snapshot } });
  t.true(result.verification?.converged);
  t.deepEqual(plan(desired, await snapshot(), { scopes: { pod: scope } }).steps, []);
  t.is((await requestLease(t, attachVmPort(t, ns, 'br-eth42', POD_MAC))).ip, '10.244.0.5');
});
