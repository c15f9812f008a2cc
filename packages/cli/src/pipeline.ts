/** The shared front half of `plan`, `apply` and `graph`: topology + live + facts → desired → plan. */
import { expand, gatherFacts, plan as makePlan, type Facts, type Plan, type Scopes, type State, type Topology } from '@wirestate/core';
import { CliError } from './failure.ts';
import { readFactsFile, readTopologyFile } from './inputs.ts';
import type { Globals } from './globals.ts';
import { loadLive } from './live.ts';

/** Inputs common to the planning commands. */
export interface PlanInputs {
  /** Topology file (`-f`). */
  readonly file: string;
  /** Saved live snapshot (`--snapshot`); absent: the live system. */
  readonly snapshot?: string;
  /** Recorded facts (`--facts`); absent: gathered from the snapshot. */
  readonly facts?: string;
  /** State directory and drivers, for the live system. */
  readonly globals: Globals;
}

/** Everything a plan was made from, and the plan. */
export interface Planned {
  readonly topology: Topology;
  readonly scopes: Scopes;
  readonly live: State;
  readonly facts: Facts;
  readonly desired: State;
  readonly plan: Plan;
}

/** Parses, gathers facts, expands and plans; throws `ValidationError` (located issues), `CliError` or `WirestateError`. */
export async function planFromFiles(inputs: PlanInputs): Promise<Planned> {
  const topology = await readTopologyFile(inputs.file);
  const scopes = Object.fromEntries(Object.entries(topology.scopes).map(([name, s]) => [name, { name, ...s }]));
  const live = await loadLive(inputs.snapshot, scopes, inputs.globals);
  // Against the live system the recorded facts are the state directory's, unless given.
  const factsFile = inputs.facts ?? (inputs.snapshot === undefined ? inputs.globals.layout.factsFile : undefined);
  const previous = factsFile !== undefined ? await readFactsFile(factsFile) : undefined;
  const gathered = gatherFacts(topology, live, previous);
  // A binding whose facts cannot be recorded cannot expand; its specific issue says why.
  if (gathered.issues.length > 0) {
    throw new CliError(`cannot record the pod NIC facts from ${inputs.snapshot !== undefined ? `snapshot ${inputs.snapshot}` : 'the live system'}`, gathered.issues, inputs.file);
  }
  const { desired } = expand(topology, gathered.facts);
  const plan = makePlan(desired, live, { scopes });
  return { topology, scopes, live, facts: gathered.facts, desired, plan };
}
