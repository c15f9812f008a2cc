/** Messages between the driver and a netlink worker over the IPC channel (structured clone). */
import type { Scope } from '@wirestate/core';
import type { RawDump } from './normalize.ts';
import type { PeerNetns } from './peer-scopes.ts';
import type { WireOutcomes } from './port.ts';

/** Driver → worker. */
export type ToWorker =
  | { readonly t: 'req'; readonly id: number; readonly type: number; readonly flags: number; readonly payload: Uint8Array }
  | { readonly t: 'dump'; readonly id: number; readonly type: number; readonly payload: Uint8Array }
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
    }
  | { readonly t: 'dumpAll'; readonly id: number; readonly scope: Scope }
  /** Answered with the snapshot as JSON text. */
  | { readonly t: 'snapshot'; readonly id: number; readonly scope: Scope; readonly others: readonly PeerNetns[] };

/** One answer. */
export type WorkerResult =
  | { readonly id: number; readonly ok: true; readonly value: Uint8Array[] | number | null | WireOutcomes | RawDump | string }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** Worker → driver: `ready` once the socket is open, then batches of results. */
export type FromWorker =
  | { readonly t: 'ready'; readonly maxInFlight: number }
  | { readonly t: 'res'; readonly results: readonly WorkerResult[] };
