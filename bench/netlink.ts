/**
 * Benchmark of the netlink driver against iproute2 (not a test): for each N, the seed
 * wiring (a veth pair standing in for the pod NIC, then bridge, MAC change, address
 * removal, enslave, up), a snapshot of the result and its teardown, each timed through
 * `executeBatch`/`snapshot` and through the equivalent `ip -batch` script / `ip -j` dumps
 * (wall time, and CPU time — user + system, kernel work inside syscalls included — which
 * stays comparable on a loaded machine),
 * in fresh namespaces with IPv6 disabled (BENCH_IPV6=1: enabled). Beside them runs the kernel
 * floor of the apply (`lib/floor.ts`): the driver's very requests, pre-encoded and sent with no
 * driver logic — how fast any client of the socket could go. Usage:
 * pnpm bench:netlink [N…]   (BENCH_REPS=k: median of k runs; the snapshot row
 * is itself the median of BENCH_SNAPSHOTS=5 alternating pairs per run, its first pair shown apart)
 */
import { loadavg } from 'node:os';
import type { Op, Scope } from '@wirestate/core';
import { createNetlinkDriver } from '../packages/drivers/src/netlink/index.ts';
import { execFile } from 'node:child_process';
import { median } from './lib/stats.ts';
import { childPids, deleteBenchNetns, ipBatch, ipBatchCost, makeBenchNetns, processCpu, time, timedShell, type Cost } from './lib/netns.ts';

/** Runs one phase of the kernel floor inside `ns` (its own process; timed inside, after encoding). */
function floorCost(ns: string, phase: 'pod' | 'wire', n: number): Promise<Cost> {
  const entry = new URL('./lib/floor.ts', import.meta.url).pathname;
  const node = [process.execPath, ...process.execArgv.filter((a) => /^--(import|conditions)\b/.test(a)), entry, phase, String(n)];
  return new Promise((resolve, reject) => {
    execFile('nsenter', [`--net=/var/run/netns/${ns}`, '--', ...node], { encoding: 'utf8' }, (err, stdout, stderr) =>
      err ? reject(new Error(`floor ${phase}: ${stderr || err.message}`)) : resolve(JSON.parse(stdout) as Cost),
    );
  });
}

