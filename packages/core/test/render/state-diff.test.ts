import test from 'ava';
import { completeState, renderStateDiff } from '../../src/index.ts';
import { live } from './states.ts';

test('identical states have no differences', (t) => {
  t.is(renderStateDiff(live, live), 'No differences.\n');
});

test('added, removed and changed resources each get their symbol, changed fields show old → new', (t) => {
  const after = completeState({
    ...live,
    links: {
      's/eth0': { ...live.links['s/eth0']!, mtu: 9000, master: 'br1' },
      's/br0': live.links['s/br0']!,
      's/br9': live.links['s/br9']!,
      's/br1': { scope: 's', name: 'br1', kind: 'bridge', up: true, owned: true },
    },
    addresses: { 's/br1/10.0.0.1/24': { scope: 's', dev: 'br1', cidr: '10.0.0.1/24', owned: true } },
  });
  const text = renderStateDiff(live, after);
  t.regex(text, /^\+ links s\/br1: link br1 \(bridge\)\n {4}up$/m);
  t.regex(text, /^- links s\/old0: link old0 \(bridge\)$/m);
  t.regex(text, /^~ links s\/eth0: link eth0 \(device\)\n {4}~ master: \(none\) → br1\n {4}~ mtu: 1500 → 9000$/m);
  t.regex(text, /^\+ addresses s\/br1\/10\.0\.0\.1\/24: address 10\.0\.0\.1\/24 on br1$/m);
  t.regex(text, /^2 resources added, 1 changed, 1 removed\.$/m);
  t.true(text.indexOf('links s/br1') < text.indexOf('addresses'), 'kinds in state order');
  t.snapshot(text);
});
