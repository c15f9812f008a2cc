/**
 * What a dry run changed: every resource added, removed or changed between two states,
 * field by field (`~ mac: 0a:… → 7e:…`). Compares whole resources, not only managed
 * fields, because it shows what the system would look like, not what was asked.
 */
import { canonicalJson } from '../engine/fingerprint.ts';
import { descriptorOf } from '../kinds/registry.ts';
import { RESOURCE_KINDS, type Resource, type ResourceKind, type State } from '../model/state.ts';
import { paintOf, type ColorOptions } from './paint.ts';
import { plural, resourceDetail, showValue } from './text.ts';

/** Options of `renderStateDiff`. */
export type StateDiffOptions = ColorOptions;

function label(kind: ResourceKind, r: Resource): string {
  const d = descriptorOf(kind);
  return `${d.noun} ${(d.label as (x: Resource) => string)(r)}`;
}

function changedFields(before: Resource, after: Resource): string[] {
  const a = before as unknown as Record<string, unknown>;
  const b = after as unknown as Record<string, unknown>;
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return names.filter((n) => canonicalJson(a[n] ?? null) !== canonicalJson(b[n] ?? null));
}

/** Renders the differences from `before` to `after`, kinds in state order, ids sorted; ends with a newline. */
export function renderStateDiff(before: State, after: State, options: StateDiffOptions = {}): string {
  const paint = paintOf(options);
  const out: string[] = [];
  const count = { added: 0, removed: 0, changed: 0 };
  for (const kind of RESOURCE_KINDS) {
    const was = before[kind] as Readonly<Record<string, Resource>>;
    const now = after[kind] as Readonly<Record<string, Resource>>;
    const ids = [...new Set([...Object.keys(was), ...Object.keys(now)])].sort();
    for (const id of ids) {
      const a = was[id];
      const b = now[id];
      if (a === undefined && b !== undefined) {
        count.added++;
        const text = label(kind, b);
        const rest = resourceDetail(b, text);
        out.push(paint.green(`+ ${kind} ${id}: ${text}`));
        if (rest !== '') out.push(`    ${paint.dim(rest)}`);
      } else if (a !== undefined && b === undefined) {
        count.removed++;
        out.push(paint.red(`- ${kind} ${id}: ${label(kind, a)}`));
      } else if (a !== undefined && b !== undefined) {
        const fields = changedFields(a, b);
        if (fields.length === 0) continue;
        count.changed++;
        out.push(paint.yellow(`~ ${kind} ${id}: ${label(kind, b)}`));
        const ra = a as unknown as Record<string, unknown>;
        const rb = b as unknown as Record<string, unknown>;
        for (const f of fields) out.push(`    ${paint.yellow('~')} ${f}: ${showValue(ra[f])} → ${showValue(rb[f])}`);
      }
    }
  }
  if (out.length === 0) return 'No differences.\n';
  out.push('', `${plural(count.added, 'resource')} added, ${count.changed} changed, ${count.removed} removed.`);
  return `${out.join('\n')}\n`;
}
