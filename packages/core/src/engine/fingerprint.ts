/** A short, stable fingerprint of a state: what a saved plan was computed from. */
import { createHash } from 'node:crypto';
import { RESOURCE_KINDS, type State } from '../model/state.ts';

/** Canonical JSON: object keys sorted, so equal states serialize equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 of a string, hex. */
export function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Fingerprint of a state, by kind, so a stale-plan message can say what changed. */
export function fingerprint(state: State): string {
  return RESOURCE_KINDS.map((k) => `${k}=${digest(canonicalJson(state[k])).slice(0, 8)}`).join(',');
}
