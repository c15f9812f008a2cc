/** Parsing a YAML topology file into a validated, normalized topology with located issues. */
import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import { ValidationError, type Issue, type SourceLocation } from '../errors.ts';
import type { RawIssue } from './collector.ts';
import { LIMITS } from './limits.ts';
import { locateIn } from './locate.ts';
import { parsePlainYaml, type PlainParse } from './plain-yaml.ts';
import type { Topology } from './types.ts';
import { checkTopology } from './validate.ts';

// Errors after which the document still means what it says: validating it adds information.
const SOFT_YAML_ERRORS = new Set(['DUPLICATE_KEY']);

/**
 * Parses and validates a YAML topology; `file` names it in issue locations. Throws a
 * `ValidationError` with every issue (YAML syntax errors included), each located at the
 * YAML node of the offending field.
 */
export function parseTopology(text: string, file: string): Topology {
  const at = (line: number, col: number) => ({ file, line, col });
  if (text.length > LIMITS.maxDocumentChars) {
    throw new ValidationError([{ code: 'too_large', path: [], message: `document of ${text.length} characters exceeds the limit of ${LIMITS.maxDocumentChars}`, location: at(1, 1) }]);
  }
  // A plain, valid document needs no positions: the fast parse is enough.
  const plain = parsePlainYaml(text);
  const checked = plain.ok ? checkTopology(plain.value) : undefined;
  if (checked?.ok === true) return checked.topology;
  if (text.length > LIMITS.maxPositionalChars) throw new ValidationError(unlocatedIssues(plain, checked?.ok === false ? checked.issues : [], at));
  const lines = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, version: '1.2' });
  } catch (err) {
    // The parser recurses on nesting; a pathological document can exhaust the stack.
    throw new ValidationError([{ code: 'too_large', path: [], message: `the YAML parser gave up: ${firstLine(err)}`, location: at(1, 1) }]);
  }
  const issues: Issue[] = doc.errors.map((e) => {
    const pos = lines.linePos(e.pos[0]);
    const overflow = e.message.includes('call stack');
    return { code: overflow ? 'too_large' : 'yaml_syntax', path: [], message: yamlMessage(e, text), location: at(pos.line, pos.col) };
  });
  if (doc.errors.some((e) => !SOFT_YAML_ERRORS.has(e.code))) throw new ValidationError(issues);

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: LIMITS.maxAliasCount });
  } catch (err) {
    const pos = lines.linePos(firstAliasOffset(doc));
    issues.push({ code: 'too_large', path: [], message: `aliases expand too much (${firstLine(err)}); write the values out`, location: at(pos.line, pos.col) });
    throw new ValidationError(issues);
  }
  const result = checkTopology(value);
  if (result.ok && issues.length === 0) return result.topology;
  const found: readonly RawIssue[] = result.ok ? [] : result.issues;
  for (const i of found) issues.push({ ...i, location: locateIn(doc, lines, file, i.path, i.code === 'unknown_field') });
  throw new ValidationError(sortByLocation(issues));
}

/**
 * The issues of a document too large for the positional parse: its syntax error as the fast
 * parse located it, or the YAML feature that needs the positional parse, located, or the
 * validation issues with their paths only.
 */
function unlocatedIssues(plain: PlainParse, found: readonly RawIssue[], at: (line: number, col: number) => SourceLocation): Issue[] {
  if (plain.ok) return [...found];
  if (plain.reason === 'syntax') return [{ code: 'yaml_syntax', path: [], message: plain.error.message, location: at(plain.error.line, plain.error.col) }];
  const [why, location] =
    plain.reason === 'features' ? [plain.feature.message, at(plain.feature.line, plain.feature.col)] : [plain.reason === 'null key' ? 'a null map key' : 'nesting too deep', at(1, 1)];
  return [
    {
      code: 'too_large',
      path: [],
      message: `a document over ${LIMITS.maxPositionalChars} characters must be plain YAML (no anchors, aliases, tags, directives or complex keys), and this one has ${why}; write the values out or split the topology`,
      location,
    },
  ];
}

/** Where the first alias is, to point at when aliases expand too much. */
function firstAliasOffset(doc: Document): number {
  let offset = 0;
  visit(doc, {
    Alias(_, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}

/** The parser's message, reworded where it speaks to programmers rather than to authors. */
function yamlMessage(e: { readonly code: string; readonly message: string; readonly pos: readonly [number, number] }, text: string): string {
  if (e.code === 'MULTIPLE_DOCS') return 'a topology file holds one YAML document; remove the second one (after "---")';
  if (e.code === 'DUPLICATE_KEY') {
    const key = /^[^:\n]{0,60}/.exec(text.slice(e.pos[0], e.pos[0] + 61))?.[0].trim() ?? '';
    return `key ${JSON.stringify(key)} already appears earlier in the same map`;
  }
  if (e.message.includes('call stack')) return `nesting too deep for the YAML parser`;
  return firstLine(e);
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0] ?? message;
}

/** Document order; issues at one position keep the order the rules found them in. */
function sortByLocation(issues: readonly Issue[]): Issue[] {
  return issues
    .map((issue, n) => ({ issue, n }))
    .sort((a, b) => (a.issue.location?.line ?? 0) - (b.issue.location?.line ?? 0) || (a.issue.location?.col ?? 0) - (b.issue.location?.col ?? 0) || a.n - b.n)
    .map((x) => x.issue);
}
