/**
 * The socket of a namespace lives in a worker process: a worker that dies (the `netlink`
 * package aborts the process holding the socket on a receive-buffer overrun) costs only
 * the requests in flight, as `driver_failure`, and the next call starts a fresh worker.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import test from 'ava';
import { createNetlinkDriver } from '../../src/netlink/index.ts';
import { ipIn, isRoot, makeNetns } from '../helpers/netns.ts';

// Root tests need network namespaces; without root they are skipped (ROOT_SKIP_REASON).
// Serial: both tests count this process's workers.
const rootTest = isRoot ? test.serial : test.skip;

/** Pids of this process's netlink workers. */
function workerPids(): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes('netlink/worker.ts'))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

/** Blocks, without turning the event loop, until process `pid` is dead but not yet reaped (a zombie): its exit is not noticed yet. */
function waitForZombie(pid: number): void {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z')) return;
  }
  throw new Error(`worker ${pid} did not die`);
}

rootTest('a request made after the worker died fails retryably and never runs; the next one runs in a fresh worker', async (t) => {
  const ns = makeNetns(t, 'nlworker');
  const scope = { name: 'pod', netns: ns };
  const driver = createNetlinkDriver({ scopes: [scope] });
  t.teardown(() => driver.close?.());
  await driver.snapshot([scope]);
  const [pid] = workerPids();
  t.truthy(pid, 'a worker runs for the scope');
  process.kill(pid!, 'SIGKILL');
  waitForZombie(pid!);
  // Sent before the driver notices the death: it fails, and must not reach the next worker.
  const op = { type: 'link.create', link: { scope: 'pod', name: 'br0', kind: 'bridge' } } as const;
  const first = await driver.execute(op).then(
    () => undefined,
    (err: unknown) => err,
  );
  t.like(first, { kind: 'driver_failure', code: 'EWORKER' });
  // The retry creates the bridge: had the failed request run too, it would fail with EEXIST.
  await driver.execute(op);
  t.regex(ipIn(ns, '-d', 'link', 'show', 'br0'), /alias wirestate/);
  t.notDeepEqual(workerPids(), [pid]);
});

rootTest('closing the driver stops its workers', async (t) => {
  const ns = makeNetns(t, 'nlclose');
  const driver = createNetlinkDriver();
  await driver.snapshot([{ name: 'pod', netns: ns }]);
  t.is(workerPids().length, 1);
  await driver.close?.();
  t.deepEqual(workerPids(), []);
});