const pod = (i: number): string => `p${i}`;
const peer = (i: number): string => `q${i}`;
const br = (i: number): string => `b${i}`;
const addr = (i: number): string => `10.${(i >> 8) & 255}.${i & 255}.5/16`;
const mac = (i: number): string => `02:00:00:00:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The driver makes veths with one queue each way (see `newLinkRequest`): so does the script. */
const QUEUES = 'numtxqueues 1 numrxqueues 1';

/**
 * The pod NICs (veth pair + address + up), what CNI would have made; as the driver creates
 * them, both ends also get the ownership alias, so the ip script sets it too.
 */
function podNicScript(n: number): string[] {
  return range(n).flatMap((i) => [
    `link add name ${pod(i)} up ${QUEUES} type veth peer name ${peer(i)} ${QUEUES}`,
    `link set ${pod(i)} alias wirestate`,
    `link set ${peer(i)} alias wirestate`,
    `addr add ${addr(i)} dev ${pod(i)}`,
  ]);
}

/** The pod NICs in the order the driver sends them: creations, then marks, then addresses. */
function podNicScriptDriverOrder(n: number): string[] {
  return [
    ...range(n).map((i) => `link add name ${pod(i)} up ${QUEUES} type veth peer name ${peer(i)} ${QUEUES}`),
    ...range(n).flatMap((i) => [`link set ${pod(i)} alias wirestate`, `link set ${peer(i)} alias wirestate`]),
    ...range(n).map((i) => `addr add ${addr(i)} dev ${pod(i)}`),
  ];
}

function podNicOps(n: number, scope: string): Op[][] {
  return [
    range(n).map((i) => ({ type: 'link.create', link: { scope, name: pod(i), kind: 'veth', peer: peer(i), up: true } }) as Op),
    range(n).map((i) => ({ type: 'address.add', address: { scope, dev: pod(i), cidr: addr(i) } }) as Op),
  ];
}

/** The wiring, as `ip -batch` lines: what the driver sends, alias (ownership mark) included. */
function wiringScript(n: number): string[] {
  return range(n).flatMap((i) => [
    `link add name ${br(i)} up type bridge`,
    `link set ${br(i)} alias wirestate`,
    `link set ${pod(i)} address ${mac(i)}`,
    `addr del ${addr(i)} dev ${pod(i)}`,
    `link set ${pod(i)} master ${br(i)} up`,
  ]);
}

/**
 * The wiring in the order the driver sends it: a wave's requests grouped by kind (bridges,
 * MAC changes, address removals), the marks of the bridges it made, then enslaving.
 */
function wiringScriptDriverOrder(n: number): string[] {
  return [
    ...range(n).map((i) => `link add name ${br(i)} up type bridge`),
    ...range(n).map((i) => `link set ${pod(i)} address ${mac(i)}`),
    ...range(n).map((i) => `addr del ${addr(i)} dev ${pod(i)}`),
    ...range(n).map((i) => `link set ${br(i)} alias wirestate`),
    ...range(n).map((i) => `link set ${pod(i)} master ${br(i)} up`),
  ];
}

/** The wiring as the planner would batch it: independent ops together, enslaving after. */
function wiringOps(n: number, scope: string): Op[][] {
  return [
    range(n).flatMap(
      (i) =>
        [
          { type: 'link.create', link: { scope, name: br(i), kind: 'bridge', up: true } },
          { type: 'link.set', scope, name: pod(i), attrs: { mac: mac(i) } },
          { type: 'address.delete', address: { scope, dev: pod(i), cidr: addr(i) } },
        ] as Op[],
    ),
    range(n).map((i) => ({ type: 'link.set', scope, name: pod(i), attrs: { master: br(i), up: true } }) as Op),
  ];
}

function teardownScript(n: number): string[] {
  return range(n).flatMap((i) => [`link del ${br(i)}`, `link del ${pod(i)}`]);
}

function teardownOps(n: number, scope: string): Op[] {
  return range(n).flatMap(
    (i) =>
      [
        { type: 'link.delete', link: { scope, name: br(i), kind: 'bridge' } },
        { type: 'link.delete', link: { scope, name: pod(i), kind: 'veth', peer: peer(i) } },
      ] as Op[],
  );
}

/** The four `ip -j` dumps a snapshot stands against. */
function ipDumps(ns: string): Promise<Cost> {
  return timedShell(
    [`ip -n ${ns} -j link`, `ip -n ${ns} -j addr`, `ip -n ${ns} -j -4 route show table main`, `ip -n ${ns} -j -6 route show table main`].join('; '),
  );
}

async function runBatches(driver: ReturnType<typeof createNetlinkDriver>, waves: Op[][]): Promise<void> {
  for (const wave of waves) {
    const outcomes = await driver.executeBatch!(wave);
    const failed = outcomes.find((o) => !o.ok);
    if (failed !== undefined && !failed.ok) throw failed.error;
  }
}

/** BENCH_IPV6=1 keeps IPv6 on: the kernel's per-link IPv6 setup then dominates, as on real nodes. */
const IPV6 = process.env.BENCH_IPV6 === '1';

interface Figures {
  readonly [phase: string]: { ip: Cost; nl: Cost; floor?: Cost; ipDriverOrder?: Cost };
}

function settle(): Promise<void> {
  return new Promise((r) => setTimeout(r, 1500));
}

function medianCost(xs: readonly Cost[]): Cost {
  return { wall: median(xs.map((x) => x.wall)), cpu: median(xs.map((x) => x.cpu)) };
}

/** Snapshot pairs per run (BENCH_SNAPSHOTS=k). */
const SNAPSHOT_PAIRS = Number(process.env.BENCH_SNAPSHOTS ?? '') || 5;

function row(label: string, ip: Cost, nl: Cost, target: number | undefined, who = 'netlink'): void {
  const ratio = nl.wall / ip.wall;
  const verdict = target === undefined ? '' : `(target ≤ ${target}) ${ratio <= target ? 'met' : 'MISSED'}`;
  const ms = (x: number): string => x.toFixed(0).padStart(7);
  console.log(
    `  ${label.padEnd(42)} wall: ip ${ms(ip.wall)} ms  ${who} ${ms(nl.wall)} ms  ratio ${ratio.toFixed(2)} ${verdict.padEnd(22)}` +
      ` cpu: ip ${ms(ip.cpu)} ms  ${who} ${ms(nl.cpu)} ms  ratio ${(nl.cpu / ip.cpu).toFixed(2)}`,
  );
}

/** Drives both contenders through every phase once, in two fresh namespaces. */
async function once(n: number, warmup: number, ipFirst: boolean): Promise<Figures> {
  const nsIp = makeBenchNetns('ip', IPV6);
  const nsNl = makeBenchNetns('nl', IPV6);
  const nsFloor = makeBenchNetns('fl', IPV6);
  const nsOrdered = makeBenchNetns('io', IPV6);
  const scope: Scope = { name: 'bench', netns: nsNl };
  const driver = createNetlinkDriver({ scopes: [scope] });
  const figures: Record<string, { ip: Cost; nl: Cost; floor?: Cost; ipDriverOrder?: Cost }> = {};
  const none: Cost = { wall: 0, cpu: 0 };
  try {
    figures.start = { ip: none, nl: { wall: await time(() => driver.snapshot([scope])), cpu: 0 } };
    const [worker] = childPids('netlink/worker.ts');
    if (worker === undefined) throw new Error('no netlink worker found');
    // The driver's cost is this process plus its worker (where the kernel work is done).
    const nlCost = async (fn: () => Promise<unknown>): Promise<Cost> => {
      const cpu0 = process.cpuUsage();
      const w0 = processCpu(worker);
      const wall = await time(fn);
      const cpu = process.cpuUsage(cpu0);
      return { wall, cpu: (cpu.user + cpu.system) / 1000 + processCpu(worker) - w0 };
    };
    await settle();
    // Warm-up on other names in the same namespaces: JIT of the driver and its worker,
    // page cache of ip; then both namespaces are empty again.
    if (warmup > 0) {
      const w = (lines: string[]): string[] => lines.map((l) => l.replace(/\b([pqb])(\d+)\b/g, 'w$1$2'));
      await ipBatch(nsIp, w([...podNicScript(warmup), ...wiringScript(warmup)]));
      await ipBatch(nsIp, w(teardownScript(warmup)));
      const rename = (ops: Op[]): Op[] => JSON.parse(JSON.stringify(ops).replace(/"([pqb])(\d+)"/g, '"w$1$2"')) as Op[];
      await runBatches(driver, [...podNicOps(warmup, scope.name), ...wiringOps(warmup, scope.name)].map(rename));
      // The snapshot's decoding warms up too (on the wired warm-up links), as `ip -j` needs none.
      await driver.snapshot([scope]);
      await ipDumps(nsIp);
      await runBatches(driver, [teardownOps(warmup, scope.name)].map(rename));
      await settle();
    }
    // Kernel work outlives the request (linkwatch, RCU, timers in kworkers): let it settle
    // before the other contender runs, and alternate who goes first.
    const pair = async (phase: string, ipFn: () => Promise<Cost>, nlFn: () => Promise<unknown>, ipGoesFirst = ipFirst): Promise<void> => {
      let ip: Cost;
      let nl: Cost;
      if (ipGoesFirst) {
        ip = await ipFn();
        await settle();
        nl = await nlCost(nlFn);
      } else {
        nl = await nlCost(nlFn);
        await settle();
        ip = await ipFn();
      }
      await settle();
      figures[phase] = { ip, nl };
    };
    const sum = (a: Cost, b: Cost): Cost => ({ wall: a.wall + b.wall, cpu: a.cpu + b.cpu });
    await pair('pod', () => ipBatchCost(nsIp, podNicScript(n)), () => runBatches(driver, podNicOps(n, scope.name)));
    const floorPod = await floorCost(nsFloor, 'pod', n);
    await settle();
    await pair('wire', () => ipBatchCost(nsIp, wiringScript(n)), () => runBatches(driver, wiringOps(n, scope.name)));
    const floorWire = await floorCost(nsFloor, 'wire', n);
    await settle();
    // The same ip -batch lines in the driver's order: how much of the ratio is the order.
    const orderedPod = await ipBatchCost(nsOrdered, podNicScriptDriverOrder(n));
    await settle();
    const orderedWire = await ipBatchCost(nsOrdered, wiringScriptDriverOrder(n));
    await settle();
    figures.apply = {
      ip: sum(figures.pod!.ip, figures.wire!.ip),
      nl: sum(figures.pod!.nl, figures.wire!.nl),
      floor: sum(floorPod, floorWire),
      ipDriverOrder: sum(orderedPod, orderedWire),
    };
    // A snapshot changes nothing, so it is measured several times: the row is the median of
    // SNAPSHOT_PAIRS alternating pairs, the first pair after the apply is shown beside it.
    const snaps: { ip: Cost; nl: Cost }[] = [];
    for (let k = 0; k < SNAPSHOT_PAIRS; k++) {
      await pair('snapshot', () => ipDumps(nsIp), () => driver.snapshot([scope]), k % 2 === 0 ? ipFirst : !ipFirst);
      snaps.push(figures.snapshot!);
    }
    figures.snapshotFirst = snaps[0]!;
    figures.snapshot = { ip: medianCost(snaps.map((x) => x.ip)), nl: medianCost(snaps.map((x) => x.nl)) };
    figures.links = { ip: none, nl: { wall: Object.keys((await driver.snapshot([scope])).links ?? {}).length, cpu: 0 } };
    await pair('teardown', () => ipBatchCost(nsIp, teardownScript(n)), () => runBatches(driver, [teardownOps(n, scope.name)]));
    const left = Object.keys((await driver.snapshot([scope])).links ?? {}).length;
    if (left !== 0) throw new Error(`${left} links left after the driver's teardown`);
    return figures;
  } finally {
    await driver.close?.();
    deleteBenchNetns(nsIp);
    deleteBenchNetns(nsNl);
    deleteBenchNetns(nsFloor);
    deleteBenchNetns(nsOrdered);
    // Namespace cleanup runs in a kernel worker holding RTNL: let it finish before the next run.
    await new Promise((r) => setTimeout(r, 3000));
  }
}

