/** A veth pair declared by one end converges: its peer is desired with it. */
import test from 'ava';
import { apply, completeState, expand, plan, validateTopology } from '@wirestate/core';
import { createMemorySystem } from '@wirestate/drivers';

test('a veth declared by one end is created with its peer, converges, and the peer is not deleted afterwards', async (t) => {
  const topology = validateTopology({
    apiVersion: 'wirestate/v1',
    scopes: { s: {} },
    links: [{ name: 'v0', kind: 'veth', peer: 'v1', up: true }],
  });
  const { desired } = expand(topology);
  t.deepEqual(Object.keys(desired.links).sort(), ['s/v0', 's/v1']);
  const sys = createMemorySystem({});
  const first = plan(desired, sys.state);
  t.deepEqual(first.steps.map((s) => s.command), ['ip link add name v0 type veth peer name v1 && ip link set v0 up']);
  await apply(first, sys.drivers);
  t.deepEqual(plan(desired, sys.state).steps, []);
  t.true(sys.state.links['s/v1']?.owned);
});

test('removing a veth from the topology deletes the pair in one step', async (t) => {
  const sys = createMemorySystem(completeState({}));
  const { desired } = expand(validateTopology({ apiVersion: 'wirestate/v1', scopes: { s: {} }, links: [{ name: 'v0', kind: 'veth', peer: 'v1' }] }));
  await apply(plan(desired, sys.state), sys.drivers);
  const gone = plan(expand(validateTopology({ apiVersion: 'wirestate/v1', scopes: { s: {} } })).desired, sys.state);
  t.deepEqual(gone.steps.map((s) => s.command), ['ip link delete v0']);
  await apply(gone, sys.drivers);
  t.deepEqual(sys.state.links, {});
});
