import test from 'ava';
import { ANSI_PAINT, renderPlanText, type Paint } from '../../src/index.ts';
import { emptyPlan, mixedPlan } from './states.ts';

const scopes = { s: { name: 's', netns: 'ns1' } };

test('a plan with nothing to do says so in one line', (t) => {
  t.is(renderPlanText(emptyPlan()), 'No changes. The live state matches the topology.\n');
});

test('steps are listed in plan order with index, symbol, command and the reason under it', (t) => {
  const p = mixedPlan();
  const text = renderPlanText(p, { scopes });
  const lines = text.split('\n');
  let at = -1;
  for (const s of p.steps) {
    const i = lines.findIndex((l) => l.includes(` ${s.command}`) && new RegExp(`^ {2}${s.index} `).test(l));
    t.true(i > at, `step ${s.index} follows step ${s.index - 1}`);
    t.is(lines[i + 1]!.trim(), `# ${s.reason}`);
    at = i;
  }
  t.snapshot(text);
});

test('each action has its symbol and disruptive steps carry the ! marker', (t) => {
  const text = renderPlanText(mixedPlan());
  t.regex(text, /^ {2}0 ! {2}- ip -n ns1 link delete old0$/m);
  t.regex(text, /^ {2}1 !-\/\+ ip -n ns1 link delete br0$/m);
  t.regex(text, /^ {2}3 {4}~ ip -n ns1 link set eth0 mtu 9000$/m);
  t.regex(text, /^ {2}4 {4}\+ ip -n ns1 link add name br1 type bridge/m);
  t.regex(text, /^3 steps marked ! interrupt traffic or a running service\.$/m);
});

test('the summary counts resources by action and the steps', (t) => {
  t.regex(renderPlanText(mixedPlan()), /^Plan: 1 to add, 1 to change, 1 to destroy, 1 to replace \(5 steps\)\.$/m);
});

test('conflicts are listed with path, message and code', (t) => {
  const text = renderPlanText(mixedPlan());
  t.regex(text, /^1 conflict: the plan cannot be applied until resolved:$/m);
  t.regex(text, /^ {2}✗ links\["s\/br9"\]: link br9 \(bridge\) exists but was not created by wirestate .*\[not_owned\]$/m);
});

test('a plan whose only content is a conflict does not claim there are no changes', (t) => {
  const p = { ...mixedPlan(), steps: [] };
  const text = renderPlanText(p);
  t.notRegex(text, /No changes/);
  t.regex(text, /\(0 steps\)/);
});

test('the scopes header says where steps run, only when scopes are given', (t) => {
  t.regex(renderPlanText(mixedPlan(), { scopes }), /^Scopes:\n {2}s: netns ns1, libvirt qemu:\/\/\/system$/m);
  t.notRegex(renderPlanText(mixedPlan()), /Scopes:/);
});

test('colours appear only when asked for', (t) => {
  t.false(renderPlanText(mixedPlan()).includes('\u001b['));
  t.true(renderPlanText(mixedPlan(), { color: true }).includes('\u001b[32m+\u001b[39m'));
  const tag = (name: string) => (s: string) => `<${name}>${s}</${name}>`;
  const paint: Paint = { bold: tag('b'), dim: tag('d'), green: tag('g'), yellow: tag('y'), red: tag('r'), cyan: tag('c'), magenta: tag('m') };
  const text = renderPlanText(mixedPlan(), { paint, color: false });
  t.regex(text, /<m>-\/\+<\/m>/, 'an injected paint wins over color');
  t.not(ANSI_PAINT.red('x'), 'x');
});
