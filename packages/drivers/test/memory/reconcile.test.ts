/** reconcile() end to end on the memory driver: facts recorded once, idempotent, undone exactly. */
import { readFileSync } from 'node:fs';
import test from 'ava';
import { completeState, memoryFactsStore, parseTopology, reconcile, type State } from '@wirestate/core';
import { createMemorySystem } from '@wirestate/drivers';

const dir = new URL('../../../fixtures/scenarios/seed-extra-pod-nic/', import.meta.url);
const live = completeState(JSON.parse(readFileSync(new URL('live.json', dir), 'utf8')) as Partial<State>);
const seedText = readFileSync(new URL('topology.yaml', dir), 'utf8');

test('reconcile records facts before changing the pod NIC, converges, and a second run changes nothing', async (t) => {
  const sys = createMemorySystem(live);
  const facts = memoryFactsStore();
  const topology = parseTopology(seedText, 'seed.yaml');
  const first = await reconcile(topology, { drivers: sys.drivers, facts });
  t.true(first.result.verification?.converged);
  t.is(facts.current.podNics['pod/eth42']?.mac, '0a:58:0a:f4:00:05');
  t.deepEqual(facts.current.podNics['pod/eth42']?.addresses, ['10.244.0.5/24']);
  const second = await reconcile(topology, { drivers: sys.drivers, facts });
  t.is(second.plans.at(-1)?.steps.length, 0);
});

test('reconcile of the topology without the binding restores the pod NIC exactly and forgets its facts', async (t) => {
  const sys = createMemorySystem(live);
  const facts = memoryFactsStore();
  await reconcile(parseTopology(seedText, 'seed.yaml'), { drivers: sys.drivers, facts });
  const without = parseTopology(seedText.replace(/^bindings:[\s\S]*$/m, ''), 'seed.yaml');
  const res = await reconcile(without, { drivers: sys.drivers, facts });
  t.true(res.result.verification?.converged);
  t.deepEqual(sys.state, live);
  t.deepEqual(facts.current.podNics, {});
});

test('reconcile refuses a binding whose pod NIC looks bound but has no recorded facts, and changes nothing', async (t) => {
  const sys = createMemorySystem(live);
  const facts = memoryFactsStore();
  const topology = parseTopology(seedText, 'seed.yaml');
  await reconcile(topology, { drivers: sys.drivers, facts });
  const after = sys.state;
  const err = await t.throwsAsync(reconcile(topology, { drivers: sys.drivers, facts: memoryFactsStore() }));
  t.is((err as { issues?: { code: string }[] }).issues?.[0]?.code, 'facts_missing');
  t.is(sys.state, after);
});

test('a failing step during reconcile rolls back and leaves the recorded facts for a later run', async (t) => {
  const sys = createMemorySystem(live, { faults: [{ opType: 'vmInterface.attach' }] });
  const facts = memoryFactsStore();
  const err = await t.throwsAsync(reconcile(parseTopology(seedText, 'seed.yaml'), { drivers: sys.drivers, facts }));
  t.regex(err?.message ?? '', /injected fault on vmInterface\.attach/);
  t.deepEqual(sys.state, live);
  t.truthy(facts.current.podNics['pod/eth42']);
});
