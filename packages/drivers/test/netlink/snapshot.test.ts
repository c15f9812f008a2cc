/** Snapshot round trip on the real kernel, and the recorded dump replayed without root. */
import test from 'ava';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { createNetlinkDriver, recordSnapshot, snapshotFromRecording } from '../../src/netlink/index.ts';
import { ROOT_SKIP_REASON, isRoot, makeNetns } from '../helpers/netns.ts';
import { EXPECTED, SCOPE, buildTopology } from './topology.ts';

const FIXTURE = fileURLToPath(new URL('../../../fixtures/recorded/netlink/bridge-veth-tap-macvtap/', import.meta.url));
// Root tests need network namespaces; without root they are skipped (ROOT_SKIP_REASON).
const rootTest = isRoot ? test : test.skip;
if (!isRoot) console.warn(`skipping netlink snapshot tests on the real kernel: ${ROOT_SKIP_REASON}`);

rootTest('a namespace built with ip snapshots to exactly the expected state', async (t) => {
  const ns = makeNetns(t, 'nlsnap');
  const other = makeNetns(t, 'nlsnap-far');
  buildTopology(ns, other);
  const driver = createNetlinkDriver();
  t.teardown(() => driver.close?.());
  const state = await driver.snapshot([{ name: SCOPE, netns: ns }]);
  t.deepEqual(state, EXPECTED);
  if (process.env.WIRESTATE_RECORD_FIXTURES === '1') await recordSnapshot({ name: SCOPE, netns: ns }, FIXTURE);
});

rootTest('several scopes snapshot in one call, each keyed by its own scope name', async (t) => {
  const a = makeNetns(t, 'nlsnap-a');
  const b = makeNetns(t, 'nlsnap-b');
  buildTopology(a, b);
  const driver = createNetlinkDriver();
  t.teardown(() => driver.close?.());
  const state = await driver.snapshot([
    { name: SCOPE, netns: a },
    { name: 'far', netns: `/var/run/netns/${b}` },
  ]);
  t.deepEqual(state.links?.['far/host0'], { scope: 'far', name: 'host0', kind: 'device', mac: state.links?.['far/host0']?.mac, mtu: 1500, up: true, owned: false });
  t.deepEqual(state.links?.['pod/br0'], EXPECTED.links['pod/br0']);
});

test('the recorded dump replays to the expected state without root', async (t) => {
  const replay = await snapshotFromRecording(FIXTURE, SCOPE);
  const expected = JSON.parse(await readFile(`${FIXTURE}expected.json`, 'utf8')) as unknown;
  t.deepEqual(replay, expected);
  t.deepEqual(expected, EXPECTED);
});
