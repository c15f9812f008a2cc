/**
 * The port over a worker process that holds the rtnetlink socket of another namespace:
 * `nsenter --net=PATH -- node worker.ts`, spoken to over an IPC channel. Calls made in the
 * same turn of the event loop travel in one IPC message, so a pipelined batch costs two
 * messages, not two per request.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { NetlinkPort, NlRequest, SocketOptions, WireOutcomes } from './port.ts';
import type { FromWorker, ToWorker } from './worker-protocol.ts';

/** How to start the worker. */
export interface WorkerPortOptions extends SocketOptions {
  /** Namespace file to enter; absent: the worker runs in this process's namespace. */
  readonly netnsPath?: string;
}

/** The worker's file beside the bundle, set by the CLI's bundle build; undefined when running the sources. */
declare const WIRESTATE_NETLINK_WORKER: string | undefined;

/** A message to the worker before it gets its id. */
type Unnumbered = ToWorker extends infer M ? (M extends ToWorker ? Omit<M, 'id'> : never) : never;

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; onDatagram?: (d: Uint8Array) => void };

/** The argv that starts the worker, inside `netnsPath` when given. */
export function workerCommand(netnsPath: string | undefined): { file: string; args: string[] } {
  const entry = fileURLToPath(new URL(typeof WIRESTATE_NETLINK_WORKER === 'string' ? WIRESTATE_NETLINK_WORKER : './worker.ts', import.meta.url));
  // Keep loader flags (tsx, export conditions) so the worker runs the same sources.
  const nodeArgs = process.execArgv.filter((a) => /^--(import|require|loader|experimental-loader|conditions)\b/.test(a));
  // Started from compiled code or a bare node: tsx resolved from here (not from the working
  // directory, which may be anywhere), and the condition that maps packages to their sources.
  if (entry.endsWith('.ts') && !nodeArgs.some((a) => a.includes('tsx'))) nodeArgs.unshift(`--import=${import.meta.resolve('tsx')}`);
  if (entry.endsWith('.ts') && !nodeArgs.some((a) => a.startsWith('--conditions'))) nodeArgs.push('--conditions=wirestate-source');
  // Profiling hook (`--cpu-prof`…): Node refuses such flags in NODE_OPTIONS.
  nodeArgs.push(...(process.env.WIRESTATE_NL_WORKER_NODE_ARGS ?? '').split(' ').filter((a) => a !== ''));
  const node = [process.execPath, ...nodeArgs, entry];
  return netnsPath === undefined
    ? { file: node[0]!, args: node.slice(1) }
    : { file: 'nsenter', args: [`--net=${netnsPath}`, '--', ...node] };
}

/** A port whose socket lives in a worker process started in the namespace. */
export function workerPort(options: WorkerPortOptions = {}): NetlinkPort {
  let child: ChildProcess | undefined;
  let ready: Promise<void> | undefined;
  let nextId = 1;
  let outbox: ToWorker[] = [];
  const pending = new Map<number, Pending>();
  let stderrTail = '';

  /**
   * Fails every call not answered yet. Their messages still waiting in the outbox are dropped
   * with them: a call that failed as EWORKER (retryable) must never run later, in the next
   * worker, after the caller has retried it.
   */
  function failAll(reason: string): void {
    const err = Object.assign(new Error(reason), { code: 'EWORKER' });
    outbox = [];
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  }

  /** Worker `c` is gone: if it is still the current one, its calls fail and the next call starts another. */
  function lost(c: ChildProcess, why: string): void {
    if (child !== c) return;
    child = undefined;
    ready = undefined;
    failAll(why);
  }

  function start(): Promise<void> {
    const { file, args } = workerCommand(options.netnsPath);
    const c = spawn(file, args, {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
      env: {
        ...process.env,
        ...(options.recvBufferSize !== undefined && { WIRESTATE_NL_RCVBUF: String(options.recvBufferSize) }),
        ...(options.maxInFlight !== undefined && { WIRESTATE_NL_INFLIGHT: String(options.maxInFlight) }),
        ...(options.groupDeleteThreshold !== undefined && { WIRESTATE_NL_GROUP_DELETE: String(options.groupDeleteThreshold) }),
      },
    });
    child = c;
    c.stderr?.setEncoding('utf8');
    c.stderr?.on('data', (d: string) => {
      stderrTail = (stderrTail + d).slice(-2000);
    });
    const started = new Promise<void>((resolve, reject) => {
      c.on('message', (m: FromWorker) => {
        if (m.t === 'ready') {
          resolve();
          return;
        }
        for (const r of m.results) {
          const p = pending.get(r.id);
          if (p === undefined) continue;
          if ('chunk' in r) {
            p.onDatagram?.(r.chunk);
            continue;
          }
          pending.delete(r.id);
          if (r.ok) p.resolve(r.value);
          else p.reject(new Error(r.error));
        }
      });
      // Spawning failed, or writing to the channel did (EPIPE: the worker is gone).
      c.on('error', (e) => {
        reject(e);
        lost(c, `netlink worker: ${e.message}`);
      });
      // Whichever the driver notices first (a failed write, the channel closing, the exit), the
      // worker is gone: the next call starts a fresh one (an overrun abort must not wedge the driver).
      c.on('disconnect', () => lost(c, `netlink worker in ${options.netnsPath ?? 'own netns'} closed its channel`));
      c.on('exit', (code, signal) => {
        const why = `netlink worker in ${options.netnsPath ?? 'own netns'} exited (${signal ?? `code ${code}`}): ${stderrTail.trim()}`;
        reject(Object.assign(new Error(why), { code: 'EWORKER' }));
        lost(c, why);
      });
    });
    // Idle workers must not keep the caller's event loop alive.
    c.unref();
    (c.channel as { unref?: () => void } | undefined)?.unref?.();
    return started;
  }

  /** A pending call keeps the event loop alive; an idle worker does not. */
  function hold(on: boolean): void {
    const ch = child?.channel as { ref?: () => void; unref?: () => void } | undefined;
    if (on) {
      child?.ref();
      ch?.ref?.();
    } else {
      child?.unref();
      ch?.unref?.();
    }
  }

  function flush(): void {
    const batch = outbox;
    outbox = [];
    if (batch.length === 0) return;
    if (child?.connected === true) child.send(batch);
    else failAll('netlink worker is not running');
  }

  async function call<T>(m: Unnumbered, onDatagram?: (d: Uint8Array) => void): Promise<T> {
    ready ??= start();
    await ready;
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject, ...(onDatagram !== undefined && { onDatagram }) });
      if (outbox.length === 0) setImmediate(flush);
      outbox.push({ ...m, id } as ToWorker);
      hold(true);
    }).finally(() => {
      if (pending.size === 0) hold(false);
    });
  }

  return {
    remote: {
      executeOps: (scope, ops) => call<WireOutcomes>({ t: 'exec', scope, ops: JSON.stringify(ops) }),
    },
    request: (req: NlRequest) => call<Uint8Array[]>({ t: 'req', type: req.type, flags: req.flags, payload: req.payload }),
    dump: (type, payload, onDatagram) => call<Uint8Array[]>({ t: 'dump', type, payload, stream: onDatagram !== undefined }, onDatagram),
    openNetns: (path) => call<number>({ t: 'open', path }),
    closeFd: (fd) => call<null>({ t: 'closefd', fd }).then(() => undefined),
    close: async () => {
      const c = child;
      child = undefined;
      ready = undefined;
      if (c === undefined || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      c.ref();
      c.disconnect();
      await exited;
    },
  };
}
