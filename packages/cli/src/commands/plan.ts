/** `wirestate plan`: what apply would do, as text or JSON, optionally saved for later. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import writeFileAtomic from 'write-file-atomic';
import { renderPlanJson, renderPlanText } from '@wirestate/core';
import { EXIT, paintOf, type Context } from '../context.ts';
import { CliError } from '../failure.ts';
import { globalsOf } from '../globals.ts';
import { planFromFiles, type Planned } from '../pipeline.ts';

interface PlanOptions {
  readonly file: string;
  readonly snapshot?: string;
  readonly facts?: string;
  readonly json?: boolean;
  readonly detailedExitcode?: boolean;
  readonly out?: string;
}

/** Version of the `-o plan.json` file. */
export const SAVED_PLAN_VERSION = 1;

/** Saves what `apply` of a saved plan needs: the plan, its desired state and the facts it used. */
async function savePlan(file: string, planned: Planned, topologyFile: string): Promise<void> {
  const doc = { formatVersion: SAVED_PLAN_VERSION, topologyFile: resolve(topologyFile), scopes: planned.scopes, plan: planned.plan, desired: planned.desired, facts: planned.facts };
  await writeFileAtomic(file, `${JSON.stringify(doc, null, 2)}\n`);
}

/** Registers the command. */
export function registerPlan(program: Command, ctx: Context): void {
  program
    .command('plan')
    .description('show the steps that would bring the live state to the topology, in execution order')
    .requiredOption('-f, --file <topology.yaml>', 'topology file')
    .option('--snapshot <live.json>', 'live state saved as JSON instead of reading the live system')
    .option('--facts <facts.json>', 'recorded pod NIC facts (default with the live system: <state-dir>/facts.json)')
    .option('--json', 'print the plan as JSON (schema formatVersion 1)')
    .option('--detailed-exitcode', 'exit 0 when there are no changes, 2 when there are, 1 on error')
    .option('-o, --out <plan.json>', 'also save the plan (with its basis, the fingerprint of the live state), desired state and facts, for `apply --plan`')
    .addHelpText('after', '\nExit codes: 0 success (no changes with --detailed-exitcode), 1 error or conflicts, 2 changes (--detailed-exitcode).')
    .action(async (opts: PlanOptions, cmd: Command) => {
      const planned = await planFromFiles({ file: opts.file, snapshot: opts.snapshot, facts: opts.facts, globals: globalsOf(cmd) });
      const { plan, scopes } = planned;
      ctx.io.out(opts.json === true ? renderPlanJson(plan) : renderPlanText(plan, { paint: paintOf(ctx, cmd), scopes }));
      if (opts.out !== undefined) await savePlan(opts.out, planned, opts.file);
      if (plan.conflicts.length > 0) {
        throw new CliError(`the plan has ${plan.conflicts.length} conflict(s) and cannot be applied`, plan.conflicts);
      }
      ctx.code = opts.detailedExitcode === true && plan.steps.length > 0 ? EXIT.changes : EXIT.ok;
    });
}
