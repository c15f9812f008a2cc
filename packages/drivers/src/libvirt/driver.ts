/**
 * The libvirt driver: reads networks, DHCP reservations, domains and their interfaces
 * through virsh, and changes networks, reservations and interfaces — a batch of ops in
 * one virsh process per connection.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LIBVIRT_URI, WirestateError, asWirestateError } from '@wirestate/core';
import type { DhcpOptions, Driver, Op, OpOf, OpOutcome, Scope, Scopes } from '@wirestate/core';
import { execRunner } from '../exec.ts';
import { inNetns } from '../netns.ts';
import type { Runner } from '../exec.ts';
import { commandsOf, fileWord } from './commands.ts';
import type { OpCommands } from './commands.ts';
import { isOwnedXml, leaseTimeOfXml } from './network-xml.ts';
import { captureLibvirt, stateFromCapture } from './snapshot.ts';
import type { LibvirtState } from './snapshot.ts';
import { classifyVirshError, runVirsh, virshErrorText } from './virsh.ts';
import type { VirshCommand } from './virsh.ts';
import { parseXml } from './xml.ts';

/** Options of `createLibvirtDriver`. */
export interface LibvirtDriverOptions {
  /** How programs run; absent: `execFile`. */
  readonly runner?: Runner;
  /** The virsh binary; absent: `virsh` from PATH. */
  readonly virsh?: string;
  /** Scopes ops may name; scopes passed to `snapshot` are learnt too. */
  readonly scopes?: readonly Scope[] | Scopes;
  /** Where the XML files virsh reads are written (removed after each batch); absent: the OS temp dir. */
  readonly tmpDir?: string;
}

const LIBVIRT_OPS = new Set<Op['type']>([
  'network.define',
  'network.undefine',
  'network.start',
  'network.destroy',
  'network.autostart',
  'dhcpHost.add',
  'dhcpHost.delete',
  'dhcpHost.modify',
  'vmInterface.attach',
  'vmInterface.detach',
]);

function opScope(op: Op): string {
  switch (op.type) {
    case 'network.define':
    case 'network.undefine':
    case 'network.start':
    case 'network.destroy':
    case 'network.autostart':
      return op.network.scope;
    case 'dhcpHost.add':
    case 'dhcpHost.delete':
    case 'dhcpHost.modify':
      return op.host.scope;
    case 'vmInterface.attach':
    case 'vmInterface.detach':
      return op.iface.scope;
    default:
      return '';
  }
}

/** The libvirt driver, with its snapshot typed to the kinds it reads and batches always available. */
export interface LibvirtDriver extends Driver {
  snapshot(scopes: readonly Scope[]): Promise<LibvirtState>;
  executeBatch(ops: readonly Op[]): Promise<readonly OpOutcome[]>;
}

