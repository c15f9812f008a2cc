/** Small text helpers the renderers share. */
import { canonicalJson } from '../engine/fingerprint.ts';

/** `1 step`, `2 steps`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A field value as a person reads it: strings bare, lists comma-joined, objects as compact JSON, nothing as `(none)`. */
export function showValue(value: unknown): string {
  if (value === undefined) return '(none)';
  if (value === null) return 'null';
  if (typeof value === 'string') return value === '' ? '""' : value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) {
    return value.length === 0 ? '[]' : value.join(',');
  }
  return canonicalJson(value);
}

/** Pads `text` on the right to `width` characters (by code points, so `→` counts as one). */
export function padEnd(text: string, width: number): string {
  const len = [...text].length;
  return len >= width ? text : text + ' '.repeat(width - len);
}

/** Pads `text` on the left to `width` characters. */
export function padStart(text: string, width: number): string {
  const len = [...text].length;
  return len >= width ? text : ' '.repeat(width - len) + text;
}

/** Fields the grouping or the ownership mark already show. */
const HIDDEN = new Set(['scope', 'owned']);

/** Words of a label, so fields the label already spells out are not repeated. */
function wordsOf(label: string): Set<string> {
  return new Set(label.split(/[\s()]+/).filter((w) => w !== ''));
}

/** A resource's fields besides its label, `key=value` sorted by key, `true` flags by name alone. */
export function resourceDetail(r: object, label: string): string {
  const words = wordsOf(label);
  const parts: string[] = [];
  for (const [k, v] of Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (v === undefined || HIDDEN.has(k)) continue;
    if ((typeof v === 'string' || typeof v === 'number') && words.has(String(v))) continue;
    parts.push(v === true ? k : `${k}=${showValue(v)}`);
  }
  return parts.join('  ');
}
