/** `wirestate apply`: a topology or a saved plan, to the live system or (`--dry-run`) to the memory driver. */
import type { Command } from 'commander';
import type { Context } from '../context.ts';
import { CliError } from '../failure.ts';
import { applyDryRun } from './apply-dry-run.ts';
import { applySavedPlan, applyTopology } from './apply-live.ts';

export { DRY_RUN_JSON_VERSION } from './apply-dry-run.ts';

interface ApplyOptions {
  readonly file?: string;
  readonly plan?: string;
  readonly snapshot?: string;
  readonly facts?: string;
  readonly dryRun?: boolean;
  readonly json?: boolean;
  readonly failOp?: string;
  readonly confirmWithin?: string;
}

/** Registers the command. */
export function registerApply(program: Command, ctx: Context): void {
  program
    .command('apply')
    .description('bring the live system to a topology (or run a saved plan); with --dry-run, on an in-memory copy of a snapshot')
    .argument('[plan.json]', 'a plan saved by `wirestate plan -o` (same as --plan)')
    .option('-f, --file <topology.yaml>', 'topology file')
    .option('--plan <plan.json>', 'run this saved plan; refused when the live state changed since it was made')
    .option('--confirm-within <duration>', 'revert automatically unless `wirestate confirm` runs within this time (e.g. 60s)')
    .option('--dry-run', 'apply to the memory driver seeded with the snapshot; nothing on this machine changes')
    .option('--snapshot <live.json>', 'dry run: live state saved as JSON instead of reading the live system')
    .option('--facts <facts.json>', 'dry run: recorded pod NIC facts (a missing file means none recorded yet)')
    .option('--json', 'dry run: print the result as JSON')
    .option('--fail-op <op-type>', 'dry run only: make the first op of this type fail (e.g. vmInterface.attach) to see the rollback')
    .addHelpText(
      'after',
      [
        '',
        'Every live apply takes the scopes\' locks, journals each step in <state-dir>/journals, and',
        'refuses to start while an earlier apply is unsettled (see `wirestate recover`).',
        '',
        'Exit codes: 0 applied and converged, 1 error, conflict, failed step (rolled back), stale plan or not converged.',
      ].join('\n'),
    )
    .action(async (positional: string | undefined, opts: ApplyOptions, cmd: Command) => {
      const planFile = opts.plan ?? positional;
      if (opts.dryRun === true) {
        if (opts.file === undefined) throw new CliError('apply --dry-run needs -f topology.yaml');
        await applyDryRun(ctx, cmd, { ...opts, file: opts.file });
        return;
      }
      for (const flag of ['snapshot', 'facts', 'json', 'failOp'] as const) {
        if (opts[flag] !== undefined) throw new CliError(`--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} only goes with --dry-run`);
      }
      if (planFile !== undefined && opts.file !== undefined) throw new CliError('give either -f topology.yaml or a saved plan, not both');
      if (planFile !== undefined) await applySavedPlan(ctx, cmd, { ...opts, plan: planFile });
      else if (opts.file !== undefined) await applyTopology(ctx, cmd, { ...opts, file: opts.file });
      else throw new CliError('apply needs -f topology.yaml or a saved plan');
    });
}
