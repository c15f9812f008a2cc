/** diff over an expanded state: every desired record, expanded ones included, in declaration order. */
import test from 'ava';
import { completeState, diff, expand, validateTopology } from '@wirestate/core';

const topology = () =>
  validateTopology({
    apiVersion: 'wirestate/v1',
    scopes: { s: {} },
    links: [
      { name: 'b', kind: 'bridge' },
      { name: 'v0', kind: 'veth', peer: 'v1' },
      { name: 'a', kind: 'bridge' },
    ],
    addresses: [{ dev: 'b', cidr: '10.0.0.1/24' }],
  });

test('diff creates every declared and expanded record, in the order they were declared', (t) => {
  const { desired } = expand(topology());
  const changes = diff(desired, completeState({}), ['links', 'addresses']).changes;
  t.deepEqual(
    changes.map((c) => `${c.action} ${c.id}`),
    ['create s/b', 'create s/v0', 'create s/a', 'create s/v1', 'create s/b/10.0.0.1/24'],
  );
});

test('an expanded state is read-only: a record cannot be added behind diff’s back', (t) => {
  const { desired } = expand(topology());
  t.throws(() => {
    (desired.links as Record<string, unknown>)['s/x'] = { scope: 's', name: 'x', kind: 'bridge' };
  }, { instanceOf: TypeError });
  t.is(Object.keys(desired.links).length, 4);
});
