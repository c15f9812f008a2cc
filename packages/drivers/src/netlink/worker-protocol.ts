/** Messages between the driver and a netlink worker over the IPC channel (structured clone). */
import type { Scope } from '@wirestate/core';
import type { WireOutcomes } from './port.ts';

/** Driver → worker. */
export type ToWorker =
  | { readonly t: 'req'; readonly id: number; readonly type: number; readonly flags: number; readonly payload: Uint8Array }
  /**
   * One dump. Streamed: each datagram of the reply is sent back as it arrives (a link dump's
   * cut down to what the snapshot decoder reads, `lean-dump.ts`), and the call then resolves
   * with no payloads, so the driver decodes one datagram while the kernel fills the next (the
   * worker's recvmsg() runs the kernel's dump, the driver's process decodes).
   */
  | { readonly t: 'dump'; readonly id: number; readonly type: number; readonly payload: Uint8Array; readonly stream: boolean }
  | { readonly t: 'open'; readonly id: number; readonly path: string }
  | { readonly t: 'closefd'; readonly id: number; readonly fd: number }
  | {
      readonly t: 'exec';
      readonly id: number;
      readonly scope: Scope;
      /**
       * The ops as JSON text: the structured clone's deserializer took ~7 ms for 3,000 ops
       * before it warmed up, JSON.parse 1.5 ms.
       */
      readonly ops: string;
    };

/** One answer, or part of a streamed dump (before its answer): the messages of one or more datagrams, back to back. */
export type WorkerResult =
  | { readonly id: number; readonly ok: true; readonly value: Uint8Array[] | number | null | WireOutcomes }
  | { readonly id: number; readonly ok: false; readonly error: string }
  | { readonly id: number; readonly chunk: Uint8Array };

/** Worker → driver: `ready` once the socket is open, then batches of results. */
export type FromWorker =
  | { readonly t: 'ready'; readonly maxInFlight: number }
  | { readonly t: 'res'; readonly results: readonly WorkerResult[] };
