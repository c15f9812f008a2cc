/**
 * `wirestate apply --dry-run`: runs the plan against the memory driver seeded with the
 * snapshot, then prints the step log, the resulting state diff and the verification.
 */
import type { Command } from 'commander';
import { createMemorySystem, type Fault } from '@wirestate/drivers';
import { apply, isApplyFailure, planToJson, renderPlanText, renderStateDiff, renderStepLog, renderVerification, snapshotAll, type ApplyResult, type Plan } from '@wirestate/core';
import { EXIT, paintOf, type Context } from '../context.ts';
import { CliError } from '../failure.ts';
import { globalsOf } from '../globals.ts';
import { planFromFiles } from '../pipeline.ts';

/** Options of `apply --dry-run`. */
export interface DryRunOptions {
  readonly file: string;
  readonly snapshot?: string;
  readonly facts?: string;
  readonly json?: boolean;
  readonly failOp?: string;
}

/** Version of `apply --dry-run --json` output. */
export const DRY_RUN_JSON_VERSION = 1;

/** A fault on the first op of `opType`; the type must be one the plan runs, else the flag would silently do nothing. */
function faultFor(opType: string, plan: Plan): Fault {
  const types = [...new Set(plan.steps.map((s) => s.op.type))].sort();
  const match = types.find((t) => t === opType);
  if (match === undefined) throw new CliError(`--fail-op ${opType}: no step of this plan runs it; it runs ${types.join(', ') || 'nothing'}`);
  return { opType: match, nth: 0 };
}

/** Runs the dry run. */
export async function applyDryRun(ctx: Context, cmd: Command, opts: DryRunOptions): Promise<void> {
  const { plan, scopes, live, desired } = await planFromFiles({ file: opts.file, snapshot: opts.snapshot, facts: opts.facts, globals: globalsOf(cmd) });
  const paint = paintOf(ctx, cmd);
  if (plan.conflicts.length > 0) {
    if (opts.json !== true) ctx.io.out(renderPlanText(plan, { paint, scopes }));
    throw new CliError(`the plan has ${plan.conflicts.length} conflict(s) and cannot be applied`, plan.conflicts);
  }
  const faults = opts.failOp === undefined ? [] : [faultFor(opts.failOp, plan)];
  const system = createMemorySystem(live, { faults });
  let result: ApplyResult;
  try {
    result = await apply(plan, system.drivers, { verify: { desired, snapshot: () => snapshotAll(system.drivers, []) } });
  } catch (err) {
    // apply rolled the memory system back; show that it is where it started.
    if (isApplyFailure(err) && opts.json !== true) {
      ctx.io.out(`${paint.bold('Dry run')} on the memory driver failed at step ${err.failedStep.index}; rolled back ${err.rolledBack.length} step(s).\n`);
      ctx.io.out(`\n${paint.bold('State after rollback, compared with the snapshot:')}\n`);
      ctx.io.out(renderStateDiff(live, system.state, { paint }));
    }
    throw err;
  }
  const verification = result.verification!;
  if (opts.json === true) {
    const doc = {
      formatVersion: DRY_RUN_JSON_VERSION,
      dryRun: true,
      plan: planToJson(plan),
      completed: result.completed.map((s) => s.index),
      verification: { converged: verification.converged, attempts: verification.attempts, remaining: verification.remaining },
      after: system.state,
    };
    ctx.io.out(`${JSON.stringify(doc, null, 2)}\n`);
  } else {
    ctx.io.out(`${paint.bold('Dry run')} on the memory driver: nothing on this machine changes.\n\n`);
    ctx.io.out(renderStepLog(plan, result.completed, { paint }));
    ctx.io.out(`\n${paint.bold('Resulting state diff:')}\n`);
    ctx.io.out(renderStateDiff(live, system.state, { paint }));
    ctx.io.out('\n');
    ctx.io.out(renderVerification(verification, { paint }));
  }
  if (!verification.converged) throw new CliError(`not converged: ${verification.remaining.length} change(s) still needed after the dry run`);
  ctx.code = EXIT.ok;
}
