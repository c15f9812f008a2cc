/** `wirestate validate`: parse and check a topology, changing nothing. */
import type { Command } from 'commander';
import type { Topology } from '@wirestate/core';
import { EXIT, type Context } from '../context.ts';
import { readTopologyFile } from '../inputs.ts';

/** Topology lists of low-level resources, counted as "resources". */
const RESOURCE_LISTS = ['links', 'addresses', 'routes', 'networks', 'dhcpServers', 'dhcpHosts', 'vmInterfaces', 'podNics'] as const;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `ok: 1 binding, 0 resources, 1 VM, 1 scope`. */
export function validationSummary(t: Topology): string {
  const resources = RESOURCE_LISTS.reduce((n, k) => n + (t[k]?.length ?? 0), 0);
  const parts = [
    plural(t.bindings?.length ?? 0, 'binding'),
    plural(resources, 'resource'),
    plural(t.vms?.length ?? 0, 'VM'),
    plural(Object.keys(t.scopes).length, 'scope'),
  ];
  return `ok: ${parts.join(', ')}`;
}

/** Registers the command. */
export function registerValidate(program: Command, ctx: Context): void {
  program
    .command('validate')
    .description('check a topology file and report every problem with its file:line:col and field path')
    .requiredOption('-f, --file <topology.yaml>', 'topology file')
    .addHelpText('after', '\nExit codes: 0 valid, 1 invalid or unreadable.')
    .action(async (opts: { file: string }) => {
      const topology = await readTopologyFile(opts.file);
      ctx.io.out(`${validationSummary(topology)}\n`);
      ctx.code = EXIT.ok;
    });
}
