/**
 * Running CNI plugins as the spec says: the binary named by `type`, found in the CNI path,
 * run from the node's netns with `CNI_*` variables and the config on stdin, never through
 * a shell. A chain (`.conflist`) runs in order for ADD and CHECK, reversed for DEL, each
 * plugin receiving the previous result as `prevResult`.
 */
import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { WirestateError, type ErrorKind } from '@wirestate/core';
import type { Runner } from '../exec.ts';
import type { NetworkConfig, PluginConfig } from './config.ts';
import { parseCniError } from './result.ts';

/** The CNI command. */
export type CniCommand = 'ADD' | 'DEL' | 'CHECK';

/** Everything one invocation needs besides the config. */
export interface Invocation {
  readonly runner: Runner;
  /** Directories searched for plugin binaries, in order. */
  readonly cniPath: readonly string[];
  /** argv prefix that enters the node's netns (`nsenter --net=… --`), or empty for our own. */
  readonly nodePrefix: readonly string[];
  readonly containerId: string;
  /** Path of the pod's netns file. */
  readonly netns: string;
  readonly ifname: string;
  /** Kill a plugin after this many milliseconds. */
  readonly timeoutMs?: number;
}

/** Finds the plugin binary in the CNI path. */
export async function findPlugin(type: string, cniPath: readonly string[]): Promise<string> {
  for (const dir of cniPath) {
    const file = join(dir, type);
    try {
      await access(file, constants.X_OK);
      return file;
    } catch {
      // try the next directory
    }
  }
  throw new WirestateError('not_supported', `CNI plugin ${type} not found in ${cniPath.join(':')}`);
}

/**
 * Error kind of a plugin error code: the spec's codes for bad input are the caller's
 * fault; 11 ("try again later") and everything else may pass on a retry.
 */
export function kindOfCniCode(code: number): ErrorKind {
  if (code === 1 || code === 2 || code === 4 || code === 6 || code === 7) return 'invalid_argument';
  if (code === 3) return 'conflict';
  return 'driver_failure';
}

/**
 * Runs one plugin and returns its stdout.
 *
 * Equivalent to `CNI_COMMAND=ADD CNI_CONTAINERID=ID CNI_NETNS=/var/run/netns/POD CNI_IFNAME=eth42 CNI_PATH=/usr/lib/cni /usr/lib/cni/TYPE < conf`.
 */
export async function runPlugin(inv: Invocation, command: CniCommand, plugin: PluginConfig, prevResult: unknown): Promise<string> {
  const file = await findPlugin(plugin.type, inv.cniPath);
  const conf = prevResult === undefined ? plugin.conf : { ...plugin.conf, prevResult };
  const argv = [...inv.nodePrefix, file];
  const context = `CNI ${command} of ${inv.ifname} (plugin ${plugin.type})`;
  let out;
  try {
    out = await inv.runner(argv[0] as string, argv.slice(1), {
      input: JSON.stringify(conf),
      timeoutMs: inv.timeoutMs ?? 60_000,
      env: {
        CNI_COMMAND: command,
        CNI_CONTAINERID: inv.containerId,
        CNI_NETNS: inv.netns,
        CNI_IFNAME: inv.ifname,
        CNI_PATH: inv.cniPath.join(':'),
      },
    });
  } catch (err) {
    throw new WirestateError('driver_failure', `${context}: cannot run ${file}: ${(err as Error).message}`, { cause: err });
  }
  if (out.code === 0) return out.stdout;
  const e = parseCniError(out.stdout);
  if (e !== undefined) {
    throw new WirestateError(kindOfCniCode(e.code), `${context}: ${e.msg}${e.details !== undefined ? ` (${e.details})` : ''}`, { code: `CNI_${e.code}` });
  }
  const why = out.code === null ? 'killed' : `exit ${out.code}`;
  throw new WirestateError('driver_failure', `${context}: ${why}: ${(out.stderr || out.stdout).trim().slice(0, 500)}`);
}

/** ADD over the chain; returns the last plugin's output (the network's result). */
export async function addChain(inv: Invocation, net: NetworkConfig): Promise<string> {
  let prev: unknown;
  let text = '';
  for (const p of net.plugins) {
    text = await runPlugin(inv, 'ADD', p, prev);
    try {
      prev = JSON.parse(text);
    } catch {
      throw new WirestateError('driver_failure', `CNI ADD of ${inv.ifname} (plugin ${p.type}): the plugin printed no JSON result`);
    }
  }
  return text;
}

/** DEL over the chain in reverse, every plugin given the recorded result; the first failure is thrown after all ran. */
export async function delChain(inv: Invocation, net: NetworkConfig, prevResult: unknown): Promise<void> {
  let first: unknown;
  for (const p of [...net.plugins].reverse()) {
    try {
      await runPlugin(inv, 'DEL', p, prevResult);
    } catch (err) {
      first ??= err;
    }
  }
  if (first !== undefined) throw first;
}

/** CHECK over the chain with the recorded result; throws when the plugins find the NIC not as recorded. */
export async function checkChain(inv: Invocation, net: NetworkConfig, prevResult: unknown): Promise<void> {
  for (const p of net.plugins) await runPlugin(inv, 'CHECK', p, prevResult);
}
