import test from 'ava';
import { PLAN_JSON_FORMAT_VERSION, planToJson, renderPlanJson } from '../../src/index.ts';
import { emptyPlan, mixedPlan } from './states.ts';

test('the JSON plan has the documented top-level keys and versions', (t) => {
  const p = mixedPlan();
  const doc = planToJson(p);
  t.deepEqual(Object.keys(doc).sort(), ['basis', 'changes', 'conflicts', 'formatVersion', 'planVersion', 'steps', 'summary']);
  t.is(doc.formatVersion, PLAN_JSON_FORMAT_VERSION);
  t.is(doc.planVersion, p.version);
  t.is(doc.basis, p.basis);
});

test('the summary counts resources by action, steps and disruptive steps', (t) => {
  t.deepEqual(planToJson(mixedPlan()).summary, { create: 1, update: 1, delete: 1, replace: 1, steps: 5, disruptive: 3 });
  t.deepEqual(planToJson(emptyPlan()).summary, { create: 0, update: 0, delete: 0, replace: 0, steps: 0, disruptive: 0 });
});

test('steps keep plan order and carry op, inverse, commands, symbol and dependencies', (t) => {
  const p = mixedPlan();
  const doc = planToJson(p);
  t.deepEqual(doc.steps.map((s) => s.id), p.steps.map((s) => s.id));
  const replace = doc.steps.find((s) => s.action === 'replace')!;
  t.is(replace.symbol, '-/+');
  t.true(replace.disruptive);
  t.is(replace.command, 'ip -n ns1 link delete br0');
  t.is(typeof replace.inverseCommand, 'string');
  t.deepEqual(replace.op, p.steps[replace.index]!.op);
});

test('field changes without a live value say null, and creates have a null live side', (t) => {
  const doc = planToJson(mixedPlan());
  const create = doc.changes.find((c) => c.action === 'create')!;
  t.is(create.live, null);
  t.not(create.desired, null);
  const del = doc.changes.find((c) => c.action === 'delete')!;
  t.is(del.desired, null);
  const withUndefined = planToJson({ ...mixedPlan(), changes: [{ kind: 'links', id: 's/x', action: 'update', fields: [{ field: 'master', from: undefined, to: 'br0' }], reason: 'r' }] });
  t.deepEqual(withUndefined.changes[0]!.fields, [{ field: 'master', from: null, to: 'br0' }]);
  t.true(JSON.parse(JSON.stringify(withUndefined)).changes[0].fields[0].from === null, 'null survives serialization');
});

test('conflicts carry the path as a list and as text', (t) => {
  t.deepEqual(planToJson(mixedPlan()).conflicts.map((c) => [c.code, c.path, c.pathText]), [['not_owned', ['links', 's/br9'], 'links["s/br9"]']]);
});

test('the rendered JSON parses back to the same document and ends with a newline', (t) => {
  const text = renderPlanJson(mixedPlan());
  t.true(text.endsWith('}\n'));
  t.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(planToJson(mixedPlan()))));
});
