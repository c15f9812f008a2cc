/**
 * The fast parse of plain documents means exactly what the positional parse means: every
 * fixture and example it accepts, and generated documents full of scalars whose type
 * depends on the YAML schema, give deep-equal values through both.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test, { type ExecutionContext } from 'ava';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { parsePlainYaml } from '../../src/topology/plain-yaml.ts';

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));

/** The value the positional parser gives, or undefined when it reports any error. */
function positional(text: string): { value: unknown } | undefined {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, version: '1.2' });
  if (doc.errors.length > 0) return undefined;
  return { value: doc.toJS({ maxAliasCount: 100 }) };
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return yamlFiles(p);
    return name.endsWith('.yaml') ? [p] : [];
  });
}

test('every fixture and example the fast parse accepts has the value the positional parse gives', (t) => {
  const files = [...yamlFiles(join(ROOT, 'packages/fixtures')), ...yamlFiles(join(ROOT, 'docs/examples')), ...yamlFiles(join(ROOT, 'packages/core/test'))];
  let accepted = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const fast = parsePlainYaml(text);
    if (!fast.ok) continue;
    accepted++;
    t.deepEqual({ value: fast.value }, positional(text), file);
  }
  t.log(`${accepted} of ${files.length} files take the fast parse`);
  t.true(accepted > files.length / 2, 'plain documents are the common case');
});

// Scalars whose meaning differs between YAML 1.1, 1.2 and parser defaults.
const TRICKY = [
  '0o17', '0x1F', '0b101', '010', '1_000', '+12', '-0', '.5', '5.', '1e3', '1E-3', '.inf', '-.Inf', '.NaN', '.nan', 'nan',
  '1:20', '52:54:00:12:34:56', 'yes', 'no', 'on', 'off', 'y', 'True', 'TRUE', 'tRue', 'false', '~', 'null', 'Null', 'NULL', 'nUll',
  '2001-12-14', '2001-12-14t21:59:43.10-05:00', '10.0.0.1/24', 'fe80::1', '0x', '0o8', '00', '-', '"1"', "'true'", '""', '12 # comment',
];

/**
 * Generated documents of key: value pairs (a flow mapping, a block mapping, one-pair
 * mappings in a block sequence, or each value as a literal block scalar) whose scalars come from `scalar`:
 * wherever the fast parse accepts one, the positional parse reads the same value. Returns
 * how many of the 2000 were compared.
 */
function compareGenerated(t: ExecutionContext, scalar: fc.Arbitrary<string>, seed: number): number {
  let compared = 0;
  fc.assert(
    fc.property(fc.array(fc.tuple(scalar, scalar), { minLength: 1, maxLength: 6 }), fc.constantFrom('flow', 'block', 'sequence', 'literal'), (pairs, style) => {
      const keys = new Set<string>();
      const lines = pairs.filter(([k]) => k.trim() !== '' && !keys.has(k) && keys.add(k)).map(([k, v]) => `${k}: ${v}`);
      const text =
        style === 'flow'
          ? `{${lines.join(', ')}}\n`
          : style === 'block'
            ? `${lines.join('\n')}\n`
            : style === 'sequence'
              ? `top:\n${lines.map((l) => `  - ${l}`).join('\n')}\n`
              : `${lines.map((l) => l.replace(': ', ': |\n  ')).join('\n')}\n`;
      const fast = parsePlainYaml(text);
      if (!fast.ok) return;
      const slow = positional(text);
      if (slow === undefined) throw new Error(`the fast parse accepted what the positional parse rejects:\n${text}`);
      t.deepEqual({ value: fast.value }, slow, text);
      compared++;
    }),
    { numRuns: 2000, seed },
  );
  t.log(`${compared} of 2000 generated documents compared`);
  return compared;
}

test('tricky scalars, as values and keys, mean the same through both parsers', (t) => {
  const scalar = fc.oneof(fc.constantFrom(...TRICKY), fc.stringMatching(/^[A-Za-z0-9 ._:/+-]{0,12}$/));
  t.true(compareGenerated(t, scalar, 20261128) > 1000, 'most generated documents are plain enough for the fast parse');
});

