/**
 * The seed scenario's netlink part on the real kernel, through the engine: pod NIC eth42
 * (a CNI-style veth with its peer in another namespace) gives its address and routes up,
 * changes MAC and joins bridge br-eth42 beside eth0 and its default route. Apply converges
 * and re-plans empty; a fault at any step rolls back to the exact prior snapshot; unowned
 * objects survive everything.
 */
import test from 'ava';
import { apply, completeState, expand, gatherFacts, isApplyFailure, parseTopology, plan, WirestateError } from '@wirestate/core';
import type { Driver, ResourceKind, State } from '@wirestate/core';
import { createNetlinkDriver } from '../../src/netlink/index.ts';
import { ipIn, isRoot, makeNetns } from '../helpers/netns.ts';

// Root tests need network namespaces; without root they are skipped (ROOT_SKIP_REASON).
const rootTest = isRoot ? test : test.skip;

const KINDS: readonly ResourceKind[] = ['links', 'addresses', 'routes'];

function buildPod(ns: string, far: string): void {
  const ip = (...a: string[]): string => ipIn(ns, ...a);
  ip('link', 'add', 'name', 'eth0', 'address', '0a:58:0a:f4:00:04', 'mtu', '1450', 'type', 'veth', 'peer', 'name', 'h0', 'netns', far);
  ip('link', 'add', 'name', 'eth42', 'address', '0a:58:0a:f4:00:05', 'mtu', '1450', 'type', 'veth', 'peer', 'name', 'h42', 'netns', far);
  ip('link', 'set', 'eth0', 'up');
  ip('link', 'set', 'eth42', 'up');
  ip('addr', 'add', '10.244.0.4/24', 'dev', 'eth0');
  ip('addr', 'add', '10.244.0.5/24', 'dev', 'eth42');
  ip('route', 'add', 'default', 'via', '10.244.0.1', 'dev', 'eth0', 'proto', '4');
  ip('route', 'add', '10.96.0.0/12', 'via', '10.244.0.1', 'dev', 'eth42', 'proto', '4');
  // Decoys nobody declared: they must survive apply and every rollback.
  ip('link', 'add', 'name', 'decoy0', 'type', 'bridge');
  ip('link', 'set', 'decoy0', 'up');
  ip('addr', 'add', '10.250.0.1/24', 'dev', 'decoy0');
  ip('route', 'add', '10.251.0.0/16', 'via', '10.250.0.254', 'dev', 'decoy0');
}

function netlinkOnly(s: State): State {
  return completeState({ links: s.links, addresses: s.addresses, routes: s.routes });
}

rootTest('the seed plan converges on the real kernel, re-plans empty, and a fault at any step rolls back exactly', async (t) => {
  const ns = makeNetns(t, 'nlseed');
  const far = makeNetns(t, 'nlseed-far');
  buildPod(ns, far);
  const scope = { name: 'pod', netns: ns };
  const driver = createNetlinkDriver({ scopes: [scope] });
  t.teardown(() => driver.close?.());
  const snapshot = async (): Promise<State> => completeState(await driver.snapshot([scope]));

  const before = await snapshot();
  const topology = parseTopology(
    `apiVersion: wirestate/v1\nscopes:\n  pod:\n    netns: ${ns}\nvms:\n  - name: vm1\nbindings:\n  - vm: vm1\n    podNic: eth42\n    mode: bridge\n`,
    'seed.yaml',
  );
  const { facts, issues } = gatherFacts(topology, before);
  t.deepEqual(issues, []);
  const { desired: full, scopes } = expand(topology, facts);
  const desired = netlinkOnly(full);
  const p = plan(desired, before, { scopes, kinds: KINDS });
  t.deepEqual(p.conflicts, []);
  t.deepEqual(
    p.steps.map((s) => s.op.type),
    ['route.delete', 'address.delete', 'link.set', 'link.create', 'link.set', 'address.add'],
    p.steps.map((s) => s.command).join('\n'),
  );

  for (let k = 0; k < p.steps.length; k++) {
    let seen = 0;
    const faulty: Driver = {
      name: 'netlink',
      snapshot: (s) => driver.snapshot(s),
      async execute(op) {
        if (seen++ === k) throw new WirestateError('driver_failure', `injected fault at op ${k}`);
        await driver.execute(op);
      },
    };
    const err = await t.throwsAsync(apply(p, { netlink: faulty }, { pipeline: false }));
    t.true(isApplyFailure(err), String(err));
    if (isApplyFailure(err)) t.deepEqual(err.rollbackFailures, [], `rollback after a fault at step ${k}`);
    t.deepEqual(await snapshot(), before, `namespace after a fault at step ${k}`);
  }

  const result = await apply(p, { netlink: driver }, { verify: { desired, snapshot } });
  t.true(result.verification?.converged, JSON.stringify(result.verification));
  const after = await snapshot();
  t.deepEqual(plan(desired, after, { scopes, kinds: KINDS }).steps, [], 'second plan is empty');
  t.like(after.links['pod/eth42'], { kind: 'device', master: 'br-eth42', up: true, mac: full.links['pod/eth42']?.mac, owned: false });
  t.like(after.links['pod/br-eth42'], { kind: 'bridge', up: true, mtu: 1450, owned: true });
  t.is(after.addresses['pod/eth42/10.244.0.5/24'], undefined);
  t.is(after.routes['pod/10.96.0.0/12/eth42/0'], undefined);
  for (const id of ['pod/eth0', 'pod/decoy0']) t.deepEqual(after.links[id], before.links[id], `${id} untouched`);
  for (const id of ['pod/eth0/10.244.0.4/24', 'pod/decoy0/10.250.0.1/24']) t.deepEqual(after.addresses[id], before.addresses[id]);
  for (const id of ['pod/default/eth0/0', 'pod/10.251.0.0/16/decoy0/0']) t.deepEqual(after.routes[id], before.routes[id]);
});
