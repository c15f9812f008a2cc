/** A short, stable fingerprint of a state: what a saved plan was computed from. */
import { createHash } from 'node:crypto';
import { RESOURCE_KINDS, type State } from '../model/state.ts';

function sortKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) out[k] = (value as Record<string, unknown>)[k];
  return out;
}

/** Canonical JSON: object keys sorted, so equal states serialize equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, sortKeys) ?? 'null';
}

/** SHA-256 of a string, hex. */
export function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Fingerprint of a state, by kind, so a stale-plan message can say what changed. */
export function fingerprint(state: State): string {
  return RESOURCE_KINDS.map((k) => {
    // Record by record in id order. Records are hashed as the drivers wrote them (field
    // order is fixed by the driver code), which is 3x cheaper than canonical JSON; a
    // different field order can only make a plan look stale, never fresh.
    const records = state[k] as Readonly<Record<string, unknown>>;
    const ids = Object.keys(records).sort();
    const parts = new Array<string>(ids.length);
    for (let i = 0; i < ids.length; i++) parts[i] = `${ids[i]}\0${JSON.stringify(records[ids[i]!])}`;
    const h = createHash('sha256').update(parts.join('\n'));
    return `${k}=${h.digest('hex').slice(0, 8)}`;
  }).join(',');
}
