/** `wirestate show`: a readable listing of a live state. */
import type { Command } from 'commander';
import { canonicalJson, renderState } from '@wirestate/core';
import { EXIT, paintOf, type Context } from '../context.ts';
import { globalsOf } from '../globals.ts';
import { loadLive } from '../live.ts';
import { scopesFromArgs } from '../scopes.ts';

interface ShowOptions {
  readonly snapshot?: string;
  readonly file?: string;
  readonly netns?: string;
  readonly json?: boolean;
}

/** Registers the command. */
export function registerShow(program: Command, ctx: Context): void {
  program
    .command('show')
    .description('list the live state per scope and kind, marking what wirestate owns')
    .option('--snapshot <live.json>', 'live state saved as JSON instead of reading the live system')
    .option('-f, --file <topology.yaml>', 'read the live system in the scopes of this topology')
    .option('--netns <name>', 'without -f: read this network namespace (default: the current one)')
    .option('--json', 'print the complete normalized state as JSON')
    .addHelpText('after', '\nExit codes: 0 success, 1 error.')
    .action(async (opts: ShowOptions, cmd: Command) => {
      const scopes = opts.snapshot === undefined ? await scopesFromArgs(opts) : {};
      const state = await loadLive(opts.snapshot, scopes, globalsOf(cmd));
      // Canonical key order, so two snapshots of the same system print identically.
      ctx.io.out(opts.json === true ? `${JSON.stringify(JSON.parse(canonicalJson(state)), null, 2)}\n` : renderState(state, { paint: paintOf(ctx, cmd) }));
      ctx.code = EXIT.ok;
    });
}
