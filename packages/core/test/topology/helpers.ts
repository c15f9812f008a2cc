/** Shared helpers of the topology tests. */
import type { ExecutionContext } from 'ava';
import { readFileSync } from 'node:fs';
import { ValidationError, type Issue } from '../../src/errors.ts';

/** Reads a file of `test/topology/data/`. */
export function data(name: string): string {
  return readFileSync(new URL(`data/${name}`, import.meta.url), 'utf8');
}

/** Runs `f`, which must throw a `ValidationError`, and returns its issues. */
export function issuesOf(t: ExecutionContext, f: () => unknown): readonly Issue[] {
  const err = t.throws(f, { instanceOf: ValidationError }) as ValidationError | undefined;
  return err?.issues ?? [];
}

/** The code and dotted-path pairs of issues, as `code@path`, sorted. */
export function codes(issues: readonly Issue[]): string[] {
  return issues.map((i) => `${i.code}@${JSON.stringify(i.path)}`).sort();
}

/** The `duplicate` issues among `issues`, as [dotted path, message]. */
export function duplicates(issues: readonly Issue[]): [string, string][] {
  return issues.filter((i) => i.code === 'duplicate').map((i) => [i.path.join('.'), i.message]);
}

/** The one-scope seed topology of the docs. */
export const SEED_YAML = `apiVersion: wirestate/v1
scopes:
  pod: { netns: pod1 }
vms: [{ name: vm1 }]
bindings:
  - { vm: vm1, podNic: eth42, mode: libvirt-network }
`;

/** Issue lookup by code, for assertions that name one issue. */
export function only(t: ExecutionContext, issues: readonly Issue[], code: string): Issue {
  const found = issues.filter((i) => i.code === code);
  t.is(found.length, 1, `exactly one ${code} in ${codes(issues).join(', ')}`);
  return found[0] ?? { code, path: [], message: '' };
}
