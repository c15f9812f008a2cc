/**
 * A stand-in VM for DHCP tests: a netns ("the guest") joined by a veth to a bridge in
 * another netns, and busybox `udhcpc` asking for the options a pod-backed VM needs
 * (3 router, 6 DNS, 26 MTU, 119 search, 121 classless routes). udhcpc's script writes its
 * environment to a file, which is what the lease returns. udhcpc is stopped by its pid.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { ipIn, makeNetns, sh } from './netns.ts';

/** A guest port: a netns with `eth0` (the given MAC) whose peer is enslaved to a bridge. */
export interface VmPort {
  /** The guest's netns. */
  readonly netns: string;
  /** The guest interface, `eth0`. */
  readonly ifname: string;
  /** The guest MAC. */
  readonly mac: string;
  /** Netns of the bridge. */
  readonly bridgeNetns: string;
  /** Name of the host-side veth end, enslaved to the bridge. */
  readonly hostIf: string;
}

/** What a DHCP server handed out, as udhcpc reports it. */
export interface DhcpLease {
  readonly ip: string;
  /** Prefix length from the subnet mask. */
  readonly prefix: number;
  /** Option 3; absent when none (or an empty one) was sent. */
  readonly router?: string;
  /** Option 121 as `dst/len via gw` pairs. */
  readonly routes: readonly { readonly dst: string; readonly gateway: string }[];
  readonly mtu?: number;
  readonly dns: readonly string[];
  readonly search: readonly string[];
  /** Lease time in seconds; 4294967295 for infinite. */
  readonly lease?: number;
  /** The server identifier (option 54). */
  readonly serverId?: string;
}

let counter = 0;

/** Makes a guest netns with `eth0` = `mac`, its veth peer enslaved to `bridge` in `bridgeNetns`. */
export function attachVmPort(t: ExecutionContext, bridgeNetns: string, bridge: string, mac: string, tag = 'vm'): VmPort {
  const netns = makeNetns(t, tag);
  counter += 1;
  const hostIf = `wsv${process.pid % 10000}x${counter}`.slice(0, 15);
  sh('ip', ['link', 'add', hostIf, 'netns', bridgeNetns, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns, 'address', mac]);
  ipIn(bridgeNetns, 'link', 'set', hostIf, 'master', bridge, 'up');
  ipIn(netns, 'link', 'set', 'eth0', 'up');
  return { netns, ifname: 'eth0', mac, bridgeNetns, hostIf };
}

const SCRIPT = `#!/bin/sh
# udhcpc calls this with the event name; the lease is in the environment.
[ "$1" = bound ] || [ "$1" = renew ] || exit 0
env > "$(dirname "$0")/lease.env.tmp" && mv "$(dirname "$0")/lease.env.tmp" "$(dirname "$0")/lease.env"
`;

function parseLease(env: string): DhcpLease {
  const vars = new Map<string, string>();
  for (const line of env.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) vars.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const words = (k: string): string[] => (vars.get(k) ?? '').split(/\s+/).filter((w) => w !== '');
  const mask = vars.get('mask');
  const subnet = vars.get('subnet');
  const prefix = mask !== undefined ? Number(mask) : (subnet ?? '').split('.').reduce((n, o) => n + (Number(o) >>> 0).toString(2).replace(/0/g, '').length, 0);
  const sr = words('staticroutes');
  const routes: { dst: string; gateway: string }[] = [];
  for (let i = 0; i + 1 < sr.length; i += 2) routes.push({ dst: sr[i] as string, gateway: sr[i + 1] as string });
  const router = words('router')[0];
  const mtu = vars.get('mtu');
  const lease = vars.get('lease');
  const serverId = vars.get('serverid');
  return {
    ip: vars.get('ip') ?? '',
    prefix,
    ...(router !== undefined ? { router } : {}),
    routes,
    ...(mtu !== undefined ? { mtu: Number(mtu) } : {}),
    dns: words('dns'),
    search: words('search'),
    ...(lease !== undefined ? { lease: Number(lease) } : {}),
    ...(serverId !== undefined ? { serverId } : {}),
  };
}

/**
 * Runs one DHCP exchange from the guest (`udhcpc -q -n`: discover, request, quit) and
 * returns the lease; rejects when none came within `timeoutMs`.
 */
export async function requestLease(t: ExecutionContext, port: VmPort, timeoutMs = 30_000): Promise<DhcpLease> {
  const dir = mkdtempSync(join(tmpdir(), 'wirestate-udhcpc-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const script = join(dir, 'script.sh');
  writeFileSync(script, SCRIPT);
  chmodSync(script, 0o755);
  const args = ['netns', 'exec', port.netns, 'busybox', 'udhcpc', '-i', port.ifname, '-f', '-q', '-n', '-t', '20', '-T', '1', '-A', '1', '-s', script];
  for (const o of ['3', '6', '26', '119', '121']) args.push('-O', o);
  let log = '';
  const child = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' } });
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const pid = child.pid;
  let timer: NodeJS.Timeout | undefined;
  const code = await new Promise<number | null>((resolve) => {
    child.on('exit', (c) => resolve(c));
    timer = setTimeout(() => {
      // udhcpc is stopped by its own pid (ip netns exec execs it in place).
      if (pid !== undefined) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // exited meanwhile
        }
      }
    }, timeoutMs);
  });
  clearTimeout(timer);
  const file = join(dir, 'lease.env');
  if (!existsSync(file)) {
    // What the bridge side looked like: port states (an STP port still listening drops DHCP) and addresses.
    let ports: string;
    try {
      ports = sh('bridge', ['-n', port.bridgeNetns, 'link', 'show']) + sh('ip', ['-n', port.bridgeNetns, '-br', 'addr']);
    } catch (err) {
      ports = String(err);
    }
    const tail = log.trim().split('\n').slice(-3).join('\n');
    throw new Error(`udhcpc got no lease (exit ${code}): ${tail}\nbridge side:\n${ports}`);
  }
  return parseLease(readFileSync(file, 'utf8'));
}
