/**
 * Recording of raw rtnetlink dumps, so that a real namespace becomes a fixture: three JSON
 * files of base64 message payloads, replayed through the same `normalizeDump`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Scope, State } from '@wirestate/core';
import { createNetlinkDriver, type NetlinkDriverOptions } from './driver.ts';
import { normalizeDump, type RawDump } from './normalize.ts';

const FILES = { links: 'links.json', addresses: 'addresses.json', routes: 'routes.json' } as const;

/** The on-disk form of one dump: payloads without netlink headers, base64, host (little-endian) order. */
interface RecordedDump {
  readonly format: 'wirestate-rtnl-dump/1';
  readonly message: 'RTM_NEWLINK' | 'RTM_NEWADDR' | 'RTM_NEWROUTE';
  readonly payloads: readonly string[];
}

const MESSAGE = { links: 'RTM_NEWLINK', addresses: 'RTM_NEWADDR', routes: 'RTM_NEWROUTE' } as const;

/** Writes raw dumps to `dir` (links.json, addresses.json, routes.json). */
export async function writeRecording(raw: RawDump, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const k of Object.keys(FILES) as (keyof RawDump)[]) {
    const rec: RecordedDump = {
      format: 'wirestate-rtnl-dump/1',
      message: MESSAGE[k],
      payloads: raw[k].map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('base64')),
    };
    await writeFile(join(dir, FILES[k]), `${JSON.stringify(rec, null, 1)}\n`);
  }
}

/** Reads raw dumps written by `writeRecording`. */
export async function readRecording(dir: string): Promise<RawDump> {
  const read = async (k: keyof RawDump): Promise<Uint8Array[]> => {
    const rec = JSON.parse(await readFile(join(dir, FILES[k]), 'utf8')) as RecordedDump;
    if (rec.format !== 'wirestate-rtnl-dump/1') throw new Error(`${join(dir, FILES[k])}: unknown format ${String(rec.format)}`);
    return rec.payloads.map((b) => Buffer.from(b, 'base64'));
  };
  return { links: await read('links'), addresses: await read('addresses'), routes: await read('routes') };
}

/** Dumps a scope's namespace (`wirestate snapshot --record DIR`) into `dir`; returns the raw dumps. */
export async function recordSnapshot(scope: Scope, dir: string, options: NetlinkDriverOptions = {}): Promise<RawDump> {
  const driver = createNetlinkDriver({ ...options, scopes: [scope] });
  try {
    const raw = await driver.dumpScope(scope);
    await writeRecording(raw, dir);
    return raw;
  } finally {
    await driver.close?.();
  }
}

/** Replays a recording as the snapshot of scope `scopeName`, without root or a kernel. */
export async function snapshotFromRecording(dir: string, scopeName: string): Promise<Pick<State, 'links' | 'addresses' | 'routes'>> {
  return normalizeDump(await readRecording(dir), scopeName);
}
