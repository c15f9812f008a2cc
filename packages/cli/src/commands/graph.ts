/** `wirestate graph`: the plan's steps and their dependencies as Graphviz dot. */
import type { Command } from 'commander';
import { renderGraph } from '@wirestate/core';
import { EXIT, type Context } from '../context.ts';
import { globalsOf } from '../globals.ts';
import { planFromFiles } from '../pipeline.ts';

/** Registers the command. */
export function registerGraph(program: Command, ctx: Context): void {
  program
    .command('graph')
    .description('print the plan as a Graphviz digraph (pipe into `dot -Tsvg`)')
    .requiredOption('-f, --file <topology.yaml>', 'topology file')
    .option('--snapshot <live.json>', 'live state saved as JSON instead of reading the live system')
    .option('--facts <facts.json>', 'recorded pod NIC facts (default with the live system: <state-dir>/facts.json)')
    .addHelpText('after', '\nExit codes: 0 success, 1 error.')
    .action(async (opts: { file: string; snapshot?: string; facts?: string }, cmd: Command) => {
      const { plan } = await planFromFiles({ ...opts, globals: globalsOf(cmd) });
      ctx.io.out(renderGraph(plan));
      ctx.code = EXIT.ok;
    });
}
