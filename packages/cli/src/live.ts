/**
 * Where the live state comes from: a saved snapshot file, or the real drivers. The real
 * drivers are not wired into the CLI yet; `liveSnapshot` is the one place to plug them.
 */
import { WirestateError, type Scopes, type State } from '@wirestate/core';
import { readSnapshotFile } from './inputs.ts';

/** Reads the live system of the given scopes through the real drivers. */
export async function liveSnapshot(_scopes: Scopes): Promise<State> {
  throw new WirestateError(
    'not_supported',
    'reading the live system needs the real drivers, which this CLI does not wire yet; pass --snapshot live.json',
  );
}

/** The live state: from `snapshotFile` when given, else from the live system. */
export async function loadLive(snapshotFile: string | undefined, scopes: Scopes): Promise<State> {
  return snapshotFile !== undefined ? readSnapshotFile(snapshotFile) : liveSnapshot(scopes);
}
