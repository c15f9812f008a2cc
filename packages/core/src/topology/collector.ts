/** Collects issues from every rule so that all problems are reported together. */
import type { Issue } from '../errors.ts';
import type { IssueCode } from './codes.ts';
import { LIMITS } from './limits.ts';

/** A path into the topology, as `['bindings', 0, 'podNic']`. */
export type Path = readonly (string | number)[];

/** An issue before it is given a source location. */
export interface RawIssue extends Issue {
  readonly code: IssueCode;
}

/** Accumulates issues; one per code and path (rules may meet the same field twice). */
export class Collector {
  readonly issues: RawIssue[] = [];
  private readonly seen = new Set<string>();
  /** Paths already reported as unsafe: other rules stay quiet on them to avoid noise. */
  private readonly unsafe = new Set<string>();

  /** Records one issue. */
  add(code: IssueCode, path: Path, message: string): void {
    const key = `${code}\u0000${pathKey(path)}`;
    if (this.seen.has(key) || this.issues.length >= LIMITS.maxIssues) return;
    this.seen.add(key);
    if (code === 'unsafe_string' || code === 'too_large') this.unsafe.add(pathKey(path));
    this.issues.push({ code, path: [...path], message });
  }

  /** Whether a field was already found unsafe or too large (format rules skip it). */
  isTainted(path: Path): boolean {
    return this.unsafe.has(pathKey(path));
  }

  /** Whether any issue was recorded. */
  get failed(): boolean {
    return this.issues.length > 0;
  }
}

/** A string key for a path, unambiguous for any key text. */
export function pathKey(path: Path): string {
  return JSON.stringify(path);
}
