/**
 * The malformed corpus: every `packages/fixtures/malformed/<behaviour>.yaml` is rejected with
 * exactly the issues (code, path, line) its `.expect.json` lists.
 */
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { ValidationError, toDotPath, type Issue } from '../../src/errors.ts';
import { ISSUE_CODES, parseTopology } from '../../src/topology/index.ts';

const dir = new URL('../../../fixtures/malformed/', import.meta.url);
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((file) => ({
    name: file.slice(0, -'.yaml'.length),
    text: readFileSync(new URL(file, dir), 'utf8'),
    expected: JSON.parse(readFileSync(new URL(file.replace(/\.yaml$/, '.expect.json'), dir), 'utf8')) as Expected[],
  }));

interface Expected {
  readonly code: string;
  readonly path: readonly (string | number)[];
  readonly line: number;
}

const order = (a: Expected, b: Expected) => a.line - b.line || a.code.localeCompare(b.code) || JSON.stringify(a.path).localeCompare(JSON.stringify(b.path));

function issuesOf(name: string, text: string): readonly Issue[] | undefined {
  try {
    parseTopology(text, `${name}.yaml`);
    return undefined;
  } catch (err) {
    if (err instanceof ValidationError) return err.issues;
    throw err;
  }
}

test('every malformed topology is rejected with exactly its expected issues, each located in its file', (t) => {
  t.true(cases.length >= 40, `only ${cases.length} malformed cases`);
  // One comparison of every file at once, so a failure shows all mismatching files.
  const actual: Record<string, Expected[] | 'accepted'> = {};
  const expected: Record<string, Expected[]> = {};
  for (const c of cases) {
    expected[c.name] = [...c.expected].sort(order);
    const issues = issuesOf(c.name, c.text);
    if (issues === undefined) {
      actual[c.name] = 'accepted';
      continue;
    }
    actual[c.name] = issues.map((i) => ({ code: i.code, path: [...i.path], line: i.location?.line ?? 0 })).sort(order);
    for (const i of issues) {
      t.is(i.location?.file, `${c.name}.yaml`, `${c.name}: ${i.code} names its file`);
      t.true((i.location?.col ?? 0) >= 1, `${c.name}: ${i.code} has a column`);
      t.true(i.message.length > 0 && !i.message.includes('\n'), `${c.name}: ${i.code} has a one-line message`);
    }
  }
  // Only mismatching files are compared, so the diff shows nothing else.
  const differs = (name: string) => JSON.stringify(actual[name]) !== JSON.stringify(expected[name]);
  const only = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([name]) => differs(name)));
  t.deepEqual(only(actual), only(expected));
});

test('the malformed corpus exercises every issue code', (t) => {
  const seen = new Set(cases.flatMap((c) => c.expected.map((e) => e.code)));
  const missing = Object.keys(ISSUE_CODES).filter((code) => !seen.has(code));
  t.deepEqual(missing, []);
  const unknown = [...seen].filter((code) => !Object.hasOwn(ISSUE_CODES, code));
  t.deepEqual(unknown, []);
});

test('the "# expect:" comments of each malformed file agree with its expect.json', (t) => {
  // The comments let a reader see each expected issue beside the line it is about.
  for (const c of cases) {
    const marked = c.text.split('\n').flatMap((line, n) => {
      const m = /#\s*expect:\s*(.*)$/.exec(line);
      return m ? m[1]!.split(';').map((part) => `${n + 1} ${part.trim()}`) : [];
    });
    const listed = c.expected.map((e) => `${e.line} ${e.code} ${toDotPath(e.path)}`);
    t.deepEqual(marked.sort(), listed.sort(), c.name);
  }
});

test('at least one malformed file proves several issues are collected together', (t) => {
  t.true(cases.some((c) => new Set(c.expected.map((e) => e.code)).size >= 5));
});
