/** `wirestate confirm` keeps an apply made with `--confirm-within`; `confirm-timer` is the dead-man that reverts it otherwise. */
import type { Command } from 'commander';
import { isAlive, reopenJournal, selfId, sessionsTouching } from '@wirestate/state';
import { EXIT, type Context } from '../context.ts';
import { viewFile, withLock } from '../durable.ts';
import { CliError } from '../failure.ts';
import { globalsOf } from '../globals.ts';
import { reportSettle, settleSession } from './settle.ts';

/** Registers `confirm` and the hidden `confirm-timer`. */
export function registerConfirm(program: Command, ctx: Context): void {
  program
    .command('confirm')
    .description('keep the apply made with --confirm-within (stops its revert timer)')
    .addHelpText('after', '\nExit codes: 0 confirmed, 1 nothing awaits confirmation (or it was already reverted).')
    .action(async (_opts: unknown, cmd: Command) => {
      const globals = globalsOf(cmd);
      const waiting = sessionsTouching(globals.layout).filter((v) => v.status === 'awaiting-confirm');
      if (waiting.length === 0) {
        const last = sessionsTouching(globals.layout).filter((v) => v.confirmPending !== undefined).at(-1);
        if (last?.resolved?.how === 'reverted' || last?.resolved?.how === 'rolled-back') {
          throw new CliError(`too late: apply ${last.session.id} was ${last.resolved.how} at ${last.resolved.at}`);
        }
        throw new CliError('nothing awaits confirmation');
      }
      for (const v of waiting) {
        await withLock(ctx, globals, v.session.scopes.map((s) => s.name), 'confirm', async () => {
          const fresh = viewFile(v.file);
          if (fresh.status !== 'awaiting-confirm') throw new CliError(`too late: apply ${fresh.session.id} was ${fresh.resolved?.how ?? 'settled'} meanwhile`);
          const w = reopenJournal(fresh.file);
          w.append({ t: 'confirmed', at: new Date().toISOString(), by: selfId() });
          w.close();
          const timer = fresh.confirmPending?.timer;
          if (timer !== undefined && isAlive(timer)) process.kill(timer.pid, 'SIGTERM');
          ctx.io.out(`Confirmed apply ${fresh.session.id}: kept.\n`);
        });
      }
      ctx.code = EXIT.ok;
    });

  program
    .command('confirm-timer', { hidden: true })
    .description('(internal) wait for the deadline, then revert the session unless it was confirmed')
    .requiredOption('--journal <file>', 'the session journal')
    .requiredOption('--deadline <iso-time>', 'when to revert')
    .action(async (opts: { journal: string; deadline: string }, cmd: Command) => {
      const globals = globalsOf(cmd);
      const wait = new Date(opts.deadline).getTime() - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const first = viewFile(opts.journal);
      const due = (v: typeof first) => v.confirmed === undefined && v.resolved === undefined && v.finish?.outcome === 'applied';
      if (!due(first)) {
        ctx.io.out(`confirm-timer: ${first.session.id} is ${first.status}; nothing to revert\n`);
        return;
      }
      const ok = await withLock(ctx, globals, first.session.scopes.map((s) => s.name), 'confirm-timer', async () => {
        const fresh = viewFile(opts.journal);
        if (!due(fresh)) return true;
        return reportSettle(ctx, `Reverted unconfirmed apply ${fresh.session.id}`, await settleSession(globals, fresh, 'reverted'));
      });
      ctx.code = ok ? EXIT.ok : EXIT.error;
    });
}
