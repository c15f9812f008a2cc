/**
 * A batch's creations take the ifindexes above the highest the driver knows (no echo of the
 * new link needed to learn it); one taken meanwhile by somebody else's link is refused with
 * EBUSY and retried op by op, where the kernel picks. A master recreated behind the driver's
 * back (a new ifindex for the same name) is looked up again. Real kernel, in a namespace the
 * test makes.
 */
import test from 'ava';
import { createNetlinkDriver } from '../../src/netlink/index.ts';
import { ROOT_SKIP_REASON, ipIn, isRoot, makeNetns } from '../helpers/netns.ts';

// Root tests need network namespaces; without root they are skipped (ROOT_SKIP_REASON).
const rootTest = isRoot ? test : test.skip;
if (!isRoot) console.warn(`skipping ifindex tests on the real kernel: ${ROOT_SKIP_REASON}`);

interface IpLink {
  readonly ifindex: number;
  readonly ifname: string;
  readonly ifalias?: string;
  readonly master?: string;
}

function links(ns: string): Map<string, IpLink> {
  return new Map((JSON.parse(ipIn(ns, '-j', 'link', 'show')) as IpLink[]).map((l) => [l.ifname, l]));
}

for (const [taken, whose] of [[3, 'the veth'], [4, 'its peer']] as const) {
  rootTest(`creations in a batch take the next ifindexes, and one taken meanwhile (${whose}) falls back to the kernel picking it`, async (t) => {
    const ns = makeNetns(t, 'ix');
    const scope = { name: 'pod', netns: ns };
    const driver = createNetlinkDriver({ scopes: [scope] });
    t.teardown(() => driver.close?.());
    await driver.snapshot([scope]);
    // The driver knows lo (1): it will choose 2 for the bridge, 3 and 4 for the veth pair.
    // Somebody else takes one of them after the snapshot.
    ipIn(ns, 'link', 'add', 'name', 'other0', 'index', String(taken), 'type', 'bridge');
    const outcomes = await driver.executeBatch!([
      { type: 'link.create', link: { scope: 'pod', name: 'br5', kind: 'bridge', up: true } },
      { type: 'link.create', link: { scope: 'pod', name: 'va5', kind: 'veth', peer: 'vb5' } },
    ]);
    t.deepEqual(outcomes, [{ ok: true }, { ok: true }]);
    const after = links(ns);
    t.is(after.get('br5')?.ifindex, 2);
    t.not(after.get('va5')?.ifindex, taken);
    t.not(after.get('vb5')?.ifindex, taken);
    t.is(after.get('other0')?.ifindex, taken);
    t.deepEqual(['br5', 'va5', 'vb5', 'other0'].map((n) => after.get(n)?.ifalias), ['wirestate', 'wirestate', 'wirestate', undefined]);
    // The indexes the driver keeps are the kernel's: ops by index on both links land on them.
    const more = await driver.executeBatch!([
      { type: 'address.add', address: { scope: 'pod', dev: 'br5', cidr: '10.9.0.1/24' } },
      { type: 'address.add', address: { scope: 'pod', dev: 'va5', cidr: '10.9.1.1/24' } },
    ]);
    t.deepEqual(more, [{ ok: true }, { ok: true }]);
    t.regex(ipIn(ns, 'addr', 'show', 'dev', 'br5'), /10\.9\.0\.1\/24/);
    t.regex(ipIn(ns, 'addr', 'show', 'dev', 'va5'), /10\.9\.1\.1\/24/);
  });
}

rootTest("a bridge recreated behind the driver's back is looked up again: links are enslaved to it and created on it, op by op and in a batch", async (t) => {
  const ns = makeNetns(t, 'ixm');
  const scope = { name: 'pod', netns: ns };
  ipIn(ns, 'link', 'add', 'name', 'br0', 'type', 'bridge');
  for (const v of ['v0', 'v1', 'v2']) ipIn(ns, 'link', 'add', 'name', v, 'type', 'veth', 'peer', 'name', `${v}p`);
  const driver = createNetlinkDriver({ scopes: [scope] });
  t.teardown(() => driver.close?.());
  // The snapshot tells the driver br0's ifindex; then br0 is deleted and made again, as libvirt
  // does with a network's bridge when the network restarts.
  await driver.snapshot([scope]);
  const remake = (): number => {
    ipIn(ns, 'link', 'del', 'br0');
    ipIn(ns, 'link', 'add', 'name', 'br0', 'type', 'bridge');
    return links(ns).get('br0')!.ifindex;
  };
  const before = links(ns).get('br0')!.ifindex;
  t.not(remake(), before);
  await driver.execute({ type: 'link.set', scope: 'pod', name: 'v0', attrs: { master: 'br0' } });
  t.is(links(ns).get('v0')?.master, 'br0', 'one op');
  remake();
  const set = await driver.executeBatch!(
    ['v1', 'v2'].map((name) => ({ type: 'link.set', scope: 'pod', name, attrs: { master: 'br0' } }) as const),
  );
  t.deepEqual(set, [{ ok: true }, { ok: true }]);
  t.deepEqual(['v1', 'v2'].map((n) => links(ns).get(n)?.master), ['br0', 'br0'], 'a batch');
  remake();
  const created = await driver.executeBatch!([{ type: 'link.create', link: { scope: 'pod', name: 'v3', kind: 'veth', peer: 'v3p', master: 'br0' } }]);
  t.deepEqual(created, [{ ok: true }]);
  t.is(links(ns).get('v3')?.master, 'br0', 'a creation');
});
