/**
 * A batch's creations take the ifindexes above the highest the driver knows (no echo of the
 * new link needed to learn it); one taken meanwhile by somebody else's link is refused with
 * EBUSY and retried op by op, where the kernel picks. Real kernel, in a namespace the test makes.
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
