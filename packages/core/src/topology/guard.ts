/**
 * A cheap walk over the raw input, before any schema runs, that refuses inputs whose size
 * alone could exhaust time or memory: over-long lists, deep nesting (or a cyclic object
 * from the TypeScript API), too many values, over-long keys.
 */
import type { Collector, Path } from './collector.ts';
import { LIMITS } from './limits.ts';

/** A value still to visit; paths are rebuilt from parents only when an issue needs one. */
interface Visit {
  readonly value: unknown;
  readonly depth: number;
  readonly parent: Visit | undefined;
  readonly key: string | number | undefined;
}

function pathOf(v: Visit): Path {
  const path: (string | number)[] = [];
  for (let at: Visit | undefined = v; at?.key !== undefined; at = at.parent) path.push(at.key);
  return path.reverse();
}

/** Returns false (after recording `too_large` issues) when the input must not be analysed further. */
export function withinLimits(input: unknown, issues: Collector): boolean {
  let ok = true;
  let nodes = 0;
  const stack: Visit[] = [{ value: input, depth: 0, parent: undefined, key: undefined }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const { value, depth } = visit;
    if (++nodes > LIMITS.maxNodes) {
      issues.add('too_large', [], `the document holds more than ${LIMITS.maxNodes} values`);
      return false;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= LIMITS.maxDepth) {
      issues.add('too_large', pathOf(visit), `nesting deeper than ${LIMITS.maxDepth} levels (or a cycle)`);
      ok = false;
      continue;
    }
    if (Array.isArray(value)) {
      if (value.length > LIMITS.maxListItems) {
        issues.add('too_large', pathOf(visit), `list of ${value.length} items exceeds the limit of ${LIMITS.maxListItems}`);
        ok = false;
        continue;
      }
      for (let i = value.length - 1; i >= 0; i--) {
        const item: unknown = value[i];
        // Scalars need no visit of their own beyond the count.
        if (item !== null && typeof item === 'object') stack.push({ value: item, depth: depth + 1, parent: visit, key: i });
        else nodes++;
      }
      continue;
    }
    const keys = Object.keys(value);
    if (keys.length > LIMITS.maxListItems) {
      issues.add('too_large', pathOf(visit), `map of ${keys.length} entries exceeds the limit of ${LIMITS.maxListItems}`);
      ok = false;
      continue;
    }
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      if (key.length > LIMITS.maxStringChars) {
        issues.add('too_large', pathOf(visit), `a key of ${key.length} characters exceeds the limit of ${LIMITS.maxStringChars}`);
        ok = false;
        continue;
      }
      const item: unknown = (value as Record<string, unknown>)[key];
      if (item !== null && typeof item === 'object') stack.push({ value: item, depth: depth + 1, parent: visit, key });
      else nodes++;
    }
  }
  return ok;
}
