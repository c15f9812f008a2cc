/**
 * The standalone dnsmasq driver (the `bridge` binding mode, no libvirt): one dnsmasq per
 * `DhcpServer`, run inside its scope's netns, with reservations in a hosts file that is
 * rewritten atomically and reloaded by SIGHUP — a lease change never restarts dnsmasq.
 */
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { join } from 'node:path';
import { WirestateError, dhcpHostId, executeInOrder } from '@wirestate/core';
import type { DhcpHost, DhcpServer, Driver, Op, OpOutcome, Scope, Scopes, State } from '@wirestate/core';
import writeFileAtomic from 'write-file-atomic';
import { execRunner } from '../exec.ts';
import type { Runner } from '../exec.ts';
import { inNetns } from '../netns.ts';
import { configText, hostsText, instancePaths, parseHosts } from './files.ts';
import type { InstancePaths } from './files.ts';
import { Checker } from './validate.ts';

/** Options of `createDnsmasqDriver`. */
export interface DnsmasqDriverOptions {
  /** wirestate's state directory; instances live under `stateDir/dnsmasq/`. It must be traversable by dnsmasq's unprivileged user. */
  readonly stateDir: string;
  /** How programs run; absent: `execFile`. */
  readonly runner?: Runner;
  /** The dnsmasq binary; absent: `dnsmasq` from PATH. */
  readonly dnsmasq?: string;
  /** Scopes ops may name (for their netns); scopes passed to `snapshot` are learnt too. */
  readonly scopes?: readonly Scope[] | Scopes;
}

/** The kinds the dnsmasq driver reads. */
export type DnsmasqState = Pick<State, 'dhcpServers' | 'dhcpHosts'>;

/** Checks a server's strings before they reach its config file or argv. */
export function validateServer(s: DhcpServer, context: string, path: readonly (string | number)[] = ['server']): void {
  const c = new Checker();
  c.name(s.scope, [...path, 'scope']);
  c.name(s.name, [...path, 'name']);
  c.ifname(s.interface, [...path, 'interface']);
  c.cidr4(s.subnet, [...path, 'subnet']);
  c.dhcpOptions(s.options, [...path, 'options']);
  c.throwIfAny(context);
}

