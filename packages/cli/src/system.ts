/**
 * The drivers of one command: the real ones over the topology's scopes, restricted to
 * `--drivers`; or, for tests only, a memory system persisted in the file named by
 * `WIRESTATE_TEST_SYSTEM_FILE`. Tests may inject faults into either through
 * `WIRESTATE_TEST_FAULTS`, a JSON list of the memory driver's `Fault`s.
 */
import { asWirestateError, canRetry, snapshotAll, type DriverSet, type Scope, type State } from '@wirestate/core';
import { createSystemDrivers, FaultPlan, withFaults, type Fault } from '@wirestate/drivers';
import { fileSystemDrivers } from '@wirestate/state';
import type { Globals } from './globals.ts';

/** Open drivers and the way to release them. */
export interface OpenSystem {
  readonly drivers: DriverSet;
  /** A fresh snapshot of the scopes. */
  snapshot(): Promise<State>;
  close(): Promise<void>;
}

/** Opens the drivers for `scopes`; the caller closes them. */
export function openSystem(globals: Globals, scopes: readonly Scope[], env: NodeJS.ProcessEnv = process.env): OpenSystem {
  const testFile = env.WIRESTATE_TEST_SYSTEM_FILE;
  const faults = env.WIRESTATE_TEST_FAULTS ? (JSON.parse(env.WIRESTATE_TEST_FAULTS) as Fault[]) : [];
  let set: { drivers: DriverSet; close(): Promise<void> };
  if (testFile !== undefined && testFile !== '') {
    set = fileSystemDrivers(testFile, faults);
  } else {
    const all = createSystemDrivers({ scopes, stateDir: globals.layout.root });
    const plan = new FaultPlan(faults);
    const drivers: DriverSet = {};
    for (const name of globals.drivers) {
      const d = all.drivers[name];
      if (d !== undefined) drivers[name] = faults.length > 0 ? withFaults(d, plan) : d;
    }
    set = { drivers, close: () => all.close() };
  }
  return { drivers: set.drivers, snapshot: () => snapshotWithRetry(set.drivers, scopes), close: () => set.close() };
}

/** Reads are idempotent: a failure whose kind allows it (a restarted netlink worker) is tried again, twice. */
async function snapshotWithRetry(drivers: DriverSet, scopes: readonly Scope[]): Promise<State> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await snapshotAll(drivers, scopes);
    } catch (err) {
      const e = asWirestateError(err, 'reading the live state');
      if (attempt >= 3 || !canRetry(e.kind)) throw e;
    }
  }
}

/** Opens, runs `fn`, and closes even when `fn` throws. */
export async function withSystem<T>(globals: Globals, scopes: readonly Scope[], fn: (s: OpenSystem) => Promise<T>): Promise<T> {
  const s = openSystem(globals, scopes);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}
