import test from 'ava';
import { renderGraph } from '../../src/index.ts';
import { emptyPlan, mixedPlan } from './states.ts';

test('every step is a node and every dependency an edge from the earlier step', (t) => {
  const p = mixedPlan();
  const dot = renderGraph(p);
  t.regex(dot, /^digraph plan \{\n/);
  t.true(dot.endsWith('}\n'));
  for (const s of p.steps) {
    t.regex(dot, new RegExp(`^ {2}s${s.index} \\[label="${s.index} `, 'm'));
    for (const a of s.after) t.regex(dot, new RegExp(`^ {2}s${a} -> s${s.index};$`, 'm'));
  }
  const edges = dot.match(/->/g)?.length ?? 0;
  t.is(edges, p.steps.reduce((n, s) => n + s.after.length, 0));
});

test('disruptive steps are drawn bold', (t) => {
  t.regex(renderGraph(mixedPlan()), /^ {2}s0 \[.*penwidth=2, style=bold\];$/m);
});

test('quotes and backslashes in commands are escaped', (t) => {
  const p = mixedPlan();
  const step = { ...p.steps[0]!, command: 'echo "a\\b"' };
  t.regex(renderGraph({ ...p, steps: [step] }), /tooltip="echo \\"a\\\\b\\"\\n# /);
});

test('an empty plan is an empty graph', (t) => {
  t.is(renderGraph(emptyPlan()), 'digraph plan {\n  rankdir=TB;\n  node [shape=box, fontname="monospace", fontsize=10];\n}\n');
});
