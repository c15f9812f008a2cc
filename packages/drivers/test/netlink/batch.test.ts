/** executeBatch on the real kernel: hundreds of pipelined ops, per-op outcomes in order. */
import test from 'ava';
import type { Op } from '@wirestate/core';
import { createNetlinkDriver } from '../../src/netlink/index.ts';
import { ROOT_SKIP_REASON, ipIn, isRoot, makeNetns } from '../helpers/netns.ts';

// Root tests need network namespaces; without root they are skipped (ROOT_SKIP_REASON).
const rootTest = isRoot ? test : test.skip;
if (!isRoot) console.warn(`skipping netlink batch tests on the real kernel: ${ROOT_SKIP_REASON}`);

const scope = 'pod';
const N = 120;
const name = (i: number): string => `br${i}`;

rootTest('a batch of 250 independent ops runs pipelined and reports each failure at its position', async (t) => {
  const ns = makeNetns(t, 'nlbatch');
  ipIn(ns, 'link', 'add', 'name', 'decoy0', 'type', 'bridge');
  ipIn(ns, 'addr', 'add', '10.200.0.1/24', 'dev', 'decoy0');
  const driver = createNetlinkDriver({ scopes: [{ name: scope, netns: ns }] });
  t.teardown(() => driver.close?.());
  const before = await driver.snapshot([{ name: scope, netns: ns }]);

  const ops: Op[] = [];
  const failAt = new Map<number, string>();
  for (let i = 0; i < N; i++) ops.push({ type: 'link.create', link: { scope, name: name(i), kind: 'bridge', up: i % 2 === 0 } });
  failAt.set(ops.length, 'EEXIST');
  ops.push({ type: 'link.create', link: { scope, name: 'decoy0', kind: 'bridge' } });
  for (let i = 0; i < 100; i++) ops.push({ type: 'address.add', address: { scope, dev: 'decoy0', cidr: `10.201.${i}.1/24` } });
  failAt.set(ops.length, 'EADDRNOTAVAIL');
  ops.push({ type: 'address.delete', address: { scope, dev: 'decoy0', cidr: '10.202.0.1/24' } });
  for (let i = 0; i < 26; i++) ops.push({ type: 'link.set', scope, name: 'decoy0', attrs: { mtu: 1400 + i } });
  failAt.set(ops.length, 'ENODEV');
  ops.push({ type: 'link.set', scope, name: 'missing0', attrs: { up: true } });
  failAt.set(ops.length, 'ENODEV');
  ops.push({ type: 'route.add', route: { scope, dst: '10.210.0.0/16', dev: 'missing0' } });
  t.true(ops.length >= 250);

  const outcomes = await driver.executeBatch!(ops);
  t.is(outcomes.length, ops.length);
  outcomes.forEach((o, i) => {
    const code = failAt.get(i);
    if (code === undefined) t.true(o.ok, `op ${i} ${ops[i]!.type}: ${o.ok ? '' : o.error.message}`);
    else t.is(o.ok ? 'ok' : o.error.code, code, `op ${i} ${ops[i]!.type}`);
  });

  const after = await driver.snapshot([{ name: scope, netns: ns }]);
  for (let i = 0; i < N; i++) t.like(after.links?.[`${scope}/${name(i)}`], { kind: 'bridge', up: i % 2 === 0, owned: true });
  t.is(Object.keys(after.addresses ?? {}).length, 101);
  t.like(after.links?.[`${scope}/decoy0`], { owned: false });

  // Teardown in one batch: the bridges go as one group; a missing link fails alone.
  const deletes: Op[] = [];
  for (let i = 0; i < N; i++) deletes.push({ type: 'link.delete', link: { scope, name: name(i), kind: 'bridge' } });
  deletes.splice(7, 0, { type: 'link.delete', link: { scope, name: 'missing0', kind: 'bridge' } });
  const gone = await driver.executeBatch!(deletes);
  t.deepEqual(
    gone.map((o) => (o.ok ? 'ok' : o.error.code)),
    deletes.map((_, i) => (i === 7 ? 'ENODEV' : 'ok')),
  );
  const final = await driver.snapshot([{ name: scope, netns: ns }]);
  t.deepEqual(Object.keys(final.links ?? {}), ['pod/decoy0'], 'only the unowned decoy is left');
  t.deepEqual(final.links, { 'pod/decoy0': { ...before.links!['pod/decoy0']!, mtu: 1425 } });
});

rootTest('in one batch a creation whose ownership mark is refused is undone and reported, a refused veth leaves the link it collided with unmarked, and a malformed address fails alone', async (t) => {
  const ns = makeNetns(t, 'nlbatch2');
  ipIn(ns, 'link', 'add', 'name', 'decoy1', 'type', 'bridge');
  const driver = createNetlinkDriver({ scopes: [{ name: scope, netns: ns }] });
  t.teardown(() => driver.close?.());
  const before = await driver.snapshot([{ name: scope, netns: ns }]);

  const ops: Op[] = [
    { type: 'link.create', link: { scope, name: 'okbr0', kind: 'bridge', up: true } },
    // A bridge takes its MTU with the mark (see createLink); 70000 is beyond any bridge's maximum.
    { type: 'link.create', link: { scope, name: 'badbr0', kind: 'bridge', mtu: 70000 } },
    { type: 'link.create', link: { scope, name: 'okv0', kind: 'veth', peer: 'okv1' } },
    { type: 'link.create', link: { scope, name: 'decoy1', kind: 'veth', peer: 'decoyp1' } },
    { type: 'address.add', address: { scope, dev: 'decoy1', cidr: '10.300.0.1/24' } },
    { type: 'address.add', address: { scope, dev: 'decoy1', cidr: '10.203.0.1/24' } },
  ];
  const outcomes = await driver.executeBatch!(ops);
  t.deepEqual(
    outcomes.map((o) => (o.ok ? 'ok' : `${o.error.kind} ${o.error.code ?? ''}`.trim())),
    ['ok', 'invalid_argument EINVAL', 'ok', 'conflict EEXIST', 'invalid_argument', 'ok'],
  );
  const message = (i: number): string => (outcomes[i]!.ok ? '' : outcomes[i]!.error.message);
  t.regex(message(1), /^creating bridge badbr0 in scope pod: /);
  t.regex(message(3), /^creating veth decoy1 in scope pod: /);
  t.regex(message(4), /^adding address 10\.300\.0\.1\/24 to decoy1 in scope pod: /);

  const after = await driver.snapshot([{ name: scope, netns: ns }]);
  t.is(after.links?.['pod/badbr0'], undefined, 'the creation whose mark failed is undone');
  t.like(after.links?.['pod/okbr0'], { kind: 'bridge', up: true, owned: true });
  t.like(after.links?.['pod/okv0'], { kind: 'veth', peer: 'okv1', owned: true });
  t.like(after.links?.['pod/okv1'], { kind: 'veth', peer: 'okv0', owned: true });
  t.deepEqual(after.links?.['pod/decoy1'], before.links?.['pod/decoy1'], 'the link a refused creation collided with is left as found');
  t.is(after.links?.['pod/decoyp1'], undefined);
});