function validateHost(h: DhcpHost, context: string, path: readonly (string | number)[] = ['host']): void {
  const c = new Checker();
  c.name(h.scope, [...path, 'scope']);
  c.name(h.server, [...path, 'server']);
  c.mac(h.mac, [...path, 'mac']);
  c.ipv4(h.ip, [...path, 'ip']);
  if (h.hostname !== undefined) c.dnsName(h.hostname, [...path, 'hostname']);
  c.throwIfAny(context);
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** The pid in a pid file when that process is alive (not a zombie) and is dnsmasq. */
export async function livePid(pidFile: string): Promise<number | undefined> {
  const text = await readText(pidFile);
  const pid = Number(text?.trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    const [comm, st] = await Promise.all([readFile(`/proc/${pid}/comm`, 'utf8'), readFile(`/proc/${pid}/stat`, 'utf8')]);
    if (comm.trim() !== 'dnsmasq' || /^\d+ \(.*\) Z/.test(st)) return undefined;
    return pid;
  } catch {
    return undefined;
  }
}

async function waitExit(pid: number, pidFile: string, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    const p = await livePid(pidFile);
    if (p !== pid) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The dnsmasq driver, with its snapshot typed to the kinds it reads. */
export interface DnsmasqDriver extends Driver {
  snapshot(scopes: readonly Scope[]): Promise<DnsmasqState>;
  executeBatch(ops: readonly Op[]): Promise<readonly OpOutcome[]>;
}

/** Creates the standalone dnsmasq driver. */
export function createDnsmasqDriver(options: DnsmasqDriverOptions): DnsmasqDriver {
  const run = options.runner ?? execRunner;
  const dnsmasq = options.dnsmasq ?? 'dnsmasq';
  const scopes = new Map<string, Scope>();
  for (const s of Array.isArray(options.scopes) ? options.scopes : Object.values(options.scopes ?? {})) scopes.set(s.name, s);
  const paths = (scope: string, name: string): InstancePaths => instancePaths(options.stateDir, scope, name);

  async function readRecord(p: InstancePaths): Promise<DhcpServer | undefined> {
    const text = await readText(p.record);
    return text === undefined ? undefined : (JSON.parse(text) as DhcpServer);
  }

  async function snapshot(list: readonly Scope[]): Promise<DnsmasqState> {
    const dhcpServers: Record<string, DhcpServer> = {};
    const dhcpHosts: Record<string, DhcpHost> = {};
    for (const scope of list) {
      scopes.set(scope.name, scope);
      let names: string[];
      try {
        names = await readdir(join(options.stateDir, 'dnsmasq', scope.name));
      } catch {
        continue;
      }
      for (const name of names.sort()) {
        const p = paths(scope.name, name);
        const record = await readRecord(p);
        if (record === undefined) continue;
        const pid = await livePid(p.pid);
        const { pid: _old, owned: _owned, state: _state, adopt: _adopt, ...rest } = record;
        dhcpServers[`${scope.name}/${name}`] = { ...rest, ...(pid !== undefined ? { pid } : {}), owned: true };
        for (const h of parseHosts((await readText(p.hosts)) ?? '', scope.name, name)) dhcpHosts[dhcpHostId(h)] = h;
      }
    }
    return { dhcpServers, dhcpHosts };
  }

  /** Equivalent to `nsenter --net=NS -- dnsmasq --conf-file=<state>/dnsmasq/SCOPE/NAME/dnsmasq.conf`. */
  async function start(s: DhcpServer): Promise<void> {
    const context = `starting dnsmasq ${s.name} on ${s.interface} in scope ${s.scope}`;
    validateServer(s, context);
    const scope = scopes.get(s.scope);
    if (scope === undefined) throw new WirestateError('invalid_argument', `${context}: unknown scope ${s.scope}`);
    const p = paths(s.scope, s.name);
    if ((await livePid(p.pid)) !== undefined) throw new WirestateError('conflict', `${context}: it already runs`);
    // dnsmasq drops to an unprivileged user and must still read its hosts file on SIGHUP:
    // a 0700 parent makes every later reservation silently unreadable.
    await mkdir(p.dir, { recursive: true, mode: 0o755 });
    const closed = await untraversableParent(p.dir);
    if (closed !== undefined) {
      throw new WirestateError('invalid_argument', `${context}: ${closed} does not let others traverse it, so dnsmasq could not read its reservations after dropping root; make the state dir and its parents 0755`);
    }
    const { pid: _pid, owned: _owned, state: _state, adopt: _adopt, ...record } = s;
    const existing = parseHosts((await readText(p.hosts)) ?? '', s.scope, s.name);
    await writeFileAtomic(p.hosts, hostsText(existing, s.options?.leaseTime), { mode: 0o644 });
    await writeFileAtomic(p.conf, configText(s, p), { mode: 0o644 });
    await writeFileAtomic(p.record, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o644 });
    const argv = [...inNetns(scope), dnsmasq, `--conf-file=${p.conf}`];
    const [file, ...args] = argv as [string, ...string[]];
    let out;
    try {
      out = await run(file, args);
    } catch (err) {
      throw new WirestateError('driver_failure', `${context}: ${String(err)}`, { cause: err });
    }
    // dnsmasq daemonizes only after it bound its sockets; its exit code reports start-up errors.
    if (out.code !== 0) {
      await rm(p.dir, { recursive: true, force: true });
      const msg = `${context}: ${(out.stderr || out.stdout).trim().replace(/^dnsmasq:\s*/, '')}`;
      throw new WirestateError(/unknown interface|no such device|bad|invalid|unsupported/i.test(out.stderr) ? 'invalid_argument' : 'driver_failure', msg);
    }
    if ((await livePid(p.pid)) === undefined) throw new WirestateError('driver_failure', `${context}: no live dnsmasq behind ${p.pid}`);
  }

  /** Equivalent to `kill $(cat <state>/dnsmasq/SCOPE/NAME/dnsmasq.pid)` and removing the instance's files. */
  async function stop(s: DhcpServer): Promise<void> {
    const context = `stopping dnsmasq ${s.name} in scope ${s.scope}`;
    const c = new Checker();
    c.name(s.scope, ['server', 'scope']);
    c.name(s.name, ['server', 'name']);
    c.throwIfAny(context);
    const p = paths(s.scope, s.name);
    const pid = await livePid(p.pid);
    if (pid === undefined && (await readRecord(p)) === undefined) throw new WirestateError('conflict', `${context}: no such instance`);
    if (pid !== undefined) {
      process.kill(pid, 'SIGTERM');
      if (!(await waitExit(pid, p.pid, 5000))) {
        process.kill(pid, 'SIGKILL');
        await waitExit(pid, p.pid, 2000);
      }
    }
    await rm(p.dir, { recursive: true, force: true });
  }

  /** Rewrites the hosts file of a server atomically, then `kill -HUP` its dnsmasq if it runs. */
  async function changeHosts(server: string, scope: string, context: string, change: (hosts: DhcpHost[]) => DhcpHost[]): Promise<void> {
    const p = paths(scope, server);
    const record = await readRecord(p);
    if (record === undefined) throw new WirestateError('conflict', `${context}: dnsmasq ${server} is not managed here`);
    const hosts = change(parseHosts((await readText(p.hosts)) ?? '', scope, server));
    await writeFileAtomic(p.hosts, hostsText(hosts, record.options?.leaseTime), { mode: 0o644 });
    const pid = await livePid(p.pid);
    if (pid !== undefined) process.kill(pid, 'SIGHUP');
  }

  async function execute(op: Op): Promise<void> {
    try {
      switch (op.type) {
        case 'dhcpServer.start':
          return await start(op.server);
        case 'dhcpServer.stop':
          return await stop(op.server);
        case 'dhcpHost.add': {
          const h = op.host;
          const context = `adding dhcp host ${h.mac} → ${h.ip} to dnsmasq ${h.server ?? '?'} in scope ${h.scope}`;
          validateHost(h, context);
          return await changeHosts(h.server as string, h.scope, context, (hosts) => {
            if (hosts.some((x) => x.mac === h.mac.toLowerCase())) throw new WirestateError('conflict', `${context}: a reservation for ${h.mac} exists`);
            return [...hosts, { ...h, mac: h.mac.toLowerCase() }];
          });
        }
        case 'dhcpHost.delete': {
          const h = op.host;
          const context = `deleting dhcp host ${h.mac} from dnsmasq ${h.server ?? '?'} in scope ${h.scope}`;
          validateHost(h, context);
          return await changeHosts(h.server as string, h.scope, context, (hosts) => {
            const rest = hosts.filter((x) => x.mac !== h.mac.toLowerCase());
            if (rest.length === hosts.length) throw new WirestateError('conflict', `${context}: no reservation for ${h.mac}`);
            return rest;
          });
        }
        case 'dhcpHost.modify': {
          const h = op.host;
          const context = `changing dhcp host ${op.from.mac} → ${h.ip} of dnsmasq ${h.server ?? '?'} in scope ${h.scope}`;
          validateHost(op.from, context, ['from']);
          validateHost(h, context);
          return await changeHosts(h.server as string, h.scope, context, (hosts) => {
            const rest = hosts.filter((x) => x.mac !== op.from.mac.toLowerCase());
            if (rest.length === hosts.length) throw new WirestateError('conflict', `${context}: no reservation for ${op.from.mac}`);
            return [...rest, { ...h, mac: h.mac.toLowerCase() }];
          });
        }
        default:
          throw new WirestateError('bug', `op ${op.type} is not a dnsmasq op`);
      }
    } catch (err) {
      if (err instanceof WirestateError) throw err;
      // File-system and signal errors: the system refused, not a bug of ours.
      const e = err as NodeJS.ErrnoException;
      throw new WirestateError('driver_failure', `running ${op.type}: ${e.message}`, { cause: err, code: typeof e.code === 'string' ? e.code : undefined });
    }
  }

  return {
    name: 'dnsmasq',
    snapshot,
    execute,
    // File rewrites are cheap; running them in order keeps one hosts file per server consistent.
    executeBatch: (ops: readonly Op[]): Promise<readonly OpOutcome[]> => executeInOrder(execute, ops),
  };
}

/** The first directory from `dir` up to `/` that others may not traverse, if any. */
async function untraversableParent(dir: string): Promise<string | undefined> {
  for (let d = dir; ; d = dirname(d)) {
    if (((await stat(d)).mode & 0o001) === 0) return d;
    if (d === dirname(d)) return undefined;
  }
}
