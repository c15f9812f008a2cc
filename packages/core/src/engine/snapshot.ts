/** Merging what several drivers read into one live `State`. */
import type { Driver, DriverSet } from '../driver.ts';
import type { Scope } from '../model/scope.ts';
import { emptyState, RESOURCE_KINDS, type State } from '../model/state.ts';

/** Merges partial states; records of the same kind from different drivers are combined. */
export function mergeStates(parts: readonly Partial<State>[]): State {
  const out: Record<string, Record<string, unknown>> = { ...emptyState() } as never;
  for (const kind of RESOURCE_KINDS) {
    const merged: Record<string, unknown> = {};
    for (const p of parts) Object.assign(merged, p[kind] ?? {});
    out[kind] = merged;
  }
  return out as unknown as State;
}

/** Snapshots every driver of the set over the scopes, reads serialized per driver, drivers in parallel. */
export async function snapshotAll(drivers: DriverSet, scopes: readonly Scope[]): Promise<State> {
  const list = Object.values(drivers).filter((d): d is Driver => d !== undefined);
  const parts = await Promise.all(list.map((d) => d.snapshot(scopes)));
  return mergeStates(parts);
}
