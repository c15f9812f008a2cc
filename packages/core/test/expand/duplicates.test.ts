/** Two declarations of one resource: expansion names both places. */
import test from 'ava';
import { expand, type Topology, ValidationError } from '@wirestate/core';
import { facts } from './facts.ts';

function issuesOf(t: Record<string, unknown>): { path: readonly (string | number)[]; message: string }[] {
  const topology = { apiVersion: 'wirestate/v1', scopes: { pod: {} }, ...t } as unknown as Topology;
  try {
    expand(topology, facts);
  } catch (e) {
    if (e instanceof ValidationError) return e.issues.map((i) => ({ path: i.path, message: i.message }));
    throw e;
  }
  return [];
}

test('a link listed twice is blamed at the second element, naming the first', (t) => {
  const link = { scope: 'pod', name: 'br0', kind: 'bridge' };
  const issues = issuesOf({ links: [{ scope: 'pod', name: 'x', kind: 'bridge' }, link, { ...link, mtu: 1400 }] });
  t.deepEqual(issues, [{ path: ['links', 2], message: 'link pod/br0 is also declared by links[1]' }]);
});

test('a VM listed twice is blamed at the second, naming the first of the same scope', (t) => {
  const issues = issuesOf({ scopes: { a: {}, b: {} }, vms: [{ name: 'vm1', scope: 'a' }, { name: 'vm1', scope: 'b' }, { name: 'vm1', scope: 'b' }] });
  t.is(issues.length, 1);
  t.deepEqual(issues[0]!.path, ['vms', 2]);
  t.regex(issues[0]!.message, /also declared by vms\[1\]$/);
});

test('a bridge a binding makes and a listed link of the same name are both named', (t) => {
  const issues = issuesOf({
    vms: [{ name: 'vm1', scope: 'pod' }],
    links: [{ scope: 'pod', name: 'br-eth42', kind: 'bridge' }],
    bindings: [{ vm: 'vm1', podNic: 'eth42', mode: 'bridge', scope: 'pod' }],
  });
  const clash = issues.find((i) => i.message.includes('br-eth42'));
  t.deepEqual(clash?.path, ['bindings', 0]);
  t.regex(clash?.message ?? '', /also declared by links\[0\]$/);
});
