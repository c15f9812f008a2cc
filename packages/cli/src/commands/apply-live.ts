/**
 * `wirestate apply` on the live system: under the scopes' locks, refuse while a session
 * is unsettled, snapshot, journal every step, reconcile; on failure undo everything the
 * session did (earlier phases too) so the scopes are as they were; optionally arm the
 * confirm-or-revert timer.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  apply,
  canonicalJson,
  fingerprint,
  isApplyFailure,
  parseTopology,
  reconcile,
  renderPlanText,
  renderStepLog,
  renderVerification,
  type Facts,
  type Plan,
  type Scope,
  type State,
  type Verification,
} from '@wirestate/core';
import { assertSettled, changedKinds, engineJournal, pruneJournals, undoSession, type JournalWriter } from '@wirestate/state';
import { EXIT, paintOf, type Context } from '../context.ts';
import { checkedJournal, interruptible, spawnConfirmTimer, startSession, viewFile, withLock } from '../durable.ts';
import { fileFactsStore } from '../facts-store.ts';
import { CliError } from '../failure.ts';
import { globalsOf, parseDuration, type Globals } from '../globals.ts';
import { openSystem, type OpenSystem } from '../system.ts';
import { killAfterTimer } from '../test-hooks.ts';

/** Options of a live apply. */
export interface LiveApplyOptions {
  readonly file?: string;
  readonly plan?: string;
  readonly confirmWithin?: string;
  readonly json?: boolean;
}

/** Undoes what a failed session left in effect and records how it ended. */
async function unwindFailure(ctx: Context, writer: JournalWriter, sys: OpenSystem, err: unknown): Promise<void> {
  const undo = await undoSession(viewFile(writer.file), sys.drivers, writer, () => sys.snapshot());
  const failed = undo.failures.length > 0;
  writer.append({ t: 'finish', outcome: failed ? 'rollback-failed' : 'rolled-back', at: new Date().toISOString() });
  if (undo.undone.length + undo.skipped.length > 0) ctx.io.err(`wirestate: undid ${undo.undone.length} step(s) of earlier phases\n`);
  for (const f of undo.failures) ctx.io.err(`wirestate: rollback of step ${f.step.step.index} failed (${f.step.step.inverseCommand}): ${f.error.message}\n`);
  if (failed || (isApplyFailure(err) && err.rollbackFailures.length > 0)) {
    ctx.io.err('wirestate: the scopes are NOT back where they were; run `wirestate recover` (it retries the failed inverses)\n');
  }
}

/** After a successful apply: record the finish and arm the confirm timer when asked. */
function finishSuccess(ctx: Context, globals: Globals, writer: JournalWriter, v: Verification | undefined, confirmWithin: string | undefined): void {
  writer.append({ t: 'finish', outcome: 'applied', ...(v !== undefined ? { converged: v.converged } : {}), at: new Date().toISOString() });
  if (confirmWithin === undefined) return;
  const deadline = new Date(Date.now() + parseDuration(confirmWithin, '--confirm-within'));
  const timer = spawnConfirmTimer(globals, writer.file, deadline);
  writer.append({ t: 'confirm-pending', deadline: deadline.toISOString(), timer });
  killAfterTimer();
  ctx.io.out(`\nRun \`wirestate confirm\` before ${deadline.toISOString()} to keep this change; otherwise it is reverted (timer pid ${timer.pid}).\n`);
}

function report(ctx: Context, cmd: Command, plan: Plan, completed: Parameters<typeof renderStepLog>[1], v: Verification | undefined): void {
  const paint = paintOf(ctx, cmd);
  ctx.io.out(`\n${paint.bold('Applied:')}\n`);
  ctx.io.out(renderStepLog(plan, completed, { paint }));
  if (v !== undefined) ctx.io.out(`\n${renderVerification(v, { paint })}`);
}

