/**
 * Entry of the netlink worker: started inside a namespace (`nsenter --net=PATH -- node
 * worker.ts`), it owns that namespace's rtnetlink socket and serves raw requests, whole
 * batches of ops and snapshot dumps over the IPC channel. Node cannot setns(), and a
 * socket's namespace is fixed at creation; the worker also confines the `netlink`
 * package's abort on receive-buffer overrun to itself.
 */
import type { Op, Scope } from '@wirestate/core';
import { createNetlinkDriver, type NetlinkDriver } from './driver.ts';
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
  }
  return d;
}

// Results leave in batches, one IPC message per turn of the event loop.
let pending: WorkerResult[] = [];
function reply(r: WorkerResult): void {
  if (pending.length === 0) setImmediate(flush);
  pending.push(r);
}
function flush(): void {
  const results = pending;
  pending = [];
  send!({ t: 'res', results } satisfies FromWorker);
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

/**
 * A snapshot crosses the channel as JSON text: one string for the structured clone to copy,
 * parsed natively on the other side, where cloning 3,000 link records cost ~10 ms more
 * before the driver's process had warmed up.
 */
async function snapshotText(m: Extract<ToWorker, { t: 'snapshot' }>): Promise<string> {
  return JSON.stringify(await driverFor(m.scope).snapshotScope({ name: m.scope.name }, m.others));
}

function serve(m: ToWorker): void {
  const work: Promise<Extract<WorkerResult, { ok: true }>['value']> =
    m.t === 'req'
      ? port.request({ type: m.type, flags: m.flags, payload: Buffer.from(m.payload) })
      : m.t === 'dump'
        ? port.dump(m.type, Buffer.from(m.payload))
        : m.t === 'open'
          ? port.openNetns(m.path)
          : m.t === 'closefd'
            ? port.closeFd(m.fd).then(() => null)
            : m.t === 'exec'
              ? execute(m)
              : m.t === 'dumpAll'
                ? driverFor(m.scope).dumpScope({ name: m.scope.name })
                : snapshotText(m);
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
