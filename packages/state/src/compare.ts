/** Comparing two states record by record, to say exactly what a rollback did not restore. */
import { canonicalJson, RESOURCE_KINDS, type State } from '@wirestate/core';

/** One difference: `+` only in `after`, `-` only in `before`, `~` different. */
export interface StateDifference {
  readonly kind: string;
  readonly id: string;
  readonly change: '+' | '-' | '~';
}

/** Records that differ between two states, sorted by kind then id. */
export function compareStates(before: State, after: State): StateDifference[] {
  const out: StateDifference[] = [];
  for (const kind of RESOURCE_KINDS) {
    const a = before[kind] as Readonly<Record<string, unknown>>;
    const b = after[kind] as Readonly<Record<string, unknown>>;
    for (const id of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (!(id in b)) out.push({ kind, id, change: '-' });
      else if (!(id in a)) out.push({ kind, id, change: '+' });
      else if (canonicalJson(a[id]) !== canonicalJson(b[id])) out.push({ kind, id, change: '~' });
    }
  }
  return out;
}

/** `links: + pod/br0, ~ pod/eth0`: one line per kind. */
export function describeDifferences(diffs: readonly StateDifference[]): string[] {
  const byKind = new Map<string, string[]>();
  for (const d of diffs) byKind.set(d.kind, [...(byKind.get(d.kind) ?? []), `${d.change} ${d.id}`]);
  return [...byKind].map(([k, ids]) => `${k}: ${ids.join(', ')}`);
}

/** Kinds whose fingerprints differ between a plan's basis and a fresh one (`links=…,addresses=…`). */
export function changedKinds(basis: string, fresh: string): string[] {
  const parse = (f: string) => new Map(f.split(',').map((p) => p.split('=') as [string, string]));
  const a = parse(basis);
  const b = parse(fresh);
  return [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).sort();
}
