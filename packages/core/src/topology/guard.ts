/**
 * A cheap walk over the raw input, before any schema runs, that refuses inputs whose size
 * alone could exhaust time or memory: over-long lists, deep nesting (or a cyclic object
 * from the TypeScript API), too many values, over-long keys.
 */
import type { Collector, Path } from './collector.ts';
import { LIMITS } from './limits.ts';

/** Returns false (after recording `too_large` issues) when the input must not be analysed further. */
export function withinLimits(input: unknown, issues: Collector): boolean {
  let ok = true;
  let nodes = 0;
  const stack: { value: unknown; path: Path }[] = [{ value: input, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (++nodes > LIMITS.maxNodes) {
      issues.add('too_large', [], `the document holds more than ${LIMITS.maxNodes} values`);
      return false;
    }
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= LIMITS.maxDepth) {
      issues.add('too_large', path, `nesting deeper than ${LIMITS.maxDepth} levels (or a cycle)`);
      ok = false;
      continue;
    }
    if (Array.isArray(value)) {
      if (value.length > LIMITS.maxListItems) {
        issues.add('too_large', path, `list of ${value.length} items exceeds the limit of ${LIMITS.maxListItems}`);
        ok = false;
        continue;
      }
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: [...path, i] });
      continue;
    }
    const keys = Object.keys(value);
    if (keys.length > LIMITS.maxListItems) {
      issues.add('too_large', path, `map of ${keys.length} entries exceeds the limit of ${LIMITS.maxListItems}`);
      ok = false;
      continue;
    }
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      if (key.length > LIMITS.maxStringChars) {
        issues.add('too_large', path, `a key of ${key.length} characters exceeds the limit of ${LIMITS.maxStringChars}`);
        ok = false;
        continue;
      }
      stack.push({ value: (value as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return ok;
}
