/**
 * A fast parse for plain topology documents. The positional parse (the `yaml` package,
 * which keeps every node's place for issue locations) costs ten times the whole plan of a
 * large topology; a valid document needs no positions. So a plain document — no anchors,
 * aliases, tags or directives, one document, no duplicate keys — is read with js-yaml first,
 * and the positional parse runs only when this one declines or validation finds an issue.
 * Scalars resolve by exactly the YAML 1.2 core schema (what the `yaml` package uses), and
 * map keys are made text the same way, so a document means the same through either parser.
 */
import { FAILSAFE_SCHEMA, Type, load } from 'js-yaml';
import { stepAside, type Located } from './fast-parse-gate.ts';

/** A null while parsing; replaced by `null` afterwards (a key made of it declines the fast parse). */
const NULL = Object.freeze({ toString: () => '\u0000null\u0000' });
// js-yaml turns an object used as a key (our null marker among them) into this text.
const NULL_KEY = '[object Object]';

// YAML 1.2 core schema, section 10.3.2: the implicit tags of plain scalars.
const core = FAILSAFE_SCHEMA.extend({
  implicit: [
    new Type('tag:yaml.org,2002:null', {
      kind: 'scalar',
      resolve: (data: string | null) => data === null || /^(?:~|null|Null|NULL|)$/.test(data),
      construct: () => NULL,
    }),
    new Type('tag:yaml.org,2002:bool', {
      kind: 'scalar',
      resolve: (data: string) => /^(?:true|True|TRUE|false|False|FALSE)$/.test(data),
      construct: (data: string) => data[0] === 't' || data[0] === 'T',
    }),
    new Type('tag:yaml.org,2002:int', {
      kind: 'scalar',
      resolve: (data: string) => /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/.test(data),
      construct: (data: string) => (data.startsWith('0o') ? parseInt(data.slice(2), 8) : data.startsWith('0x') ? parseInt(data.slice(2), 16) : Number(data)),
    }),
    new Type('tag:yaml.org,2002:float', {
      kind: 'scalar',
      resolve: (data: string) => /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/.test(data),
      construct: (data: string) => {
        const lower = data.toLowerCase();
        if (lower.endsWith('.inf')) return data.startsWith('-') ? -Infinity : Infinity;
        if (lower === '.nan') return NaN;
        return parseFloat(data);
      },
    }),
  ],
});

/** A syntax error the fast parse found, or a feature it leaves to the positional parse, with its 1-based position. */
export type PlainSyntaxError = Located;

/**
 * What a document holds; or why this parse declines it (the positional one then decides):
 * a YAML feature it leaves to the positional parse, or a syntax error, duplicate key or
 * second document, located.
 */
export type PlainParse =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly reason: 'features'; readonly feature: PlainSyntaxError }
  | { readonly ok: false; readonly reason: 'null key' | 'too deep' }
  | { readonly ok: false; readonly reason: 'syntax'; readonly error: PlainSyntaxError };

export function parsePlainYaml(text: string): PlainParse {
  const aside = stepAside(text);
  if (aside !== undefined) return aside.kind === 'feature' ? { ok: false, reason: 'features', feature: aside } : { ok: false, reason: 'syntax', error: aside };
  let value: unknown;
  try {
    value = load(text, { schema: core, json: false });
  } catch (err) {
    // Syntax errors, duplicate keys, a second document: the positional parse reports them.
    return { ok: false, reason: 'syntax', error: syntaxError(err) };
  }
  // An empty document (nothing, or comments only) is null, as for the positional parse.
  if (value === undefined) return { ok: true, value: null };
  let fixed: unknown;
  try {
    fixed = unNull(value);
  } catch {
    // Nesting deep enough to exhaust the stack: the positional parse and the size guard say so.
    return { ok: false, reason: 'too deep' };
  }
  return fixed === DECLINE ? { ok: false, reason: 'null key' } : { ok: true, value: fixed };
}

/** js-yaml's error as text and a 1-based position (its marks count from 0). */
function syntaxError(err: unknown): PlainSyntaxError {
  const e = err as { reason?: unknown; message?: unknown; mark?: { line?: unknown; column?: unknown } };
  const message = typeof e.reason === 'string' ? e.reason : String(e.message ?? err);
  const line = typeof e.mark?.line === 'number' ? e.mark.line + 1 : 1;
  const col = typeof e.mark?.column === 'number' ? e.mark.column + 1 : 1;
  return { message, line, col };
}

const DECLINE = Symbol('decline');

/** Replaces the null marker by `null`; declines a map with a null key (the parsers name it differently). */
function unNull(v: unknown): unknown {
  if (v === NULL) return null;
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = unNull(v[i]);
      if (x === DECLINE) return DECLINE;
      v[i] = x;
    }
    return v;
  }
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (k === NULL_KEY) return DECLINE;
    const x = unNull(o[k]);
    if (x === DECLINE) return DECLINE;
    o[k] = x;
  }
  return o;
}
