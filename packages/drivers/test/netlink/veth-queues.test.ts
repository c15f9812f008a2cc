/**
 * Veth pairs are created with one TX and one RX queue on each end, on the batch path and
 * on the op-by-op path: the queues the kernel enables anyway, without the trim that costs
 * an RCU grace period per end. Real kernel, in a namespace the test makes.
 */
import test from 'ava';
import { createNetlinkDriver } from '../../src/netlink/index.ts';
import { ROOT_SKIP_REASON, ipIn, isRoot, makeNetns, sh } from '../helpers/netns.ts';

// Root tests need network namespaces; without root they are skipped (ROOT_SKIP_REASON).
const rootTest = isRoot ? test : test.skip;
if (!isRoot) console.warn(`skipping veth queue tests on the real kernel: ${ROOT_SKIP_REASON}`);

/** numtxqueues and numrxqueues of a link (`ip -d`), then its TX and RX queues in use (sysfs). */
function queues(ns: string, name: string): [number, number, number, number] {
  const [l] = JSON.parse(ipIn(ns, '-j', '-d', 'link', 'show', 'dev', name)) as { num_tx_queues: number; num_rx_queues: number }[];
  const used = sh('ip', ['netns', 'exec', ns, 'ls', `/sys/class/net/${name}/queues`]).split(/\s+/);
  return [l!.num_tx_queues, l!.num_rx_queues, used.filter((q) => q.startsWith('tx-')).length, used.filter((q) => q.startsWith('rx-')).length];
}

rootTest('a veth pair has one TX and one RX queue on each end, whichever path creates it', async (t) => {
  const ns = makeNetns(t, 'vq');
  const driver = createNetlinkDriver({ scopes: [{ name: 'pod', netns: ns }] });
  t.teardown(() => driver.close?.());
  await driver.snapshot([{ name: 'pod', netns: ns }]);
  const outcomes = await driver.executeBatch!([{ type: 'link.create', link: { scope: 'pod', name: 'qa', kind: 'veth', peer: 'qb', up: true } }]);
  t.true(outcomes[0]?.ok);
  await driver.execute({ type: 'link.create', link: { scope: 'pod', name: 'qc', kind: 'veth', peer: 'qd' } });
  for (const name of ['qa', 'qb', 'qc', 'qd']) t.deepEqual(queues(ns, name), [1, 1, 1, 1], name);
});
