/**
 * Planner benchmark (not a test): synthetic topologies of 1k / 10k / 100k resources with
 * 1% changed; times validate + expand + diff + plan and reports peak RSS and the 100k/10k
 * ratio. Run: `pnpm bench` (node --import=tsx --conditions=wirestate-source bench/plan.ts
 * [sizes…]; WIRESTATE_BENCH_ROUNDS=k rounds, default 7).
 *
 * Each size runs in its own process (one heap per size). The machine's speed drifts by tens
 * of percent over a minute, so the sizes are measured in rounds: one process per size per
 * round, back to back, in alternating order. A round's ratio compares two processes that ran
 * seconds apart; the figure is the median over the rounds, printed with its spread.
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { expand, plan, validateTopology } from '@wirestate/core';
import { median, spread } from './lib/stats.ts';
import { build } from './lib/synthetic.ts';

/** One process's figures: the best of its warm passes, and its peak RSS. */
interface Sample {
  readonly ms: number;
  readonly steps: number;
  readonly rssMb: number;
}

/**
 * Runs `reps` passes in this process: the best time is the figure for speed, and the
 * peak RSS of a single-pass process is the figure for memory (what one `wirestate plan` needs).
 */
function run(n: number, reps: number): Sample {
  const { topology, live } = build(n);
  const times: number[] = [];
  let steps = 0;
  for (let rep = 0; rep < reps; rep++) {
    const t0 = performance.now();
    const t = validateTopology(topology);
    const { desired, scopes } = expand(t);
    const p = plan(desired, live, { scopes });
    times.push(performance.now() - t0);
    steps = p.steps.length;
  }
  return { ms: Math.min(...times), steps, rssMb: process.resourceUsage().maxRSS / 1024 };
}

function inChild(n: number, reps: number): Sample {
  const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, WIRESTATE_BENCH_CHILD: String(n), WIRESTATE_BENCH_REPS: String(reps) },
    encoding: 'utf8',
  });
  return JSON.parse(out) as Sample;
}

const child = process.env.WIRESTATE_BENCH_CHILD;
if (child !== undefined) {
  process.stdout.write(JSON.stringify(run(Number(child), Number(process.env.WIRESTATE_BENCH_REPS ?? 5))));
} else {
  const args = process.argv.slice(2).map(Number).filter((x) => x > 0);
  const sizes = args.length > 0 ? args : [1000, 10000, 100000];
  const rounds = Number(process.env.WIRESTATE_BENCH_ROUNDS ?? '') || 7;
  const first = new Map(sizes.map((n) => [n, inChild(n, 1)]));
  const best = new Map<number, number[]>(sizes.map((n) => [n, []]));
  const steps = new Map<number, number>();
  for (let r = 0; r < rounds; r++) {
    for (const n of r % 2 === 0 ? sizes : [...sizes].reverse()) {
      const s = inChild(n, 20);
      best.get(n)!.push(s.ms);
      steps.set(n, s.steps);
    }
  }
  for (const n of sizes) {
    const ms = best.get(n)!;
    const once = first.get(n)!;
    process.stdout.write(
      `resources=${n}  validate+expand+diff+plan=${median(ms).toFixed(1)} ms (median over ${rounds} rounds of the best of 20 warm passes, ${spread(ms, 1)}; first pass ${once.ms.toFixed(1)} ms)  steps=${steps.get(n)}  peak RSS of one pass=${once.rssMb.toFixed(0)} MB\n`,
    );
  }
  const r10 = best.get(10000);
  const r100 = best.get(100000);
  if (r10 !== undefined && r100 !== undefined) {
    const ratios = r100.map((ms, i) => ms / r10[i]!);
    process.stdout.write(`ratio 100k/10k = ${median(ratios).toFixed(2)} (median over ${rounds} rounds, each ${spread(ratios, 2)}; linear would be 10)\n`);
  }
  process.stdout.write(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} (2 cores; figures are only comparable on a quiet machine)\n`);
}