async function benchN(n: number, reps: number): Promise<void> {
  const runs: Figures[] = [];
  for (let r = 0; r < reps; r++) runs.push(await once(n, Math.min(50, n), r % 2 === 0));
  const med = (phase: string, who: 'ip' | 'nl' | 'floor' | 'ipDriverOrder'): Cost => ({
    wall: median(runs.map((f) => f[phase]![who]!.wall)),
    cpu: median(runs.map((f) => f[phase]![who]!.cpu)),
  });
  console.log(
    `N = ${n} (median of ${reps} run${reps === 1 ? '' : 's'}, alternating who goes first, IPv6 ${IPV6 ? 'enabled' : 'disabled'} in both namespaces, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')})`,
  );
  console.log(`  driver start (worker spawn + first dump): ${med('start', 'nl').wall.toFixed(0)} ms, once per scope and run, not in the rows`);
  row('pod NICs (veth pair, address, up)', med('pod', 'ip'), med('pod', 'nl'), undefined);
  row('wiring (bridge, mac, addr del, master, up)', med('wire', 'ip'), med('wire', 'nl'), undefined);
  row('apply = pod NICs + wiring', med('apply', 'ip'), med('apply', 'nl'), 0.8);
  row("apply floor (driver's requests, no driver)", med('apply', 'ip'), med('apply', 'floor'), undefined, '  floor');
  row("ip -batch with the lines in the driver's order", med('apply', 'ip'), med('apply', 'ipDriverOrder'), undefined, 'ip/ord');
  row(`snapshot (${med('links', 'nl').wall} links; ip: 4 × ip -j)`, med('snapshot', 'ip'), med('snapshot', 'nl'), n >= 1000 ? 0.8 : undefined);
  row('  its first pair after the apply', med('snapshotFirst', 'ip'), med('snapshotFirst', 'nl'), undefined);
  row('teardown (bridges, veth pairs)', med('teardown', 'ip'), med('teardown', 'nl'), 0.5);
}

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const reps = Number(process.env.BENCH_REPS ?? '') || undefined;
for (const n of sizes.length > 0 ? sizes : [100, 1000]) await benchN(n, reps ?? (n <= 100 ? 5 : 1));
