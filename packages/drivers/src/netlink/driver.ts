/**
 * The netlink driver: snapshots and changes links, addresses and routes of any number of
 * network namespaces through the npm `netlink` package, one socket per namespace.
 */
import { randomInt } from 'node:crypto';
import type { Driver, Op, OpOf, OpOutcome, Scope, Scopes, State } from '@wirestate/core';
import { WirestateError, scopeOf } from '@wirestate/core';
import { netlinkError } from './errors.ts';
import { describeOp, execRunner, executeOp, type ExecContext, type ExecRunner } from './execute.ts';
import { fastEligible, resolveNames, runFastBatch, uncachedNames } from './fast-batch.ts';
import { addressDumpPayload, delGroupRequest, linkDumpPayload, routeDumpPayload, setLinkRequest } from './messages.ts';
import { RTM } from './constants.ts';
import { DumpDecoder, linkIndexes, type RawDump } from './normalize.ts';
import { remotePeers, type PeerNetns } from './peer-scopes.ts';
import { netnsPath } from '../netns.ts';
import type { NetlinkPort } from './port.ts';
import { ScopePorts, defaultPortFactory, type PortFactory, type PortOptions, type ScopeContext } from './scope-ports.ts';

/** Options of `createNetlinkDriver`. */
export interface NetlinkDriverOptions extends PortOptions {
  /** Scopes ops may name; scopes passed to `snapshot` are learnt too. */
  readonly scopes?: readonly Scope[] | Scopes;
  /** Makes the port of a scope (tests, recording, fault injection); default: a worker in its netns. */
  readonly portFactory?: PortFactory;
  /** Runs `ip tuntap` (tests inject failures); default: execFile. */
  readonly exec?: ExecRunner;
}

/** Runs the three dumps of one namespace, one after the other on its socket. */
export async function dumpPort(port: NetlinkPort): Promise<RawDump> {
  const links = await port.dump(RTM.GETLINK, linkDumpPayload());
  const addresses = await port.dump(RTM.GETADDR, addressDumpPayload());
  const routes = await port.dump(RTM.GETROUTE, routeDumpPayload());
  return { links, addresses, routes };
}

/** What a link dump told of a scope's ifindexes, in place of what its cache held. */
function replaceIndexes(ctx: ScopeContext, indexes: Iterable<readonly [string, number]>): void {
  ctx.indexes.clear();
  for (const [name, index] of indexes) ctx.indexes.set(name, index);
}

/** Op types a scope's worker can run whole. */
const REMOTE_TYPES: ReadonlySet<string> = new Set(['link.create', 'link.delete', 'link.set', 'address.add', 'address.delete', 'route.add', 'route.delete']);

const OK: OpOutcome = Object.freeze({ ok: true });

function toOutcome(p: Promise<void>, op: Op): Promise<OpOutcome> {
  return p.then(
    () => ({ ok: true }) as const,
    (err: unknown) => ({ ok: false, error: netlinkError(describeOp(op), err) }) as const,
  );
}

/** The netlink driver as the engine's `Driver`, with recording helpers beside it. */
export interface NetlinkDriver extends Driver {
  /** The raw dumps of one scope, for recording (`recordSnapshot`). */
  dumpScope(scope: Scope): Promise<RawDump>;
  /**
   * Replaces what the driver knows of a scope's ifindexes with a link dump's, read elsewhere
   * (a worker streaming the dump to the driver that decodes it): its batches then choose the
   * next free ifindexes and encode masters from the cache, as after a snapshot of its own.
   */
  learnIndexes(scopeName: string, indexes: ReadonlyMap<string, number>): void;
}

