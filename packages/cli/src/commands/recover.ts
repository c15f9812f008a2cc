/**
 * `wirestate recover`: settle every interrupted session — back to the state before it by
 * default, forward to its desired state with `--forward` — and revert applies whose
 * confirm timer died past its deadline. Idempotent; says so when there is nothing to do.
 */
import type { Command } from 'commander';
import { apply, parseTopology, plan as makePlan, reconcile } from '@wirestate/core';
import { engineJournal, reopenJournal, selfId, sessionsTouching, unsettled, isAlive, type SessionView } from '@wirestate/state';
import { EXIT, type Context } from '../context.ts';
import { spawnConfirmTimer, viewFile, withLock } from '../durable.ts';
import { fileFactsStore } from '../facts-store.ts';
import { CliError } from '../failure.ts';
import { globalsOf, type Globals } from '../globals.ts';
import { openSystem } from '../system.ts';
import { reportSettle, settleSession } from './settle.ts';

/** Completes an interrupted session by re-planning from a fresh snapshot to what it wanted. */
async function forward(ctx: Context, globals: Globals, view: SessionView): Promise<boolean> {
  const sys = openSystem(globals, view.session.scopes);
  const writer = reopenJournal(view.file);
  try {
    const journal = engineJournal(writer, view.plans.length);
    let converged: boolean | undefined;
    if (view.session.topology !== undefined) {
      const topology = parseTopology(view.session.topology.text, view.session.topology.file);
      const r = await reconcile(topology, { drivers: sys.drivers, facts: fileFactsStore(view.session.factsFile ?? globals.layout.factsFile), journal });
      converged = r.result.verification?.converged;
    } else if (view.session.desired !== undefined) {
      const desired = view.session.desired;
      const p = makePlan(desired, await sys.snapshot(), { scopes: Object.fromEntries(view.session.scopes.map((s) => [s.name, s])) });
      const r = await apply(p, sys.drivers, { journal, verify: { desired, snapshot: () => sys.snapshot() } });
      converged = r.verification?.converged;
    } else {
      throw new CliError(`session ${view.session.id} records no desired state; recover it backwards (without --forward)`);
    }
    writer.append({ t: 'resolved', how: 'recovered-forward', at: new Date().toISOString(), by: selfId() });
    ctx.io.out(`Recovered ${view.session.id} forward: ${converged === false ? 'applied, NOT converged' : 'applied and converged'}.\n`);
    return converged !== false;
  } finally {
    writer.close();
    await sys.close();
  }
}

/** Settles one session; returns false when something is left. */
async function recoverOne(ctx: Context, globals: Globals, fresh: SessionView, opts: { forward?: boolean }): Promise<boolean> {
  const label = `${fresh.session.command} ${fresh.session.id} (scopes ${fresh.session.scopes.map((s) => s.name).join(',')})`;
  if (fresh.status === 'running') {
    ctx.io.out(`${label} is in progress (pid ${fresh.session.writer.pid}); nothing to recover.\n`);
    return true;
  }
  if (fresh.status === 'awaiting-confirm') {
    const timer = fresh.confirmPending?.timer;
    const deadline = new Date(fresh.confirmPending!.deadline);
    if (timer !== undefined && isAlive(timer)) {
      ctx.io.out(`${label} awaits confirmation until ${deadline.toISOString()}; its timer (pid ${timer.pid}) is alive. Nothing to recover.\n`);
      return true;
    }
    if (deadline.getTime() > Date.now()) {
      const t = spawnConfirmTimer(globals, fresh.file, deadline);
      const w = reopenJournal(fresh.file);
      w.append({ t: 'confirm-pending', deadline: deadline.toISOString(), timer: t });
      w.close();
      ctx.io.out(`${label}: its confirm timer died; restarted it (pid ${t.pid}) for the deadline ${deadline.toISOString()}.\n`);
      return true;
    }
    return reportSettle(ctx, `Reverted ${label}: unconfirmed past ${deadline.toISOString()} and its timer is dead`, await settleSession(globals, fresh, 'reverted'));
  }
  if (fresh.status !== 'interrupted') return true;
  if (opts.forward === true) return forward(ctx, globals, fresh);
  return reportSettle(ctx, `Rolled back ${label}`, await settleSession(globals, fresh, 'recovered-back'));
}

/** Registers the command. */
export function registerRecover(program: Command, ctx: Context): void {
  program
    .command('recover')
    .description('settle applies that were interrupted (crash, kill -9, failed rollback): roll them back, or --forward')
    .option('--forward', 're-plan from a fresh snapshot to the interrupted apply\'s topology and apply it, instead of rolling back')
    .addHelpText('after', '\nSafe to run at any time: with nothing pending it says "nothing to recover".\nExit codes: 0 settled (or nothing to do), 1 something could not be settled.')
    .action(async (opts: { forward?: boolean }, cmd: Command) => {
      const globals = globalsOf(cmd);
      const pending = unsettled(sessionsTouching(globals.layout));
      if (pending.length === 0) {
        ctx.io.out('Nothing to recover.\n');
        ctx.code = EXIT.ok;
        return;
      }
      let ok = true;
      for (const v of pending) {
        const scopes = v.session.scopes.map((s) => s.name);
        // Re-read under the lock: the session may have settled or finished while we waited.
        ok = (await withLock(ctx, globals, scopes, 'recover', () => recoverOne(ctx, globals, viewFile(v.file), opts))) && ok;
      }
      if (!ok) throw new CliError('recovery is incomplete (see above); fix the cause and run `wirestate recover` again');
      ctx.code = EXIT.ok;
    });
}
