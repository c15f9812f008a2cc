/**
 * One rtnetlink socket per namespace: the scope registry of the driver, with each scope's
 * port and its name → ifindex cache (filled by snapshots and echoed creations).
 */
import { WirestateError, type Scope } from '@wirestate/core';
import { netnsPath } from '../netns.ts';
import { errnoOf } from './errors.ts';
import { getLinkRequest, indexOfLinkPayload } from './messages.ts';
import type { NetlinkPort, SocketOptions } from './port.ts';
import { socketPort } from './socket-port.ts';
import { workerPort } from './worker-port.ts';

/** Makes the port of a scope. */
export type PortFactory = (scope: Scope) => NetlinkPort;

/** How ports are made by default. */
export interface PortOptions extends SocketOptions {
  /**
   * From how many `link.delete` ops of one scope a batch deletes them as one group
   * (`ip link set X group G` each, then one `ip link delete group G`): the kernel then
   * waits for one RCU grace period instead of one per device. Default 4.
   */
  readonly groupDeleteThreshold?: number;
  /**
   * Open the socket of a scope without a netns in this process instead of a worker. Faster
   * to start, but a receive-buffer overrun in the `netlink` package then aborts this process.
   */
  readonly inProcess?: boolean;
}

/** The default factory: a worker inside the scope's namespace, or this process's own socket. */
export function defaultPortFactory(options: PortOptions = {}): PortFactory {
  const socket = {
    ...(options.recvBufferSize !== undefined && { recvBufferSize: options.recvBufferSize }),
    ...(options.maxInFlight !== undefined && { maxInFlight: options.maxInFlight }),
    ...(options.groupDeleteThreshold !== undefined && { groupDeleteThreshold: options.groupDeleteThreshold }),
  };
  return (scope) => {
    const path = netnsPath(scope);
    if (path === undefined && options.inProcess === true) return socketPort(socket);
    return workerPort({ ...socket, ...(path !== undefined && { netnsPath: path }) });
  };
}

/** A scope with its port and index cache. */
export interface ScopeContext {
  readonly scope: Scope;
  readonly port: NetlinkPort;
  /** Link name → ifindex, as last seen; stale entries are looked up again once (see `withFreshRefs`). */
  readonly indexes: Map<string, number>;
}

/** The scopes a driver acts in, each with its own socket, opened on first use. */
export class ScopePorts {
  private readonly scopes = new Map<string, Scope>();
  private readonly contexts = new Map<string, ScopeContext>();

  constructor(
    scopes: Iterable<Scope>,
    private readonly factory: PortFactory,
  ) {
    for (const s of scopes) this.scopes.set(s.name, s);
  }

  /** Learns scopes (from a snapshot call); a scope whose netns changed gets a new socket. */
  learn(scopes: readonly Scope[]): void {
    for (const s of scopes) {
      const old = this.scopes.get(s.name);
      if (old !== undefined && old.netns !== s.netns) {
        void this.contexts.get(s.name)?.port.close();
        this.contexts.delete(s.name);
      }
      this.scopes.set(s.name, s);
    }
  }

  /** Every scope known so far. */
  known(): Scope[] {
    return [...this.scopes.values()];
  }

  /** The context of a scope by name; unknown names are refused, never guessed to be the host. */
  get(name: string): ScopeContext {
    const existing = this.contexts.get(name);
    if (existing !== undefined) return existing;
    const scope = this.scopes.get(name);
    if (scope === undefined) {
      throw new WirestateError(
        'invalid_argument',
        `unknown scope ${name}: pass it in createNetlinkDriver({ scopes }) or snapshot it first`,
      );
    }
    const ctx: ScopeContext = { scope, port: this.factory(scope), indexes: new Map() };
    this.contexts.set(name, ctx);
    return ctx;
  }

  /** The context of a scope already in use, without opening anything. */
  peek(name: string): ScopeContext | undefined {
    return this.contexts.get(name);
  }

  /** Closes every socket. */
  async close(): Promise<void> {
    const all = [...this.contexts.values()];
    this.contexts.clear();
    await Promise.all(all.map((c) => c.port.close()));
  }
}

/** The ifindex of a link: from the cache, else one RTM_GETLINK by name. */
export async function resolveIndex(ctx: ScopeContext, name: string): Promise<number> {
  const cached = ctx.indexes.get(name);
  if (cached !== undefined) return cached;
  const [reply] = await ctx.port.request(getLinkRequest(name));
  if (reply === undefined) throw Object.assign(new Error('Request rejected: ENODEV'), { code: 'ENODEV' });
  const index = indexOfLinkPayload(reply);
  ctx.indexes.set(name, index);
  return index;
}

/** Runs `fn` with the ifindex of `name`, looked up again once if the cached one turns out stale (see `withFreshRefs`). */
export function withIndex<T>(ctx: ScopeContext, name: string, fn: (index: number) => Promise<T>): Promise<T> {
  return withFreshRefs(ctx, [name], async () => fn(await resolveIndex(ctx, name)));
}

/**
 * Runs `run`, which refers to the links `refs` (a device, a master, a parent) by cached
 * ifindex. When the kernel refuses with EINVAL (its answer to an unknown master index) or
 * ENODEV (to an unknown device or parent) and one of them was cached, they are resolved
 * again; if one of them now has another index, or none, the link was recreated behind the
 * cache's back (a libvirt network restarted, say) and `run` runs once more. Otherwise the
 * refusal stands.
 */
export async function withFreshRefs<T>(ctx: ScopeContext, refs: readonly (string | null | undefined)[], run: () => Promise<T>): Promise<T> {
  const cached = new Map<string, number>();
  for (const name of refs) {
    const index = name === null || name === undefined ? undefined : ctx.indexes.get(name);
    if (index !== undefined) cached.set(name!, index);
  }
  try {
    return await run();
  } catch (err) {
    const errno = errnoOf(err);
    if (cached.size === 0 || (errno !== 'EINVAL' && errno !== 'ENODEV')) throw err;
    let moved = false;
    for (const [name, index] of cached) {
      ctx.indexes.delete(name);
      const now = await resolveIndex(ctx, name).catch(() => undefined);
      if (now !== index) moved = true;
    }
    if (!moved) throw err;
    return run();
  }
}
