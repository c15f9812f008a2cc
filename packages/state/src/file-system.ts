/**
 * A memory system persisted to a JSON file after every op: the memory driver's semantics
 * with a state that outlives the process, so crash, lock and timer tests of the whole
 * command line run without root. Selected by the CLI only through `WIRESTATE_TEST_SYSTEM_FILE`.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { completeState, type Driver, type DriverSet, type Op, type State } from '@wirestate/core';
import { createMemorySystem, type Fault } from '@wirestate/drivers';

function persist(file: string, state: State): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(state));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** Drivers over the state in `file` (a `State` JSON document), written back after each successful op. */
export function fileSystemDrivers(file: string, faults: readonly Fault[] = []): { readonly drivers: DriverSet; close(): Promise<void> } {
  const system = createMemorySystem(completeState(JSON.parse(readFileSync(file, 'utf8')) as Partial<State>), { faults });
  const drivers: DriverSet = {};
  for (const [name, d] of Object.entries(system.drivers) as [keyof DriverSet, Driver][]) {
    drivers[name] = {
      name: d.name,
      snapshot: (scopes) => d.snapshot(scopes),
      async execute(op: Op) {
        await d.execute(op);
        persist(file, system.state);
      },
    };
  }
  return { drivers, close: async () => {} };
}
