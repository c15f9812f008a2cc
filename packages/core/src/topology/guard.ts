/**
 * A cheap walk over the raw input, before any schema runs, that refuses inputs whose size
 * alone could exhaust time or memory: over-long lists, deep nesting (or a cyclic object
 * from the TypeScript API), too many values, over-long keys.
 */
import type { Collector } from './collector.ts';
import { LIMITS } from './limits.ts';

/** Returns false (after recording `too_large` issues) when the input must not be analysed further. */
export function withinLimits(input: unknown, issues: Collector): boolean {
  let ok = true;
  let nodes = 0;
  let exhausted = false;
  // Depth-first by recursion, bounded by maxDepth: nothing is allocated per node (a queue of
  // pending nodes would hold every element of a long list at once), and the path of the
  // current node is this one stack, copied only when an issue needs it.
  const path: (string | number)[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (++nodes > LIMITS.maxNodes) {
      exhausted = true;
      return;
    }
    if (value === null || typeof value !== 'object') return;
    if (depth >= LIMITS.maxDepth) {
      issues.add('too_large', [...path], `nesting deeper than ${LIMITS.maxDepth} levels (or a cycle)`);
      ok = false;
      return;
    }
    if (Array.isArray(value)) {
      if (value.length > LIMITS.maxListItems) {
        issues.add('too_large', [...path], `list of ${value.length} items exceeds the limit of ${LIMITS.maxListItems}`);
        ok = false;
        return;
      }
      for (let i = 0; i < value.length && !exhausted; i++) child(value[i], i, depth);
      return;
    }
    const keys = Object.keys(value);
    if (keys.length > LIMITS.maxListItems) {
      issues.add('too_large', [...path], `map of ${keys.length} entries exceeds the limit of ${LIMITS.maxListItems}`);
      ok = false;
      return;
    }
    for (let i = 0; i < keys.length && !exhausted; i++) {
      const key = keys[i]!;
      if (key.length > LIMITS.maxStringChars) {
        issues.add('too_large', [...path], `a key of ${key.length} characters exceeds the limit of ${LIMITS.maxStringChars}`);
        ok = false;
        continue;
      }
      child((value as Record<string, unknown>)[key], key, depth);
    }
  };
  // Scalars need no visit of their own beyond the count.
  const child = (item: unknown, key: string | number, depth: number): void => {
    if (item === null || typeof item !== 'object') {
      nodes++;
      return;
    }
    path.push(key);
    visit(item, depth + 1);
    path.pop();
  };
  visit(input, 0);
  if (exhausted) {
    issues.add('too_large', [], `the document holds more than ${LIMITS.maxNodes} values`);
    return false;
  }
  return ok;
}
