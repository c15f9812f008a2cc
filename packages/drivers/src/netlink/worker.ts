/**
 * Entry of the netlink worker: started inside a namespace (`nsenter --net=PATH -- node
 * worker.ts`), it owns that namespace's rtnetlink socket and serves raw requests, whole
 * batches of ops and dumps (streamed datagram by datagram) over the IPC channel. Node cannot setns(), and a
 * socket's namespace is fixed at creation; the worker also confines the `netlink`
 * package's abort on receive-buffer overrun to itself.
 */
import type { Op, Scope } from '@wirestate/core';
import { RTM } from './constants.ts';
import { createNetlinkDriver, type NetlinkDriver } from './driver.ts';
import { leanLinkDatagram } from './lean-dump.ts';
import { indexLinksOf } from './normalize.ts';
import type { NetlinkPort, WireOutcome, WireOutcomes } from './port.ts';
import { socketPort } from './socket-port.ts';
import type { FromWorker, ToWorker, WorkerResult } from './worker-protocol.ts';

const send = process.send?.bind(process);
if (send === undefined) {
  process.stderr.write('netlink worker: no IPC channel; it is started by the netlink driver\n');
  process.exit(2);
}

const recv = Number(process.env.WIRESTATE_NL_RCVBUF ?? '') || undefined;
const cap = Number(process.env.WIRESTATE_NL_INFLIGHT ?? '') || undefined;
const port = socketPort({ ...(recv !== undefined && { recvBufferSize: recv }), ...(cap !== undefined && { maxInFlight: cap }) });
// The driver inside the worker sees one local socket for whatever scope it is asked about.
const local: NetlinkPort = { ...port, close: async () => undefined };
const groupDeleteThreshold = Number(process.env.WIRESTATE_NL_GROUP_DELETE ?? '') || undefined;
const drivers = new Map<string, NetlinkDriver>();
/** Name → ifindex as the last link dump streamed from here read them: every scope's driver starts from it. */
let dumped: ReadonlyMap<string, number> | undefined;

/** The in-worker driver of a scope: already inside the namespace, the scope keeps its name and loses its netns. */
function driverFor(scope: Scope): NetlinkDriver {
  let d = drivers.get(scope.name);
  if (d === undefined) {
    d = createNetlinkDriver({
      scopes: [{ name: scope.name }],
      portFactory: () => local,
      ...(groupDeleteThreshold !== undefined && { groupDeleteThreshold }),
    });
    drivers.set(scope.name, d);
    if (dumped !== undefined) d.learnIndexes(scope.name, dumped);
  }
  return d;
}

// Results leave in batches, one IPC message per turn of the event loop.
let pending: WorkerResult[] = [];
function reply(r: WorkerResult): void {
  if (pending.length === 0) setImmediate(flushResults);
  pending.push(r);
}
function flushResults(): void {
  if (pending.length === 0) return;
  const results = pending;
  pending = [];
  send!({ t: 'res', results } satisfies FromWorker);
}

/** Bytes of a streamed dump collected before they leave in one IPC message. */
const STREAM_CHUNK = 32 << 10;

/**
 * The datagrams of one streamed dump on their way out: a link dump's cut down to what the
 * snapshot decoder reads (a fourteenth of the bytes), collected into messages of about
 * STREAM_CHUNK bytes. The package reads up to 32 datagrams per turn of the event loop, so a
 * message per turn would hold the driver's decoding back until the kernel had filled all of
 * them; a message per datagram costs a write and a wake-up each.
 */
class StreamOut {
  private buf = Buffer.allocUnsafe(3 * STREAM_CHUNK);
  private end = 0;
  /** A link dump's: cut down, and its names and ifindexes read on the way. */
  readonly indexes: Map<string, number> | undefined;
  constructor(
    private readonly id: number,
    links: boolean,
  ) {
    this.indexes = links ? new Map() : undefined;
  }

  add(d: Uint8Array): void {
    if (this.buf.length - this.end < d.length) this.flush();
    if (this.buf.length < d.length) this.buf = Buffer.allocUnsafe(d.length);
    if (this.indexes !== undefined) {
      const start = this.end;
      this.end = leanLinkDatagram(d, this.buf, this.end);
      indexLinksOf(this.buf.subarray(start, this.end), this.indexes);
    } else {
      this.buf.set(d, this.end);
      this.end += d.length;
    }
    if (this.end >= STREAM_CHUNK) this.flush();
  }

  /** Sends what is collected, after the results queued before it; `send` serializes the bytes before it returns. */
  flush(): void {
    if (this.end === 0) return;
    flushResults();
    send!({ t: 'res', results: [{ id: this.id, chunk: this.buf.subarray(0, this.end) }] } satisfies FromWorker);
    this.end = 0;
  }
}

/**
 * Runs one dump; streamed, its datagrams leave (see `StreamOut`) before its answer, and a
 * whole link dump tells the scopes' drivers here the namespace's ifindexes: their batches
 * choose free ifindexes for creations and encode masters without a lookup.
 */
async function dump(m: Extract<ToWorker, { t: 'dump' }>): Promise<Uint8Array[]> {
  if (!m.stream) return port.dump(m.type, Buffer.from(m.payload));
  const out = new StreamOut(m.id, m.type === RTM.GETLINK);
  try {
    const rest = await port.dump(m.type, Buffer.from(m.payload), (d) => out.add(d));
    if (out.indexes !== undefined) {
      dumped = out.indexes;
      for (const [name, d] of drivers) d.learnIndexes(name, dumped);
    }
    return rest;
  } finally {
    out.flush();
  }
}

async function execute(m: Extract<ToWorker, { t: 'exec' }>): Promise<WireOutcomes> {
  const outcomes = await driverFor(m.scope).executeBatch!(JSON.parse(m.ops) as Op[]);
  const failures: { at: number; outcome: Extract<WireOutcome, { ok: false }> }[] = [];
  outcomes.forEach((o, at) => {
    if (o.ok) return;
    const e = o.error;
    failures.push({ at, outcome: { ok: false, kind: e.kind, message: e.message, ...(e.code !== undefined && { code: e.code }) } });
  });
  return { count: outcomes.length, failures };
}

function serve(m: ToWorker): void {
  const work: Promise<Extract<WorkerResult, { ok: true }>['value']> =
    m.t === 'req'
      ? port.request({ type: m.type, flags: m.flags, payload: Buffer.from(m.payload) })
      : m.t === 'dump'
        ? dump(m)
        : m.t === 'open'
          ? port.openNetns(m.path)
          : m.t === 'closefd'
            ? port.closeFd(m.fd).then(() => null)
            : execute(m);
  work.then(
    (value) => reply({ id: m.id, ok: true, value }),
    (err: unknown) => reply({ id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
}

process.on('message', (batch: ToWorker[]) => {
  for (const m of batch) serve(m);
});
process.on('disconnect', () => {
  void port.close().finally(() => process.exit(0));
});
send({ t: 'ready', maxInFlight: port.maxInFlight } satisfies FromWorker);
