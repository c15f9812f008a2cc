/** Shared by `recover`, `rollback` and the confirm timer: settle one session backwards, under its scopes' locks. */
import { describeDifferences, reopenJournal, settleBack, type SessionView, type SettleResult } from '@wirestate/state';
import type { Context } from '../context.ts';
import type { Globals } from '../globals.ts';
import { openSystem } from '../system.ts';

/** Undoes the session's outstanding steps and checks the scopes against the state the session found. */
export async function settleSession(globals: Globals, view: SessionView, how: 'recovered-back' | 'rolled-back' | 'reverted'): Promise<SettleResult> {
  const sys = openSystem(globals, view.session.scopes);
  const writer = reopenJournal(view.file);
  try {
    return await settleBack(view, sys.drivers, writer, () => sys.snapshot(), how);
  } finally {
    writer.close();
    await sys.close();
  }
}

/** Prints what a settlement did; returns false when the scopes are not back exactly. */
export function reportSettle(ctx: Context, what: string, r: SettleResult): boolean {
  ctx.io.out(`${what}: undid ${r.undone.length} step(s)${r.skipped.length > 0 ? `, ${r.skipped.length} found not in effect` : ''}.\n`);
  for (const s of r.undone) ctx.io.out(`  ↺ ${s.step.inverseCommand}\n`);
  for (const f of r.failures) ctx.io.err(`wirestate: undoing step ${f.step.step.index} failed (${f.step.step.inverseCommand}): ${f.error.message}\n`);
  if (r.failures.length > 0) return false;
  if (r.differences.length > 0) {
    ctx.io.err(`wirestate: the scopes differ from the state before the apply:\n${describeDifferences(r.differences).map((l) => `  ${l}\n`).join('')}`);
    return false;
  }
  ctx.io.out('Verified: a fresh snapshot equals the state before the apply.\n');
  return true;
}