async function readTopologyText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read topology ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message}`);
  }
}

/** What one journaled run produced. */
interface RunOutcome {
  readonly plan: Plan;
  readonly completed: Parameters<typeof renderStepLog>[1];
  readonly verification: Verification | undefined;
}

/** Runs one journaled session: reports, arms the confirm timer, and unwinds the journal on failure. */
async function inSession(ctx: Context, cmd: Command, globals: Globals, sys: OpenSystem, writer: JournalWriter, confirmWithin: string | undefined, run: () => Promise<RunOutcome>): Promise<void> {
  try {
    const { plan, completed, verification } = await run();
    report(ctx, cmd, plan, completed, verification);
    finishSuccess(ctx, globals, writer, verification, confirmWithin);
    if (verification?.converged === false) throw new CliError('applied, but not converged: a fresh snapshot still needs changes (see above)');
    ctx.code = EXIT.ok;
  } catch (err) {
    if (!viewFile(writer.file).finish) await unwindFailure(ctx, writer, sys, err);
    throw err;
  } finally {
    writer.close();
  }
}

/** `apply -f topology.yaml`: the whole reconcile loop, journaled. */
export async function applyTopology(ctx: Context, cmd: Command, opts: LiveApplyOptions & { file: string }): Promise<void> {
  const globals = globalsOf(cmd);
  // Parsed from the very text the journal records, so a forward recovery applies what this run did.
  const text = await readTopologyText(opts.file);
  const topology = parseTopology(text, opts.file);
  const scopes: Scope[] = Object.entries(topology.scopes).map(([name, s]) => ({ name, ...s }));
  const byName = Object.fromEntries(scopes.map((s) => [s.name, s]));
  const paint = paintOf(ctx, cmd);
  await withLock(ctx, globals, scopes.map((s) => s.name), 'apply', () => interruptible(ctx, async (check) => {
    assertSettled(globals.layout, scopes.map((s) => s.name));
    pruneJournals(globals.layout);
    const sys = openSystem(globals, scopes);
    try {
      const pre = await sys.snapshot();
      const writer = startSession(globals, { command: 'apply', scopes, pre, topology: { file: resolve(opts.file), text }, factsFile: globals.layout.factsFile });
      await inSession(ctx, cmd, globals, sys, writer, opts.confirmWithin, async () => {
        const result = await reconcile(topology, {
          drivers: sys.drivers,
          facts: fileFactsStore(globals.layout.factsFile),
          journal: checkedJournal(engineJournal(writer), check),
          onPlan: (plan, phase) => {
            ctx.io.out(`${phase === 'pod-nics' ? `${paint.bold('Pod NICs (CNI):')}\n` : ''}${renderPlanText(plan, { paint, scopes: byName })}`);
            return true;
          },
        });
        return { plan: result.plans.at(-1)!, completed: result.result.completed, verification: result.result.verification };
      });
    } finally {
      await sys.close();
    }
  }));
}

interface SavedPlan {
  readonly formatVersion: number;
  readonly topologyFile?: string;
  readonly scopes?: Readonly<Record<string, Scope>>;
  readonly plan: Plan;
  readonly desired: State;
  readonly facts: Facts;
}

async function readSavedPlan(file: string): Promise<SavedPlan> {
  let doc: SavedPlan;
  try {
    doc = JSON.parse(await readFile(file, 'utf8')) as SavedPlan;
  } catch (err) {
    throw new CliError(`cannot read saved plan ${file}: ${(err as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object' || doc.formatVersion !== 1 || typeof doc.plan?.basis !== 'string' || typeof doc.desired !== 'object') {
    throw new CliError(`${file} is not a plan saved by \`wirestate plan -o\` (formatVersion 1 with plan, basis and desired state)`);
  }
  return doc;
}

/** `apply --plan plan.json`: exactly the saved steps, refused when the live state moved since. */
export async function applySavedPlan(ctx: Context, cmd: Command, opts: LiveApplyOptions & { plan: string }): Promise<void> {
  const globals = globalsOf(cmd);
  const saved = await readSavedPlan(opts.plan);
  let scopes: Scope[];
  if (saved.scopes !== undefined) scopes = Object.values(saved.scopes);
  else if (saved.topologyFile !== undefined) {
    const topology = parseTopology(await readTopologyText(saved.topologyFile), saved.topologyFile);
    scopes = Object.entries(topology.scopes).map(([name, s]) => ({ name, ...s }));
  } else throw new CliError(`saved plan ${opts.plan} names no scopes`);
  const names = scopes.map((s) => s.name);
  await withLock(ctx, globals, names, 'apply', () => interruptible(ctx, async (check) => {
    assertSettled(globals.layout, names);
    const sys = openSystem(globals, scopes);
    try {
      const pre = await sys.snapshot();
      const now = fingerprint(pre);
      if (now !== saved.plan.basis) {
        throw new CliError(
          `plan ${opts.plan} is stale: the live state changed since it was made (${changedKinds(saved.plan.basis, now).join(', ')}); run \`wirestate plan -o\` again`,
        );
      }
      if (saved.plan.conflicts.length > 0) throw new CliError(`the plan has ${saved.plan.conflicts.length} conflict(s) and cannot be applied`, saved.plan.conflicts);
      const facts = fileFactsStore(globals.layout.factsFile);
      if (canonicalJson(await facts.load()) !== canonicalJson(saved.facts)) await facts.save(saved.facts);
      const writer = startSession(globals, { command: 'apply', scopes, pre, desired: saved.desired, factsFile: globals.layout.factsFile });
      await inSession(ctx, cmd, globals, sys, writer, opts.confirmWithin, async () => {
        ctx.io.out(renderPlanText(saved.plan, { paint: paintOf(ctx, cmd), scopes: Object.fromEntries(scopes.map((s) => [s.name, s])) }));
        const result = await apply(saved.plan, sys.drivers, { journal: checkedJournal(engineJournal(writer), check), verify: { desired: saved.desired, snapshot: () => sys.snapshot() } });
        return { plan: saved.plan, completed: result.completed, verification: result.verification };
      });
    } finally {
      await sys.close();
    }
  }));
}
