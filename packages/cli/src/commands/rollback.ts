/** `wirestate rollback`: undo the last finished apply from its journal, exactly, and verify. */
import type { Command } from 'commander';
import { blockingReason, isAlive, latestApply, sessionsTouching, unsettled } from '@wirestate/state';
import { EXIT, type Context } from '../context.ts';
import { viewFile, withLock } from '../durable.ts';
import { CliError } from '../failure.ts';
import { globalsOf } from '../globals.ts';
import { scopesFromArgs } from '../scopes.ts';
import { reportSettle, settleSession } from './settle.ts';

/** Registers the command. */
export function registerRollback(program: Command, ctx: Context): void {
  program
    .command('rollback')
    .description('undo the last finished apply (the inverses of its steps in reverse), then verify the state before it is back')
    .option('-f, --file <topology.yaml>', 'only the last apply over the scopes of this topology (default: the last apply of all)')
    .addHelpText('after', '\nExit codes: 0 rolled back and verified, or nothing to undo; 1 an inverse failed or the state differs.')
    .action(async (opts: { file?: string }, cmd: Command) => {
      const globals = globalsOf(cmd);
      const scopes = opts.file !== undefined ? Object.keys(await scopesFromArgs(opts)) : undefined;
      const last = latestApply(globals.layout, scopes);
      if (last === undefined || (last.status !== 'applied' && last.status !== 'awaiting-confirm')) {
        const why = last === undefined ? 'no apply is journaled' : last.status === 'settled' ? `the last apply (${last.session.id}) is already ${last.resolved?.how ?? last.finish?.outcome ?? 'settled'}` : blockingReason(last);
        if (last !== undefined && last.status !== 'settled') throw new CliError(`cannot roll back: ${why}`);
        ctx.io.out(`Nothing to undo: ${why}.\n`);
        ctx.code = EXIT.ok;
        return;
      }
      const others = unsettled(sessionsTouching(globals.layout, last.session.scopes.map((s) => s.name))).filter((v) => v.file !== last.file);
      if (others.length > 0) throw new CliError(`cannot roll back: ${others.map(blockingReason).join('; ')}`);
      const ok = await withLock(ctx, globals, last.session.scopes.map((s) => s.name), 'rollback', async () => {
        const fresh = viewFile(last.file);
        if (fresh.status !== 'applied' && fresh.status !== 'awaiting-confirm') {
          ctx.io.out(`Nothing to undo: the last apply (${fresh.session.id}) was settled meanwhile.\n`);
          return true;
        }
        const result = reportSettle(ctx, `Rolled back apply ${fresh.session.id}`, await settleSession(globals, fresh, 'rolled-back'));
        // An armed confirm timer has nothing left to revert.
        const timer = fresh.confirmPending?.timer;
        if (timer !== undefined && isAlive(timer)) process.kill(timer.pid, 'SIGTERM');
        return result;
      });
      if (!ok) throw new CliError('the rollback is incomplete (see above)');
      ctx.code = EXIT.ok;
    });
}
