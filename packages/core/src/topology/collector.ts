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

/**
 * Accumulates issues, at most one per path: the first rule to fault a field (its format,
 * checked first) explains it best, and later rules would only repeat it in other words
 * (an IPv6 reservation is also "outside" an IPv4 subnet).
 */
export class Collector {
  private readonly found: RawIssue[] = [];
  private readonly seen = new Set<string>();
  private dropped = 0;

  /** Records one issue unless its path already has one. */
  add(code: IssueCode, path: Path, message: string): void {
    const key = pathKey(path);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.found.length < LIMITS.maxIssues) this.found.push({ code, path: [...path], message });
    else this.dropped++;
  }

  /** The issues, ending with a note of how many were left out past the limit. */
  get issues(): readonly RawIssue[] {
    if (this.dropped === 0) return this.found;
    return [...this.found, { code: 'too_large', path: [], message: `${this.dropped} more issues not listed (the limit is ${LIMITS.maxIssues}); fix these first` }];
  }

  /** Whether a field already has an issue (rules that would fault it again skip it). */
  isTainted(path: Path): boolean {
    return this.seen.has(pathKey(path));
  }

  /** Whether any issue was recorded. */
  get failed(): boolean {
    return this.found.length > 0;
  }
}

/** A string key for a path, unambiguous for any key text. */
export function pathKey(path: Path): string {
  return JSON.stringify(path);
}
