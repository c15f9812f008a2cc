/**
 * Benchmark of the libvirt driver (not a test; needs root): virsh processes and wall time
 * of an apply of N seed-like networks (define, start, live DHCP reservation), batched
 * (one `executeBatch` per step: define all, start all, add all hosts) against one virsh
 * process per op, plus the snapshot that follows. Each run gets a private libvirtd in a
 * fresh netns. `--forward=open` defines the networks with `<forward mode='open'/>`, for
 * which libvirt installs no firewall rules (an isolated network reloads ~20 iptables rules
 * on every live reservation change). Usage:
 * pnpm bench:libvirt [--forward=open] [N…]
 */
import { rmSync } from 'node:fs';
import type { Network, Op, Scope } from '@wirestate/core';
import { countingRunner } from '../packages/drivers/src/exec.ts';
import { createLibvirtDriver } from '../packages/drivers/src/libvirt/index.ts';
import { launchLibvirtd } from '../packages/drivers/test/helpers/libvirtd.ts';
import { deleteBenchNetns, makeBenchNetns, time } from './lib/netns.ts';

const FORWARD = process.argv.find((a) => a.startsWith('--forward='))?.slice('--forward='.length) as Network['forward'] | undefined;

function network(i: number, scope: string): Network {
  return {
    scope,
    ...(FORWARD !== undefined ? { forward: FORWARD } : {}),
    name: `pod-net${i}`,
    bridge: `br-net${i}`,
    mtu: 1450,
    ips: [{ cidr: `10.${100 + (i >> 8)}.${i & 255}.254/24`, dhcp: true }],
    dhcpOptions: {
      router: `10.${100 + (i >> 8)}.${i & 255}.1`,
      routes: [{ dst: '0.0.0.0/0', gateway: `10.${100 + (i >> 8)}.${i & 255}.1` }],
      mtu: 1450,
      dnsServers: ['10.96.0.10'],
      searchDomains: ['default.svc.cluster.local'],
      leaseTime: 'infinite',
    },
  };
}

function steps(n: number, scope: string): Op[][] {
  const nets = Array.from({ length: n }, (_, i) => network(i, scope));
  return [
    nets.map((net) => ({ type: 'network.define', network: net })),
    nets.map((net) => ({ type: 'network.start', network: net })),
    nets.map((net, i) => ({
      type: 'dhcpHost.add',
      host: { scope, network: net.name, mac: `0a:58:0a:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`, ip: `10.${100 + (i >> 8)}.${i & 255}.5` },
      live: true,
    })),
  ];
}

interface Row {
  n: number;
  mode: string;
  processes: number;
  applyMs: number;
  /** Wall time of each step: define, start, host add. */
  stepMs: number[];
  snapshotProcesses: number;
  snapshotMs: number;
}

async function runOnce(n: number, batched: boolean): Promise<Row> {
  const ns = makeBenchNetns('lv');
  const lv = await launchLibvirtd(ns);
  try {
    const scope: Scope = { name: 'pod', netns: ns, libvirt: lv.uri };
    const counter = countingRunner();
    const driver = createLibvirtDriver({ scopes: [scope], runner: counter.run });
    const stepMs: number[] = [];
    const applyMs = await time(async () => {
      for (const step of steps(n, 'pod')) {
        const t0 = process.hrtime.bigint();
        if (batched) {
          const outcomes = await driver.executeBatch(step);
          const bad = outcomes.find((o) => !o.ok);
          if (bad !== undefined && !bad.ok) throw bad.error;
        } else {
          for (const op of step) await driver.execute(op);
        }
        stepMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    });
    const processes = counter.count();
    counter.reset();
    let networks = 0;
    const snapshotMs = await time(async () => {
      networks = Object.keys((await driver.snapshot([scope])).networks).length;
    });
    if (networks !== n) throw new Error(`expected ${n} networks, snapshot has ${networks}`);
    return { n, mode: batched ? 'batched' : 'per-op', processes, applyMs, stepMs, snapshotProcesses: counter.count(), snapshotMs };
  } finally {
    await lv.stop();
    rmSync(lv.dir, { recursive: true, force: true });
    deleteBenchNetns(ns);
  }
}

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).filter((a) => !a.startsWith('--')).map(Number).filter((x) => x > 0);
  const rows: Row[] = [];
  for (const n of sizes.length > 0 ? sizes : [1, 20]) {
    for (const batched of [false, true]) rows.push(await runOnce(n, batched));
  }
  const out = process.stdout;
  out.write(`networks: ${FORWARD === undefined ? 'isolated' : `forward mode ${FORWARD}`}\n`);
  out.write('N   mode     virsh-procs  apply-ms  (define/start/host-add ms)  snapshot-procs  snapshot-ms\n');
  for (const r of rows) {
    out.write(
      `${String(r.n).padEnd(4)}${r.mode.padEnd(9)}${String(r.processes).padStart(11)}  ${r.applyMs.toFixed(0).padStart(8)}  ${`(${r.stepMs.map((x) => x.toFixed(0)).join('/')})`.padEnd(26)}  ${String(r.snapshotProcesses).padStart(14)}  ${r.snapshotMs.toFixed(0).padStart(11)}\n`,
    );
  }
  for (const n of new Set(rows.map((r) => r.n))) {
    const b = rows.find((r) => r.n === n && r.mode === 'batched');
    const p = rows.find((r) => r.n === n && r.mode === 'per-op');
    if (b && p) out.write(`N=${n}: per-op / batched: ${(p.processes / b.processes).toFixed(1)}x processes, ${(p.applyMs / b.applyMs).toFixed(2)}x wall time\n`);
  }
}

await main();
