/** The global options every command that touches the system shares: state directory, drivers, lock timeout. */
import type { Command } from 'commander';
import type { DriverName } from '@wirestate/core';
import { DEFAULT_STATE_DIR, stateLayout, type StateLayout } from '@wirestate/state';
import { CliError } from './failure.ts';

/** Drivers a run may use. */
export const DRIVER_NAMES: readonly DriverName[] = ['netlink', 'libvirt', 'dnsmasq', 'cni'];

/** Parsed global options. */
export interface Globals {
  /** The state directory's layout. */
  readonly layout: StateLayout;
  /** Drivers to build; the others' kinds are neither read nor changed. */
  readonly drivers: readonly DriverName[];
  /** How long to wait for a scope lock, in milliseconds. */
  readonly lockTimeoutMs: number;
}

/** Parses `90`, `90s`, `500ms`, `2m`, `1h` into milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (m === null) throw new CliError(`${flag} ${JSON.stringify(text)}: expected a duration like 30s, 500ms, 2m or 1h`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(m[1]) * unit);
}

/** Registers the global options on the program. */
export function addGlobalOptions(program: Command): Command {
  return program
    .option('--state-dir <dir>', 'where journals, locks and recorded facts live', DEFAULT_STATE_DIR)
    .option('--drivers <list>', `drivers to use, comma-separated (${DRIVER_NAMES.join(',')})`, DRIVER_NAMES.join(','))
    .option('--lock-timeout <duration>', 'how long to wait for a scope held by another wirestate process', '30s');
}

/** The global options as seen from a command. */
export function globalsOf(cmd: Command): Globals {
  const o = cmd.optsWithGlobals<{ stateDir: string; drivers: string; lockTimeout: string }>();
  const drivers = o.drivers
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '');
  const unknown = drivers.filter((d) => !(DRIVER_NAMES as readonly string[]).includes(d));
  if (unknown.length > 0) throw new CliError(`--drivers: unknown driver(s) ${unknown.join(', ')}; expected some of ${DRIVER_NAMES.join(', ')}`);
  return { layout: stateLayout(o.stateDir), drivers: drivers as DriverName[], lockTimeoutMs: parseDuration(o.lockTimeout, '--lock-timeout') };
}
