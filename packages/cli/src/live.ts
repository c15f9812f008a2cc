/** Where the live state comes from: a saved snapshot file, or the real drivers. */
import type { Scope, Scopes, State } from '@wirestate/core';
import { assertSettled } from '@wirestate/state';
import type { Globals } from './globals.ts';
import { readSnapshotFile } from './inputs.ts';
import { withSystem } from './system.ts';

/**
 * Reads the live system of the given scopes through the drivers, refusing while a
 * session over them is unsettled (its intermediate state would mislead).
 */
export async function liveSnapshot(scopes: Scopes, globals: Globals): Promise<State> {
  const list: Scope[] = Object.values(scopes);
  assertSettled(globals.layout, list.map((s) => s.name));
  return withSystem(globals, list, (s) => s.snapshot());
}

/** The live state: from `snapshotFile` when given, else from the live system. */
export async function loadLive(snapshotFile: string | undefined, scopes: Scopes, globals: Globals): Promise<State> {
  return snapshotFile !== undefined ? readSnapshotFile(snapshotFile) : liveSnapshot(scopes, globals);
}