/** Creates the libvirt driver. */
export function createLibvirtDriver(options: LibvirtDriverOptions = {}): LibvirtDriver {
  const run = options.runner ?? execRunner;
  const virsh = options.virsh ?? 'virsh';
  const scopes = new Map<string, Scope>();
  for (const s of Array.isArray(options.scopes) ? options.scopes : Object.values(options.scopes ?? {})) scopes.set(s.name, s);
  /** Lease time per `scope/network`, learnt from snapshots and defines; a key with `undefined` is known to have none. */
  const leases = new Map<string, DhcpOptions['leaseTime']>();

  const uriOf = (scope: string): string => {
    const s = scopes.get(scope);
    if (s === undefined) throw new WirestateError('invalid_argument', `unknown scope ${scope}: pass it in the driver's scopes or snapshot it first`);
    return s.libvirt ?? DEFAULT_LIBVIRT_URI;
  };

  async function snapshot(list: readonly Scope[]): Promise<LibvirtState> {
    for (const s of list) scopes.set(s.name, s);
    const parts = await Promise.all(
      list.map(async (s) => {
        try {
          return stateFromCapture(s.name, await captureLibvirt(run, virsh, s.libvirt ?? DEFAULT_LIBVIRT_URI, s.name));
        } catch (err) {
          if (err instanceof WirestateError) throw err;
          // virsh missing or not runnable: the system's fault, not a bug of ours.
          throw new WirestateError('driver_failure', `reading libvirt in scope ${s.name}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        }
      }),
    );
    const out: { -readonly [K in keyof LibvirtState]: Record<string, LibvirtState[K][string]> } = { networks: {}, dhcpHosts: {}, domains: {}, vmInterfaces: {} };
    for (const p of parts) {
      Object.assign(out.networks, p.networks);
      Object.assign(out.dhcpHosts, p.dhcpHosts);
      Object.assign(out.domains, p.domains);
      Object.assign(out.vmInterfaces, p.vmInterfaces);
      for (const [id, n] of Object.entries(p.networks)) leases.set(id, n.dhcpOptions?.leaseTime);
    }
    return out;
  }

  /** Reads what the ops need to know beforehand (lease times, ownership) in one process per connection. */
  async function preflight(ops: readonly Op[]): Promise<Map<string, { owned: boolean } | undefined>> {
    const wanted = new Map<string, Set<string>>();
    const want = (scope: string, network: string): void => {
      const set = wanted.get(scope) ?? new Set<string>();
      set.add(network);
      wanted.set(scope, set);
    };
    for (const op of ops) {
      if (op.type === 'network.undefine' || op.type === 'network.destroy') want(op.network.scope, op.network.name);
      if ((op.type === 'dhcpHost.add' || op.type === 'dhcpHost.delete' || op.type === 'dhcpHost.modify') && op.host.network !== undefined) {
        if (!leases.has(`${op.host.scope}/${op.host.network}`)) want(op.host.scope, op.host.network);
      }
    }
    const owned = new Map<string, { owned: boolean } | undefined>();
    for (const [scope, nets] of wanted) {
      let uri: string;
      try {
        uri = uriOf(scope);
      } catch {
        continue;
      }
      const names = [...nets].filter((n) => !/[\n\r'"<>&\\]/.test(n));
      const results = await runVirsh(run, virsh, uri, names.map((n) => ['net-dumpxml', n]));
      names.forEach((n, i) => {
        const r = results[i];
        if (r?.ok !== true) {
          owned.set(`${scope}/${n}`, undefined);
          return;
        }
        try {
          owned.set(`${scope}/${n}`, { owned: isOwnedXml(parseXml(r.stdout).root) });
          leases.set(`${scope}/${n}`, leaseTimeOfXml(r.stdout));
        } catch {
          owned.set(`${scope}/${n}`, undefined);
        }
      });
    }
    return owned;
  }

  async function executeBatch(ops: readonly Op[]): Promise<readonly OpOutcome[]> {
    const outcomes: (OpOutcome | undefined)[] = ops.map(() => undefined);
    // Checks every op's strings first: a rejected op never reaches a process, not even the preflight.
    ops.forEach((op, index) => {
      try {
        if (!LIBVIRT_OPS.has(op.type)) throw new WirestateError('bug', `op ${op.type} is not a libvirt op`);
        commandsOf(op, () => undefined);
        uriOf(opScope(op));
      } catch (err) {
        outcomes[index] = { ok: false, error: asWirestateError(err, `preparing ${op.type}`) };
      }
    });
    let owned: Map<string, { owned: boolean } | undefined>;
    try {
      owned = await preflight(ops.filter((_, i) => outcomes[i] === undefined));
    } catch (err) {
      const e = new WirestateError('driver_failure', `reading networks before a libvirt batch: ${String(err)}`, { cause: err });
      return outcomes.map((o) => o ?? { ok: false, error: e });
    }
    const planned: { index: number; uri: string; cmds: OpCommands }[] = [];
    ops.forEach((op, index) => {
      if (outcomes[index] !== undefined) return;
      try {
        const scope = opScope(op);
        const uri = uriOf(scope);
        const cmds = commandsOf(op, (s, n) => leases.get(`${s}/${n}`));
        if (cmds.requireOwned !== undefined) {
          const o = owned.get(`${scope}/${cmds.requireOwned}`);
          if (o === undefined) throw new WirestateError('conflict', `${cmds.context}: network not found`);
          if (!o.owned) throw new WirestateError('conflict', `${cmds.context}: refusing, the network does not carry wirestate's metadata`);
        }
        planned.push({ index, uri, cmds });
      } catch (err) {
        outcomes[index] = { ok: false, error: asWirestateError(err, `preparing ${op.type}`) };
      }
    });

    let dir: string | undefined;
    try {
      if (planned.some((p) => p.cmds.files.length > 0)) dir = await mkdtemp(join(options.tmpDir ?? tmpdir(), 'wirestate-virsh-'));
      const byUri = new Map<string, { index: number; cmds: OpCommands; commands: VirshCommand[] }[]>();
      for (const p of planned) {
        const paths = await Promise.all(
          p.cmds.files.map(async (xml, n) => {
            const path = join(dir as string, `op${p.index}-${n}.xml`);
            await writeFile(path, xml, { mode: 0o600 });
            return path;
          }),
        );
        const commands = p.cmds.commands.map((c) => c.map((w) => paths.reduce((acc, path, n) => (acc === fileWord(n) ? path : acc), w)));
        const group = byUri.get(p.uri) ?? [];
        group.push({ index: p.index, cmds: p.cmds, commands });
        byUri.set(p.uri, group);
      }
      for (const [uri, group] of byUri) {
        let results;
        try {
          results = await runVirsh(run, virsh, uri, group.flatMap((g) => g.commands));
        } catch (err) {
          for (const g of group) outcomes[g.index] = { ok: false, error: new WirestateError('driver_failure', `${g.cmds.context}: ${String(err)}`, { cause: err }) };
          continue;
        }
        let k = 0;
        for (const g of group) {
          const mine = results.slice(k, k + g.commands.length);
          k += g.commands.length;
          const bad = mine.find((r) => !r.ok);
          if (bad === undefined) {
            outcomes[g.index] = { ok: true };
            remember(ops[g.index]);
          } else {
            outcomes[g.index] = { ok: false, error: new WirestateError(classifyVirshError(bad.stderr), `${g.cmds.context}: ${virshErrorText(bad.stderr)}`) };
          }
        }
      }
      for (const p of planned) {
        const op = ops[p.index]!;
        if (op.type !== 'network.start' || op.ports === undefined || op.ports.length === 0 || outcomes[p.index]?.ok !== true) continue;
        const failure = await putPortsBack(op, p.uri, p.cmds.context);
        if (failure !== undefined) outcomes[p.index] = { ok: false, error: failure };
      }
    } finally {
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    }
    return outcomes.map((o) => o ?? { ok: false, error: new WirestateError('bug', 'op was not run') });
  }

  /**
   * A network started again takes back the ports its bridge lost when it stopped (a running
   * VM's tap nobody declared), those that still exist. If one cannot be put back, the network
   * is stopped again so that the failed op has changed nothing.
   */
  async function putPortsBack(op: OpOf<'network.start'>, uri: string, context: string): Promise<WirestateError | undefined> {
    const prefix = inNetns(scopes.get(op.network.scope) ?? { name: op.network.scope });
    for (const port of op.ports ?? []) {
      const argv = [...prefix, 'ip', 'link', 'set', port, 'master', op.network.bridge];
      const r = await run(argv[0]!, argv.slice(1));
      if (r.code === 0 || /Cannot find device/.test(r.stderr)) continue;
      await runVirsh(run, virsh, uri, [['net-destroy', op.network.name]]).catch(() => undefined);
      return new WirestateError('driver_failure', `${context}: putting ${port} back on bridge ${op.network.bridge}: ${r.stderr.trim()}`);
    }
    return undefined;
  }

  function remember(op: Op | undefined): void {
    if (op?.type === 'network.define') leases.set(`${op.network.scope}/${op.network.name}`, op.network.dhcpOptions?.leaseTime);
    if (op?.type === 'network.undefine') leases.delete(`${op.network.scope}/${op.network.name}`);
  }

  return {
    name: 'libvirt',
    snapshot,
    executeBatch,
    async execute(op: Op): Promise<void> {
      const [outcome] = await executeBatch([op]);
      if (outcome !== undefined && !outcome.ok) throw outcome.error;
    },
  };
}
