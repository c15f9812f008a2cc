/**
 * The small port through which the driver reaches one namespace's rtnetlink socket:
 * raw requests in, raw reply payloads out. The socket itself lives in this process
 * (`socketPort`) or in a worker inside the namespace (`workerPort`); tests and recordings
 * can wrap either one.
 */
import type { ErrorKind, Op, Scope } from '@wirestate/core';

/** One rtnetlink request, already encoded. */
export interface NlRequest {
  /** Message type (RTM_*). */
  readonly type: number;
  /** Flags beyond REQUEST|ACK (NLM_F_CREATE, NLM_F_EXCL, NLM_F_ECHO…). */
  readonly flags: number;
  /** Message payload (ifinfomsg/ifaddrmsg/rtmsg + attributes). */
  readonly payload: Uint8Array;
}

/** What a batch sent with `requestBatch` came back with, by request position. */
export interface BatchReplies {
  /** 0: success; > 0: the kernel's errno; -1: never answered by the kernel (see `errors`). */
  readonly errnos: Int32Array;
  /** The first reply message payload of each request (an echoed link), if any. */
  readonly echoes: (Uint8Array | undefined)[];
  /** Local failures (datagram refused, socket closed) by request position. */
  readonly errors: Map<number, Error>;
}

/** An op outcome as it crosses a process boundary (errors as plain data). */
export type WireOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly kind: ErrorKind; readonly message: string; readonly code?: string };

/**
 * Outcomes of a batch run next to the socket: every op succeeded but those listed by
 * position — a wave of thousands of successes crosses the process boundary as one number.
 */
export interface WireOutcomes {
  /** Ops in the batch. */
  readonly count: number;
  /** The failed ops, by position in the batch. */
  readonly failures: readonly { readonly at: number; readonly outcome: Extract<WireOutcome, { ok: false }> }[];
}

/** Work a port can do next to its socket: a whole batch of single-scope ops, one round trip. */
export interface RemoteExecution {
  /** Executes independent ops of one scope next to the socket. */
  executeOps(scope: Scope, ops: readonly Op[]): Promise<WireOutcomes>;
}

/** A port to one namespace's rtnetlink socket. */
export interface NetlinkPort {
  /** Present when the socket lives in a worker that can run ops itself. */
  readonly remote?: RemoteExecution;
  /**
   * Sends one request; resolves with the payloads of its reply messages (empty for a bare
   * ACK), rejects with the package's `Request rejected: EXXX` error. Calls made without
   * awaiting each other are pipelined up to the port's in-flight cap.
   */
  request(req: NlRequest): Promise<Uint8Array[]>;
  /**
   * Sends independent requests, in order, and resolves once every one is answered: one
   * promise for the whole batch instead of one per request. Optional: ports without it are
   * driven one `request` at a time.
   */
  requestBatch?(reqs: readonly NlRequest[]): Promise<BatchReplies>;
  /**
   * Runs one dump (NLM_F_DUMP) and resolves with every message payload; dumps never overlap.
   * With `onDatagram`, the reply's messages (netlink headers included, the final NLMSG_DONE
   * too) are handed over as they arrive, a datagram or more at a time, and the promise
   * resolves with no payloads; a port may cut a link dump's messages down to the attributes
   * the snapshot decoder reads (`leanLinkDatagram`), so recordings take the payloads instead.
   */
  dump(type: number, payload: Uint8Array, onDatagram?: (datagram: Uint8Array) => void): Promise<Uint8Array[]>;
  /** Opens a namespace file where the socket lives and returns its fd, for IFLA_NET_NS_FD. */
  openNetns(path: string): Promise<number>;
  /** Closes an fd returned by `openNetns`. */
  closeFd(fd: number): Promise<void>;
  /** Closes the socket (and the worker holding it). */
  close(): Promise<void>;
}

/** Options of a port's socket. */
export interface SocketOptions {
  /**
   * SO_RCVBUF to ask for, in bytes; the kernel caps it at net.core.rmem_max. A reply
   * overrunning it aborts the process holding the socket (a bug of the `netlink` package).
   */
  readonly recvBufferSize?: number;
  /** Maximum requests in flight; absent: derived from the receive buffer actually granted. */
  readonly maxInFlight?: number;
  /** For ports that run ops themselves: see `NetlinkDriverOptions.groupDeleteThreshold`. */
  readonly groupDeleteThreshold?: number;
}

/** The receive buffer wirestate asks for: 4 MiB. */
export const DEFAULT_RECV_BUFFER = 4 << 20;

/**
 * Requests in flight that a receive buffer of `bytes` absorbs: replies (echoed links are
 * ~1.5 KB, 4 KB of buffer accounting each) must never overrun it. 212,992 B → 26, 4 MiB → 128.
 */
export function inFlightCap(bytes: number): number {
  return Math.max(4, Math.min(128, Math.floor(bytes / 8192)));
}

/** A counting semaphore: at most `limit` holders at once, FIFO. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  /** Runs `fn` once a slot is free. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}
