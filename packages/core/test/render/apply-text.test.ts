import test from 'ava';
import { renderStepLog, renderVerification } from '../../src/index.ts';
import { mixedPlan } from './states.ts';

test('the step log lists completed steps in completion order and counts them', (t) => {
  const p = mixedPlan();
  const text = renderStepLog(p, [p.steps[3]!, p.steps[0]!]);
  t.is(text, '  ✓ 3   ~ ip -n ns1 link set eth0 mtu 9000\n  ✓ 0   - ip -n ns1 link delete old0\n2 steps of 5 completed.\n');
});

test('a converged verification says so with the number of snapshots', (t) => {
  t.is(renderVerification({ converged: true, remaining: [], attempts: 1 }), 'Converged: a fresh snapshot needs no further change (1 snapshot).\n');
});

test('a verification that did not converge lists what is still needed', (t) => {
  const p = mixedPlan();
  const text = renderVerification({ converged: false, remaining: p.changes, attempts: 3 });
  t.regex(text, /^Not converged after 3 snapshots; still needed:$/m);
  t.regex(text, /^ {2}~ links s\/eth0: mtu differs$/m);
  t.regex(text, /^ {2}-\/\+ links s\/br0: kind differs$/m);
});
