/**
 * Where the planner's time goes (not a test): each phase of validate + expand + diff + plan
 * timed separately at 10k and 100k resources, with its growth factor, so that a phase that
 * grows faster than its input stands out. Run: `pnpm bench:phases`.
 */
import { loadavg } from 'node:os';
import { expand } from '@wirestate/core';
import { diff } from '../packages/core/src/engine/diff.ts';
import { plan } from '../packages/core/src/engine/plan.ts';
import { Collector } from '../packages/core/src/topology/collector.ts';
import { withinLimits } from '../packages/core/src/topology/guard.ts';
import { normalizeTopologyInPlace } from '../packages/core/src/topology/normalize.ts';
import { checkDuplicates } from '../packages/core/src/topology/rules/duplicates.ts';
import { checkKinds } from '../packages/core/src/topology/rules/kinds.ts';
import { checkMasterCycles } from '../packages/core/src/topology/rules/masters.ts';
import { checkReferences } from '../packages/core/src/topology/rules/references.ts';
import { checkScopes } from '../packages/core/src/topology/rules/scopes.ts';
import { checkSubnets } from '../packages/core/src/topology/rules/subnets.ts';
import { topologySchema } from '../packages/core/src/topology/schema.ts';
import type { Topology } from '../packages/core/src/topology/types.ts';
import { buildView } from '../packages/core/src/topology/view.ts';
import { build } from './lib/synthetic.ts';

const SIZES = [10_000, 100_000] as const;
const laps = new Map<string, number[]>();

/** The same steps as `validateTopology` + `expand` + `plan`, lapped one by one. */
function pass(n: number, input: unknown, live: ReturnType<typeof build>['live']): void {
  let t = performance.now();
  const lap = (phase: string): void => {
    const now = performance.now();
    const key = `${phase}@${n}`;
    (laps.get(key) ?? laps.set(key, []).get(key)!).push(now - t);
    t = now;
  };
  const issues = new Collector();
  withinLimits(input, issues);
  lap('size guard');
  const parsed = topologySchema.safeParse(input);
  lap('schema (zod)');
  const view = buildView(input, []);
  lap('view');
  checkScopes(view, issues);
  checkKinds(view, issues);
  lap('rules: scopes, kinds');
  checkDuplicates(view, issues);
  lap('rules: duplicates');
  checkReferences(view, issues);
  lap('rules: references');
  checkMasterCycles(view, issues);
  lap('rules: master cycles');
  checkSubnets(view, issues);
  lap('rules: subnets');
  if (!parsed.success || issues.failed) throw new Error('the synthetic topology must be valid');
  const topology = normalizeTopologyInPlace(parsed.data as Topology);
  lap('normalize');
  const { desired, scopes } = expand(topology);
  lap('expand');
  diff(desired, live);
  lap('diff');
  plan(desired, live, { scopes });
  lap('plan (diff again + steps)');
}

for (const n of SIZES) {
  const { topology, live } = build(n);
  for (let r = 0; r < (n === 10_000 ? 40 : 12); r++) pass(n, topology, live);
}
/** The lower quartile: a phase's cost without the scheduler's and the collector's worst moments. */
const quartile = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 4)]!;
console.log(`${'phase'.padEnd(28)}${'10k ms'.padStart(9)}${'100k ms'.padStart(9)}${'growth'.padStart(8)}`);
for (const phase of new Set([...laps.keys()].map((k) => k.split('@')[0]!))) {
  const a = quartile(laps.get(`${phase}@${SIZES[0]}`)!);
  const b = quartile(laps.get(`${phase}@${SIZES[1]}`)!);
  console.log(`${phase.padEnd(28)}${a.toFixed(2).padStart(9)}${b.toFixed(2).padStart(9)}${`${(b / a).toFixed(1)}x`.padStart(8)}`);
}
console.log(`(lower quartile of 40 / 12 passes; 10x is linear; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')})`);
