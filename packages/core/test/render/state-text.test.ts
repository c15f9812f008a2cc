import test from 'ava';
import { completeState, emptyState, renderState } from '../../src/index.ts';
import { live } from './states.ts';

test('an empty state says so', (t) => {
  t.is(renderState(emptyState()), 'The state is empty.\n');
});

test('resources are listed per scope and kind, owned ones marked *', (t) => {
  const state = completeState({
    ...live,
    addresses: { 'p/eth1/10.0.0.2/24': { scope: 'p', dev: 'eth1', cidr: '10.0.0.2/24', owned: false } },
  });
  const text = renderState(state);
  t.regex(text, /^scope p\n {2}addresses\n {5}10\.0\.0\.2\/24 on eth1$/m);
  t.regex(text, /^scope s\n {2}links$/m);
  t.regex(text, /^ {3}\* br0 \(bridge\) +up$/m);
  t.regex(text, /^ {5}eth0 \(device\) +mac=0a:00:00:00:00:01 {2}mtu=1500 {2}up$/m);
  t.regex(text, /^ {3}\* old0 \(bridge\) +up=false$/m);
  t.regex(text, /^5 resources, 2 owned by wirestate \(marked \*\)\.$/m);
  t.true(text.indexOf('scope p') < text.indexOf('scope s'), 'scopes sorted');
  t.snapshot(text);
});
