/** Turns zod issues into our issues: stable codes, our paths, short messages. */
import type * as z from 'zod';
import type { Collector, Path } from './collector.ts';
import { ISSUE_CODES, type IssueCode } from './codes.ts';

/**
 * Records the issues of a failed parse of `input` and returns the paths of the structural
 * ones (wrong type, missing field, value outside a closed set): the elements holding them
 * cannot take part in the rules that relate fields to each other. Format and range
 * problems leave an element usable: its fields still have the types the rules expect.
 */
export function addZodIssues(zodIssues: readonly z.core.$ZodIssue[], input: unknown, issues: Collector): Path[] {
  const structural: Path[] = [];
  for (const zi of zodIssues) {
    const path = zi.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    if (isStructural(zi)) structural.push(path);
    switch (zi.code) {
      case 'custom': {
        const code = (zi.params as { code?: unknown } | undefined)?.code;
        issues.add(isIssueCode(code) ? code : 'invalid_value', path, zi.message);
        break;
      }
      case 'unrecognized_keys':
        for (const key of zi.keys) issues.add('unknown_field', [...path, key], `unknown field ${JSON.stringify(key)}`);
        break;
      case 'invalid_type':
        if (valueAt(input, path) === undefined) issues.add('missing_field', path, `required field ${JSON.stringify(String(path.at(-1) ?? ''))} is missing`);
        else if (zi.expected === 'int') issues.add('invalid_type', path, `expected an integer, got ${describe(valueAt(input, path))}`);
        else issues.add('invalid_type', path, `expected ${article(zi.expected)}, got ${describe(valueAt(input, path))}`);
        break;
      case 'invalid_value':
        // A required field of a closed set (apiVersion, kind, mode) that is absent is missing, not wrong.
        if (valueAt(input, path) === undefined) issues.add('missing_field', path, `required field ${JSON.stringify(String(path.at(-1) ?? ''))} is missing`);
        else issues.add('invalid_value', path, `expected ${zi.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${describe(valueAt(input, path))}`);
        break;
      case 'invalid_union': {
        // A number that fits the numeric branch's type but not its range is a range problem.
        const range = zi.errors.flat().find((e) => e.code === 'too_small' || e.code === 'too_big');
        if (range && (range.code === 'too_small' || range.code === 'too_big')) issues.add('out_of_range', path, rangeMessage(range, valueAt(input, path)));
        else issues.add('invalid_type', path, unionMessage(zi, valueAt(input, path)));
        break;
      }
      case 'too_small':
      case 'too_big':
        if (zi.origin === 'number' || zi.origin === 'int') issues.add('out_of_range', path, rangeMessage(zi, valueAt(input, path)));
        else issues.add(zi.code === 'too_big' ? 'too_large' : 'invalid_value', path, zi.message);
        break;
      default:
        issues.add('invalid_value', path, zi.message);
    }
  }
  return structural;
}

function isStructural(zi: z.core.$ZodIssue): boolean {
  if (zi.code === 'custom' || zi.code === 'unrecognized_keys') return false;
  if ((zi.code === 'too_small' || zi.code === 'too_big') && (zi.origin === 'number' || zi.origin === 'int')) return false;
  if (zi.code === 'invalid_union') return !zi.errors.flat().some((e) => e.code === 'too_small' || e.code === 'too_big');
  return true;
}

function isIssueCode(v: unknown): v is IssueCode {
  return typeof v === 'string' && Object.hasOwn(ISSUE_CODES, v);
}

/** The value at a path of plain data; undefined when any step is missing. */
export function valueAt(input: unknown, path: Path): unknown {
  let v = input;
  for (const seg of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, seg)) return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

function article(what: string): string {
  if (what === 'object') return 'a map';
  if (what === 'array') return 'a list';
  return /^[aeiou]/.test(what) ? `an ${what}` : `a ${what}`;
}

/** Describes a value briefly for messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (ArrayBuffer.isView(v)) return 'binary data';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return v.length > 40 ? `a string of ${v.length} characters` : JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return typeof v;
}

function unionMessage(zi: z.core.$ZodIssueInvalidUnion, value: unknown): string {
  const expected = new Set<string>();
  for (const branch of zi.errors) {
    for (const e of branch) {
      if (e.code === 'invalid_type') expected.add(e.expected === 'int' ? 'an integer' : article(e.expected));
      else if (e.code === 'invalid_value') for (const v of e.values) expected.add(JSON.stringify(v));
      else expected.add(e.message);
    }
  }
  return `expected ${[...expected].join(' or ')}, got ${describe(value)}`;
}

function rangeMessage(zi: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, value: unknown): string {
  const bound = zi.code === 'too_small' ? `at least ${String(zi.minimum)}` : `at most ${String(zi.maximum)}`;
  return `${describe(value)} is out of range: must be ${bound}`;
}
