/**
 * A readable listing of a state (`wirestate show`): per scope, per kind, one line per
 * resource with its descriptor's label and its remaining fields, owned ones marked `*`.
 * Generic over kinds on purpose: a new kind shows up here without editing this file.
 */
import { descriptorOf } from '../kinds/registry.ts';
import { RESOURCE_KINDS, type Resource, type State } from '../model/state.ts';
import { paintOf, type ColorOptions } from './paint.ts';
import { padEnd, plural, resourceDetail } from './text.ts';

/** Options of `renderState`. */
export type StateTextOptions = ColorOptions;

/** Renders a state grouped by scope then kind; ends with a newline. */
export function renderState(state: State, options: StateTextOptions = {}): string {
  const paint = paintOf(options);
  const byScope = new Map<string, Map<string, [string, string, boolean][]>>();
  let total = 0;
  let owned = 0;
  for (const kind of RESOURCE_KINDS) {
    const d = descriptorOf(kind);
    const records = state[kind] as Readonly<Record<string, Resource>>;
    for (const id of Object.keys(records).sort()) {
      const r = records[id]!;
      const label = (d.label as (x: Resource) => string)(r);
      const kinds = byScope.get(r.scope) ?? new Map<string, [string, string, boolean][]>();
      byScope.set(r.scope, kinds);
      const rows = kinds.get(kind) ?? [];
      kinds.set(kind, rows);
      rows.push([label, resourceDetail(r, label), r.owned === true]);
      total++;
      if (r.owned === true) owned++;
    }
  }
  if (total === 0) return 'The state is empty.\n';
  const out: string[] = [];
  for (const scope of [...byScope.keys()].sort()) {
    out.push(paint.bold(`scope ${scope === '' ? '(default)' : scope}`));
    for (const [kind, rows] of byScope.get(scope)!) {
      out.push(`  ${paint.cyan(kind)}`);
      const width = Math.min(48, Math.max(...rows.map(([l]) => [...l].length)));
      for (const [label, rest, mine] of rows) {
        const mark = mine ? paint.green('*') : ' ';
        out.push(`   ${mark} ${rest === '' ? label : `${padEnd(label, width)}  ${paint.dim(rest)}`}`);
      }
    }
    out.push('');
  }
  out.push(`${plural(total, 'resource')}, ${owned} owned by wirestate (marked *).`);
  return `${out.join('\n')}\n`;
}