test('what js-yaml reads more leniently than the positional parser, or only the positional parser handles, is declined where it is', (t) => {
  const cases = [
    ['a: "x"y\n', 1, 7, /text right after a quoted value/],
    ["a: 'it''s'x\n", 1, 11, /text right after a quoted value/],
    ["a: 'x\n'b: 1\n", 2, 1, /quoted value continued without indentation/],
    ['  a: "x\\\n  y"\n', 2, 3, /quoted value continued without indentation/],
    ['a: [x,\ny]\n', 2, 1, /flow collection continued without indentation/],
    ['[{a: 1, [b]: 2}]\n', 1, 9, /a flow collection as an entry of a flow mapping/],
    ['{x, [b]}\n', 1, 5, /flow collection as an entry of a flow mapping/],
    ['a:\n  - - # c\n  - b\n', 2, 5, /nested sequence on one line/],
  ] as const;
  for (const [text, line, col, message] of cases) {
    const r = parsePlainYaml(text);
    const where = r.ok ? undefined : r.reason === 'syntax' ? r.error : r.reason === 'features' ? r.feature : undefined;
    if (where === undefined) {
      t.fail(`${JSON.stringify(text)}: ${r.ok ? 'accepted' : `declined as ${r.reason}`}`);
      continue;
    }
    t.like(where, { line, col }, text);
    t.regex(where.message, message, text);
  }
  const fine = ["a: it's\n", 'a: "x" # c\n', '{"a":"b", "c": [\'d\']}\n', "a: 'x\n  y'\nb: 1\n", '# "x"y\n', 'a: x[1]"y"\n', '{\n"a": [1,\n2]\n}\n', 'a:\n  - [1,\n    2]\n'];
  for (const text of fine) {
    const r = parsePlainYaml(text);
    t.true(r.ok, text);
    if (r.ok) t.deepEqual({ value: r.value }, positional(text), text);
  }
});

test('scalars full of indicator characters are either declined by the fast parse or mean the same through both', (t) => {
  const scalar = fc.oneof(fc.constantFrom(...TRICKY), fc.stringMatching(/^[a-z0-9 &*!?%#'"\\=/:,[\]{}|>~.-]{0,10}$/));
  t.true(compareGenerated(t, scalar, 14) > 150, 'indicators inside values still take the fast parse');
});

test('documents the fast parse must leave to the positional parse are declined', (t) => {
  for (const text of ['a: &x 1\nb: *x\n', 'a: !!str 1\n', '%YAML 1.2\n---\na: 1\n', 'a: 1\n---\nb: 2\n', 'a: 1\na: 2\n', '? [a]\n: 1\n', '{[a]: 1}\n', '~: 1\n', 'a: [\n']) {
    t.false(parsePlainYaml(text).ok, text);
  }
});

test('a syntax error or a duplicate key is declined with its position, a second document as a syntax error', (t) => {
  t.like(parsePlainYaml('a: 1\n---\nb: 2\n'), { ok: false, reason: 'syntax' });
  const cases: [string, number][] = [['a: 1\nb: [\n', 3], ['a: 1\na: 2\n', 2]];
  for (const [text, line] of cases) {
    const r = parsePlainYaml(text);
    if (r.ok || r.reason !== 'syntax') {
      t.fail(`${JSON.stringify(text)} should be a located syntax error`);
      continue;
    }
    t.is(r.error.line, line, text);
    t.true(r.error.message.length > 0);
  }
});

test('an empty document is null, as for the positional parse', (t) => {
  for (const text of ['', '# only a comment\n']) t.deepEqual(parsePlainYaml(text), { ok: true, value: positional(text)?.value });
});

test('indicator characters inside a value, as in a libvirt URI with query parameters, do not decline the fast parse', (t) => {
  const text = 'scopes:\n  pod: { libvirt: "qemu+ssh://root@node1/system?keyfile=/k&no_verify=1", netns: a&b }\nsearch: [x!y, a?b]\n';
  const fast = parsePlainYaml(text);
  t.true(fast.ok);
  if (fast.ok) t.deepEqual({ value: fast.value }, positional(text));
});

test('the lines of a block scalar are text: quotes and brackets in them decline nothing', (t) => {
  const text = 'a: |\n  it\'s "quoted"x, {b: [c\n  ]: d\n\n  e #f\nb: >\n    g\'h\nc: 1\n';
  const r = parsePlainYaml(text);
  t.true(r.ok);
  if (r.ok) t.deepEqual({ value: r.value }, positional(text));
  t.like(parsePlainYaml('a: |\n  x\nb: "y"z\n'), { ok: false, reason: 'syntax', error: { line: 3, col: 7 } });
});
