/**
 * Planner benchmark (not a test): synthetic topologies of 1k / 10k / 100k resources with
 * 1% changed; times validate + expand + diff + plan and reports peak RSS and the 100k/10k
 * ratio. Run: `pnpm bench` (node --import=tsx --conditions=wirestate-source bench/plan.ts).
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { expand, plan, validateTopology } from '@wirestate/core';
import { build } from './lib/synthetic.ts';

/**
 * Runs `reps` passes in this process: the best time is the figure for speed, and the
 * peak RSS of a single-pass process is the figure for memory (what one `wirestate plan` needs).
 */
function run(n: number, reps: number): { ms: number; steps: number; rssMb: number } {
  const { topology, live } = build(n);
  const best: number[] = [];
  let steps = 0;
  for (let rep = 0; rep < reps; rep++) {
    const t0 = performance.now();
    const t = validateTopology(topology);
    const { desired, scopes } = expand(t);
    const p = plan(desired, live, { scopes });
    best.push(performance.now() - t0);
    steps = p.steps.length;
  }
  return { ms: Math.min(...best), steps, rssMb: process.resourceUsage().maxRSS / 1024 };
}

const child = process.env.WIRESTATE_BENCH_CHILD;
if (child !== undefined) {
  process.stdout.write(JSON.stringify(run(Number(child), Number(process.env.WIRESTATE_BENCH_REPS ?? 5))));
} else {
  const args = process.argv.slice(2).map(Number).filter((x) => x > 0);
  const sizes = args.length > 0 ? args : [1000, 10000, 100000];
  const results = new Map<number, number>();
  for (const n of sizes) {
    const inChild = (reps: number) =>
      JSON.parse(
        execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
          env: { ...process.env, WIRESTATE_BENCH_CHILD: String(n), WIRESTATE_BENCH_REPS: String(reps) },
          encoding: 'utf8',
        }),
      ) as { ms: number; steps: number; rssMb: number };
    const once = inChild(1);
    const r = inChild(20);
    results.set(n, r.ms);
    process.stdout.write(`resources=${n}  validate+expand+diff+plan=${r.ms.toFixed(1)} ms (best of 20 warm passes; first pass ${once.ms.toFixed(1)} ms)  steps=${r.steps}  peak RSS of one pass=${once.rssMb.toFixed(0)} MB\n`);
  }
  const r10 = results.get(10000);
  const r100 = results.get(100000);
  if (r10 !== undefined && r100 !== undefined) process.stdout.write(`ratio 100k/10k = ${(r100 / r10).toFixed(2)} (linear would be 10)\n`);
  process.stdout.write(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} (2 cores; figures are only comparable on a quiet machine)\n`);
}
