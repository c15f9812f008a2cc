/**
 * The durable record of each pod NIC made by CNI, `stateDir/cni/<scope>/<ifname>.json`:
 * written (atomically, fsync'd) as `pending` before the plugin runs and with its result
 * before ADD returns, so a crash never leaves an ADD nobody knows of, DEL always has the
 * config and `prevResult` it needs, and a second ADD is refused.
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { WirestateError, type CniResult } from '@wirestate/core';
import type { NetworkConfig } from './config.ts';

/** Version of the record format. */
export const CNI_RECORD_VERSION = 1;

/** What is kept about one attachment. */
export interface CniRecord {
  readonly version: number;
  readonly scope: string;
  readonly ifname: string;
  readonly containerId: string;
  /** Path of the config file named in the topology. */
  readonly config: string;
  /** The network config as it was run: DEL uses it even if the file changed or went away. */
  readonly network: NetworkConfig;
  /** The CNI_NETNS the plugin was given. */
  readonly netns: string;
  /** True from just before ADD runs until its result is recorded. */
  readonly pending: boolean;
  /** The ADD result; absent while pending. */
  readonly result?: CniResult;
}

// Scope and interface names become path components; refuse anything that could leave the directory.
const SAFE_COMPONENT = /^[A-Za-z0-9_][A-Za-z0-9_.@:-]*$/;

function component(kind: string, value: string): string {
  if (!SAFE_COMPONENT.test(value) || value.length > 255) {
    throw new WirestateError('invalid_argument', `${kind} ${JSON.stringify(value)} cannot name a CNI record file`);
  }
  return value;
}

/** The directory holding a scope's records. */
export function scopeDir(stateDir: string, scope: string): string {
  return join(stateDir, 'cni', component('scope', scope));
}

/** The record file of one attachment. */
export function recordPath(stateDir: string, scope: string, ifname: string): string {
  return join(scopeDir(stateDir, scope), `${component('interface name', ifname)}.json`);
}

/** Reads a record; `undefined` when there is none. */
export async function readRecord(stateDir: string, scope: string, ifname: string): Promise<CniRecord | undefined> {
  const path = recordPath(stateDir, scope, ifname);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new WirestateError('driver_failure', `reading CNI record ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return JSON.parse(text) as CniRecord;
  } catch (err) {
    throw new WirestateError('conflict', `CNI record ${path} is not JSON; fix or remove it by hand`, { cause: err });
  }
}

/** Writes a record atomically and durably (temp file, fsync, rename). */
export async function writeRecord(stateDir: string, record: CniRecord): Promise<void> {
  const path = recordPath(stateDir, record.scope, record.ifname);
  // Default modes: the state dir is shared with dnsmasq, which must traverse it after dropping root.
  await mkdir(scopeDir(stateDir, record.scope), { recursive: true });
  await writeFileAtomic(path, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600, fsync: true });
}

/** Removes a record; one already gone is fine. */
export async function removeRecord(stateDir: string, scope: string, ifname: string): Promise<void> {
  await rm(recordPath(stateDir, scope, ifname), { force: true });
}

/** All records of a scope, by interface name order. */
export async function listRecords(stateDir: string, scope: string): Promise<CniRecord[]> {
  let names: string[];
  try {
    names = await readdir(scopeDir(stateDir, scope));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: CniRecord[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const r = await readRecord(stateDir, scope, name.slice(0, -'.json'.length));
    if (r !== undefined) out.push(r);
  }
  return out;
}
