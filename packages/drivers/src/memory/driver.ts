/**
 * The memory driver: the reference semantics for dry runs and tests. One shared state
 * serves the netlink, libvirt, dnsmasq and CNI roles, so a whole plan runs against it.
 */
import { completeState, asWirestateError, type Driver, type DriverName, type DriverSet, type Op, type ResourceKind, type Scope, type State } from '@wirestate/core';
import { freeze } from 'immer';
import { FaultPlan, type Fault } from './faults.ts';
import { applyOp } from './semantics.ts';

/** Which kinds each driver role reads. */
const KINDS_OF: Readonly<Record<DriverName, readonly ResourceKind[]>> = {
  netlink: ['links', 'addresses', 'routes'],
  libvirt: ['networks', 'dhcpHosts', 'vmInterfaces', 'domains'],
  dnsmasq: ['dhcpServers', 'dhcpHosts'],
  cni: ['cniAttachments', 'resolvers'],
};

/** Options of the memory driver. */
export interface MemoryOptions {
  /** Faults to inject. */
  readonly faults?: readonly Fault[];
}

/** An in-memory system: its current state, the ops it ran, and a driver per role. */
export interface MemorySystem {
  /** The current state. */
  readonly state: State;
  /** Every op executed successfully, in order. */
  readonly log: readonly Op[];
  /** Drivers for all roles, sharing this system. */
  readonly drivers: DriverSet;
}

function inScopes<T extends { scope: string }>(records: Readonly<Record<string, T>>, names: ReadonlySet<string> | undefined): Record<string, T> {
  if (names === undefined) return { ...records };
  const out: Record<string, T> = {};
  for (const [id, r] of Object.entries(records)) if (names.has(r.scope)) out[id] = r;
  return out;
}

/** Creates an in-memory system starting at `initial`. */
export function createMemorySystem(initial: Partial<State>, options: MemoryOptions = {}): MemorySystem {
  let state = freeze(completeState(initial), true);
  const log: Op[] = [];
  const faults = new FaultPlan(options.faults ?? []);
  const role = (name: DriverName): Driver => ({
    name,
    async snapshot(scopes: readonly Scope[]) {
      const names = scopes.length === 0 ? undefined : new Set(scopes.map((s) => s.name));
      const part: Record<string, unknown> = {};
      for (const kind of KINDS_OF[name]) {
        const records = inScopes(state[kind] as Readonly<Record<string, { scope: string; network?: string; server?: string }>>, names);
        if (kind === 'dhcpHosts') {
          for (const [id, h] of Object.entries(records)) if ((h.network !== undefined) !== (name === 'libvirt')) delete records[id];
        }
        part[kind] = records;
      }
      return part as Partial<State>;
    },
    async execute(op: Op) {
      const injected = faults.check(op);
      if (injected) throw injected;
      try {
        state = applyOp(state, op);
      } catch (err) {
        throw asWirestateError(err, `running ${op.type}`);
      }
      log.push(op);
    },
  });
  const drivers: DriverSet = { netlink: role('netlink'), libvirt: role('libvirt'), dnsmasq: role('dnsmasq'), cni: role('cni') };
  return {
    get state() {
      return state;
    },
    log,
    drivers,
  };
}