/** Creates the netlink driver. */
export function createNetlinkDriver(options: NetlinkDriverOptions = {}): NetlinkDriver {
  const scopeList = Array.isArray(options.scopes) ? options.scopes : Object.values(options.scopes ?? {});
  const ports = new ScopePorts(scopeList as readonly Scope[], options.portFactory ?? defaultPortFactory(options));
  const x: ExecContext = { ports, exec: options.exec ?? execRunner };
  const threshold = options.groupDeleteThreshold ?? 4;

  async function dumpScope(scope: Scope): Promise<RawDump> {
    ports.learn([scope]);
    const ctx = ports.get(scope.name);
    try {
      const raw = await dumpPort(ctx.port);
      replaceIndexes(ctx, linkIndexes(raw.links));
      return raw;
    } catch (err) {
      throw netlinkError(`reading links, addresses and routes of scope ${scope.name}`, err);
    }
  }

  /**
   * The snapshot of one scope: its three dumps decoded datagram by datagram as they arrive
   * (nothing collects 4 MB of payloads first); the decoded links also refresh the scope's
   * ifindexes and tell which owned veths have their peer in one of `others`.
   */
  async function snapshotScope(scope: Scope, others: readonly PeerNetns[]): Promise<Pick<State, 'links' | 'addresses' | 'routes'>> {
    ports.learn([scope]);
    const ctx = ports.get(scope.name);
    const decoder = new DumpDecoder();
    const onDatagram = (d: Uint8Array): void => decoder.datagram(d);
    try {
      // Asked for at once: the port runs them one after the other without waiting for this side.
      await Promise.all([
        ctx.port.dump(RTM.GETLINK, linkDumpPayload(), onDatagram),
        ctx.port.dump(RTM.GETADDR, addressDumpPayload(), onDatagram),
        ctx.port.dump(RTM.GETROUTE, routeDumpPayload(), onDatagram),
      ]);
    } catch (err) {
      throw netlinkError(`reading links, addresses and routes of scope ${scope.name}`, err);
    }
    const links = decoder.links();
    replaceIndexes(ctx, links.map((l) => [l.name, l.index]));
    return decoder.finish(scope.name, await remotePeers(ctx.port, links, others));
  }

  /** The other scopes a snapshot of `scope` may find veth peers in, as files to open. */
  function othersOf(scope: Scope): PeerNetns[] {
    const own = netnsPath(scope) ?? '';
    return ports
      .known()
      .filter((o) => o.name !== scope.name)
      // A scope without a netns is this process's namespace (a worker is started in it too).
      .map((o) => ({ scope: o.name, path: netnsPath(o) ?? `/proc/${process.pid}/ns/net` }))
      .filter((o) => o.path !== own);
  }

  /** Deletes links of one scope as a group; falls back to one by one if the group delete fails. */
  async function deleteAsGroup(ops: readonly OpOf<'link.delete'>[]): Promise<OpOutcome[]> {
    const ctx = ports.get(ops[0]!.link.scope);
    const group = randomInt(0x10000, 0x7fffffff);
    const tagged = await Promise.all(
      ops.map((op) => toOutcome(ctx.port.request(setLinkRequest(0, { name: op.link.name, group })).then(() => undefined), op)),
    );
    try {
      await ctx.port.request(delGroupRequest(group));
      for (const op of ops) {
        ctx.indexes.delete(op.link.name);
        if (op.link.peer !== undefined) ctx.indexes.delete(op.link.peer);
      }
      return tagged;
    } catch {
      return Promise.all(ops.map((op, i) => (tagged[i]!.ok ? toOutcome(executeOp(x, op), op) : tagged[i]!)));
    }
  }

  /**
   * The context of an op that its scope's worker can run whole (one IPC round trip for a
   * batch instead of one per request); a veth whose peer goes to another scope cannot.
   */
  function remoteScope(op: Op): ScopeContext | undefined {
    if (op.type === 'link.create' && op.link.peerScope !== undefined && op.link.peerScope !== op.link.scope) return undefined;
    if (!REMOTE_TYPES.has(op.type)) return undefined;
    const ctx = ports.get(scopeOf(op));
    return ctx.port.remote !== undefined ? ctx : undefined;
  }

  /** Caches, one batch per scope, the ifindexes the batch path needs and does not know yet. */
  async function resolveUncached(ops: readonly Op[]): Promise<void> {
    const wanted = new Map<ScopeContext, Set<string>>();
    for (const op of ops) {
      let local: ScopeContext;
      try {
        if (!REMOTE_TYPES.has(op.type) || remoteScope(op) !== undefined) continue;
        local = ports.get(scopeOf(op));
      } catch {
        continue; // an unknown scope: the op fails on its own below
      }
      if (local.port.requestBatch === undefined) continue;
      let names = wanted.get(local);
      if (names === undefined) wanted.set(local, (names = new Set()));
      uncachedNames(local, op, names);
    }
    await Promise.all([...wanted].filter(([, names]) => names.size > 0).map(([ctx, names]) => resolveNames(ctx, names)));
  }

  async function runRemote(ctx: ScopeContext, ops: readonly Op[]): Promise<OpOutcome[]> {
    const { failures } = await ctx.port.remote!.executeOps(ctx.scope, ops);
    // The worker changed links: the indexes this side cached may be stale.
    if (ops.some((op) => op.type === 'link.create' || op.type === 'link.delete')) ctx.indexes.clear();
    const outcomes = new Array<OpOutcome>(ops.length).fill(OK);
    for (const { at, outcome: w } of failures) {
      outcomes[at] = { ok: false, error: new WirestateError(w.kind, w.message, w.code !== undefined ? { code: w.code } : {}) };
    }
    return outcomes;
  }

  return {
    name: 'netlink',
    dumpScope,

    learnIndexes: (scopeName, indexes) => replaceIndexes(ports.get(scopeName), indexes),

    async snapshot(scopes) {
      ports.learn(scopes);
      const parts = await Promise.all(scopes.map((s) => snapshotScope(s, othersOf(s))));
      // One scope's part is the whole state (each part is a fresh object): no copy of its records.
      if (parts.length === 1) return parts[0]!;
      const state = { links: {}, addresses: {}, routes: {} } as { -readonly [K in 'links' | 'addresses' | 'routes']: State[K] };
      for (const p of parts) {
        Object.assign(state.links, p.links);
        Object.assign(state.addresses, p.addresses);
        Object.assign(state.routes, p.routes);
      }
      return state;
    },

    async execute(op) {
      try {
        const ctx = remoteScope(op);
        if (ctx !== undefined) {
          const [outcome] = await runRemote(ctx, [op]);
          if (outcome !== undefined && !outcome.ok) throw outcome.error;
          return;
        }
        await executeOp(x, op);
      } catch (err) {
        throw err instanceof WirestateError ? err : netlinkError(describeOp(op), err);
      }
    },

    async executeBatch(ops) {
      // Outcomes are written by position; one promise per group of ops, never one per op.
      const outcomes = new Array<OpOutcome | undefined>(ops.length);
      const tasks: Promise<void>[] = [];
      /** 1: the op is in a group run (worker, fast batch, group delete). */
      const grouped = new Uint8Array(ops.length);
      const settle = (at: readonly number[], run: Promise<readonly OpOutcome[]>): void => {
        for (const i of at) grouped[i] = 1;
        tasks.push(
          run.then(
            (r) => at.forEach((i, k) => (outcomes[i] = r[k]!)),
            (err: unknown) => at.forEach((i) => (outcomes[i] = { ok: false, error: netlinkError(describeOp(ops[i]!), err) })),
          ),
        );
      };
      await resolveUncached(ops);
      const remote = new Map<ScopeContext, number[]>();
      const fast = new Map<ScopeContext, number[]>();
      const deletes = new Map<string, number[]>();
      for (let i = 0; i < ops.length; i++) {
        const op = ops[i]!;
        let ctx: ScopeContext | undefined;
        try {
          ctx = remoteScope(op);
          if (ctx === undefined && REMOTE_TYPES.has(op.type)) {
            const local = ports.get(scopeOf(op));
            if (local.port.requestBatch !== undefined && fastEligible(local, op)) {
              const at = fast.get(local);
              if (at === undefined) fast.set(local, [i]);
              else at.push(i);
              continue;
            }
          }
        } catch (err) {
          outcomes[i] = { ok: false, error: netlinkError(describeOp(op), err) };
          continue;
        }
        if (ctx !== undefined) {
          const at = remote.get(ctx);
          if (at === undefined) remote.set(ctx, [i]);
          else at.push(i);
        } else if (op.type === 'link.delete') {
          const at = deletes.get(op.link.scope);
          if (at === undefined) deletes.set(op.link.scope, [i]);
          else at.push(i);
        }
      }
      for (const [ctx, at] of remote) settle(at, runRemote(ctx, at.map((i) => ops[i]!)));
      for (const [ctx, at] of fast) settle(at, runFastBatch(x, ctx, at.map((i) => ops[i]!)));
      for (const [, at] of deletes) {
        if (at.length >= threshold) settle(at, deleteAsGroup(at.map((i) => ops[i] as OpOf<'link.delete'>)));
      }
      for (let i = 0; i < ops.length; i++) {
        if (outcomes[i] !== undefined || grouped[i] === 1) continue;
        const op = ops[i]!;
        tasks.push(toOutcome(executeOp(x, op), op).then((o) => void (outcomes[i] = o)));
      }
      await Promise.all(tasks);
      return outcomes as OpOutcome[];
    },

    close: () => ports.close(),
  };
}
