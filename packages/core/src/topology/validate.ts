/** Validation of a topology given as data (the TypeScript API, or YAML once parsed). */
import { ValidationError, type Issue, type SourceLocation } from '../errors.ts';
import { Collector, type Path, type RawIssue } from './collector.ts';
import { withinLimits } from './guard.ts';
import { normalizeTopologyInPlace } from './normalize.ts';
import { checkDuplicates } from './rules/duplicates.ts';
import { checkKinds } from './rules/kinds.ts';
import { checkMasterCycles } from './rules/masters.ts';
import { checkReferences } from './rules/references.ts';
import { checkScopes } from './rules/scopes.ts';
import { checkSubnets } from './rules/subnets.ts';
import { topologySchema } from './schema.ts';
import type { Topology } from './types.ts';
import { buildView, isRecord } from './view.ts';
import { addZodIssues } from './zod-issues.ts';

/** The outcome of checking: the normalized topology, or every issue found. */
export type CheckResult = { readonly ok: true; readonly topology: Topology } | { readonly ok: false; readonly issues: readonly RawIssue[] };

/** Runs every rule on `input` and collects all issues; never throws for any input. */
export function checkTopology(input: unknown): CheckResult {
  const issues = new Collector();
  if (!withinLimits(input, issues)) return { ok: false, issues: issues.issues };
  const parsed = topologySchema.safeParse(input);
  const structural = parsed.success ? [] : addZodIssues(parsed.error.issues, input, issues);
  if (isRecord(input)) {
    const view = buildView(input, structural);
    checkScopes(view, issues);
    checkKinds(view, issues);
    checkDuplicates(view, issues);
    checkReferences(view, issues);
    checkMasterCycles(view, issues);
    checkSubnets(view, issues);
  }
  if (issues.failed || !parsed.success) return { ok: false, issues: issues.issues };
  return { ok: true, topology: normalizeTopologyInPlace(parsed.data) };
}

/**
 * Validates a topology given as data and returns it normalized (lowercase MACs, canonical
 * IPs, the only scope filled in); throws a `ValidationError` holding every issue.
 * `locate` gives issues a source position when the data came from a file.
 */
export function validateTopology(input: unknown, locate?: (path: Path) => SourceLocation | undefined): Topology {
  const result = checkTopology(input);
  if (result.ok) return result.topology;
  const located: Issue[] = result.issues.map((i) => {
    const location = locate?.(i.path);
    return location === undefined ? i : { ...i, location };
  });
  throw new ValidationError(located);
}
