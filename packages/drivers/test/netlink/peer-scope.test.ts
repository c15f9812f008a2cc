/** Owned veths whose peer is in another scope: the snapshot names the peer and its scope. */
import test from 'ava';
import { createNetlinkDriver } from '../../src/netlink/index.ts';
import { getLinkInNsidRequest, getNsidRequest, nsidOfReply } from '../../src/netlink/peer-scopes.ts';
import { ROOT_SKIP_REASON, ipIn, isRoot, makeNetns } from '../helpers/netns.ts';

// Root tests need network namespaces; without root they are skipped (ROOT_SKIP_REASON).
const rootTest = isRoot ? test : test.skip;
if (!isRoot) console.warn(`skipping netlink cross-scope peer tests on the real kernel: ${ROOT_SKIP_REASON}`);

rootTest('an owned veth pair split across two namespaces snapshots with peer and peerScope on both ends', async (t) => {
  const a = makeNetns(t, 'nlpeer-a');
  const b = makeNetns(t, 'nlpeer-b');
  ipIn(a, 'link', 'add', 'name', 'xa', 'type', 'veth', 'peer', 'name', 'xb', 'netns', b);
  ipIn(a, 'link', 'set', 'xa', 'alias', 'wirestate');
  ipIn(b, 'link', 'set', 'xb', 'alias', 'wirestate');
  // An unowned split veth (what CNI makes) stays an opaque device without a peer.
  ipIn(a, 'link', 'add', 'name', 'ca', 'type', 'veth', 'peer', 'name', 'cb', 'netns', b);
  const scopes = [
    { name: 'left', netns: a },
    { name: 'right', netns: b },
  ];
  const driver = createNetlinkDriver({ scopes });
  t.teardown(() => driver.close?.());
  const state = await driver.snapshot(scopes);
  t.like(state.links?.['left/xa'], { kind: 'veth', peer: 'xb', peerScope: 'right', owned: true });
  t.like(state.links?.['right/xb'], { kind: 'veth', peer: 'xa', peerScope: 'left', owned: true });
  t.like(state.links?.['left/ca'], { kind: 'device', owned: false });
  t.is(state.links?.['left/ca']?.peer, undefined);

  // Snapshotting one scope alone still finds the peer in a scope the driver knows.
  const alone = await driver.snapshot([scopes[0]!]);
  t.like(alone.links?.['left/xa'], { peer: 'xb', peerScope: 'right' });
});

rootTest('an owned veth whose peer is in a namespace no scope names snapshots without a peer', async (t) => {
  const a = makeNetns(t, 'nlpeer-c');
  const hidden = makeNetns(t, 'nlpeer-d');
  ipIn(a, 'link', 'add', 'name', 'ya', 'type', 'veth', 'peer', 'name', 'yb', 'netns', hidden);
  ipIn(a, 'link', 'set', 'ya', 'alias', 'wirestate');
  const driver = createNetlinkDriver({ scopes: [{ name: 'left', netns: a }] });
  t.teardown(() => driver.close?.());
  const state = await driver.snapshot([{ name: 'left', netns: a }]);
  t.like(state.links?.['left/ya'], { kind: 'veth', owned: true });
  t.is(state.links?.['left/ya']?.peer, undefined);
  t.is(state.links?.['left/ya']?.peerScope, undefined);
});

test('the nsid and the far-link requests carry the fd and the target nsid', (t) => {
  const nsid = getNsidRequest(7);
  t.is(nsid.type, 90);
  t.deepEqual([...nsid.payload], [0, 0, 0, 0, 8, 0, 3, 0, 7, 0, 0, 0]);
  const link = getLinkInNsidRequest(12, 3);
  t.is(link.type, 18);
  t.is(Buffer.from(link.payload).readInt32LE(4), 12);
  t.deepEqual([...link.payload.subarray(16)], [8, 0, 46, 0, 3, 0, 0, 0]);
  // RTM_NEWNSID reply: rtgenmsg (4 bytes), then NETNSA_NSID = 5.
  t.is(nsidOfReply(Buffer.from([0, 0, 0, 0, 8, 0, 1, 0, 5, 0, 0, 0])), 5);
  t.is(nsidOfReply(Buffer.from([0, 0, 0, 0])), undefined);
});
