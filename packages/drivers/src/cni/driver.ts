/**
 * The CNI driver: pod NICs as resources. `cni.add` runs the network's plugins with ADD
 * and records the result before returning; `cni.del` runs DEL with that result as
 * `prevResult` and drops the record. Snapshots read the records (never the plugins) and
 * each scope's resolv.conf.
 */
import { WirestateError, asWirestateError, cniAttachmentId } from '@wirestate/core';
import type { CniAttachment, Driver, Op, Resolver, Scope, Scopes, State } from '@wirestate/core';
import { execRunner, type Runner } from '../exec.ts';
import { inNetns, netnsPath } from '../netns.ts';
import { readNetworkConfig } from './config.ts';
import { addChain, checkChain, delChain, type Invocation } from './invoke.ts';
import { CNI_RECORD_VERSION, listRecords, readRecord, removeRecord, writeRecord, type CniRecord } from './records.ts';
import { readResolver } from './resolv.ts';
import { parseCniResult } from './result.ts';

/** Options of `createCniDriver`. */
export interface CniDriverOptions {
  /** wirestate's state directory; records live under `cni/<scope>/<ifname>.json`. */
  readonly stateDir: string;
  /** Directories holding plugin binaries; absent: `['/usr/lib/cni']`. */
  readonly cniPath?: readonly string[];
  /** How programs run; absent: `execFile`. */
  readonly runner?: Runner;
  /** Scopes ops may name; scopes passed to `snapshot` are learnt too. */
  readonly scopes?: readonly Scope[] | Scopes;
  /**
   * The node's netns, where plugins run (host-side veths and bridges land there), as a
   * scope's `netns` is written; absent: the netns wirestate runs in.
   */
  readonly nodeNetns?: string;
  /** Kill a plugin after this many milliseconds; absent: 60 s. */
  readonly timeoutMs?: number;
}

/** The CNI driver, with its snapshot typed to the kinds it reads and a CHECK of one attachment. */
export interface CniDriver extends Driver {
  snapshot(scopes: readonly Scope[]): Promise<Pick<State, 'cniAttachments' | 'resolvers'>>;
  /** Runs CHECK with the recorded result; throws a `WirestateError` with the plugin's message when the NIC is not as recorded. */
  check(scope: string, ifname: string): Promise<void>;
}

// The spec's CONTAINERID syntax; ifname as the kernel accepts it.
const CONTAINER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function validate(a: CniAttachment, context: string): void {
  if (!CONTAINER_ID.test(a.containerId)) throw new WirestateError('invalid_argument', `${context}: container id ${JSON.stringify(a.containerId)} is not valid for CNI`);
  if (a.ifname === '' || a.ifname === '.' || a.ifname === '..' || Buffer.byteLength(a.ifname) > 15 || /[/\s:]/.test(a.ifname)) {
    throw new WirestateError('invalid_argument', `${context}: interface name ${JSON.stringify(a.ifname)} is not valid`);
  }
}

/** The CHECK command exists from spec 0.4.0 on. */
function supportsCheck(version: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  return (major ?? 0) >= 1 || ((major ?? 0) === 0 && (minor ?? 0) >= 4);
}

/** Creates the CNI driver. */
export function createCniDriver(options: CniDriverOptions): CniDriver {
  const runner = options.runner ?? execRunner;
  const cniPath = options.cniPath ?? ['/usr/lib/cni'];
  const nodePrefix = options.nodeNetns === undefined ? [] : inNetns({ netns: options.nodeNetns });
  const scopes = new Map<string, Scope>();
  for (const s of Array.isArray(options.scopes) ? options.scopes : Object.values(options.scopes ?? {})) scopes.set(s.name, s);

  function invocation(scopeName: string, a: { containerId: string; ifname: string }, context: string): Invocation {
    const scope = scopes.get(scopeName);
    if (scope === undefined) throw new WirestateError('invalid_argument', `${context}: unknown scope ${scopeName}`);
    // The plugin runs in another process: "our own netns" must be named by our pid.
    const netns = netnsPath(scope) ?? `/proc/${process.pid}/ns/net`;
    return {
      runner,
      cniPath,
      nodePrefix,
      containerId: a.containerId,
      netns,
      ifname: a.ifname,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    };
  }

  /** Equivalent to `CNI_COMMAND=ADD CNI_CONTAINERID=ID CNI_NETNS=NS CNI_IFNAME=IF CNI_PATH=… PLUGIN < CONFIG`. */
  async function add(a: CniAttachment): Promise<void> {
    const context = `adding pod NIC ${a.ifname} in scope ${a.scope} from ${a.config}`;
    validate(a, context);
    const existing = await readRecord(options.stateDir, a.scope, a.ifname);
    if (existing !== undefined) {
      throw new WirestateError(
        'conflict',
        existing.pending
          ? `${context}: an earlier ADD did not finish (record ${a.scope}/${a.ifname} is pending); DEL it before adding again`
          : `${context}: CNI ADD already ran for it (container ${existing.containerId}); a second ADD is refused`,
      );
    }
    const network = await readNetworkConfig(a.config);
    const inv = invocation(a.scope, a, context);
    // A failed ADD is followed by DEL (the spec's cleanup), which would delete a NIC of the
    // same name that someone else made: refuse before the plugin ever runs.
    const probe = await runner('nsenter', [`--net=${inv.netns}`, '--', 'ip', '-o', 'link', 'show', 'dev', a.ifname], { timeoutMs: 10_000 });
    if (probe.code === 0) throw new WirestateError('conflict', `${context}: ${a.ifname} already exists in the pod netns and was not made by wirestate`);
    const base: CniRecord = { version: CNI_RECORD_VERSION, scope: a.scope, ifname: a.ifname, containerId: a.containerId, config: a.config, network, netns: inv.netns, pending: true };
    // Recorded before the plugin runs: a crash mid-ADD leaves a pending record, never an unknown NIC.
    await writeRecord(options.stateDir, base);
    let text: string;
    try {
      text = await addChain(inv, network);
    } catch (err) {
      // The spec asks the runtime to DEL after a failed ADD, so partial work is released.
      try {
        await delChain(inv, network, undefined);
        await removeRecord(options.stateDir, a.scope, a.ifname);
      } catch {
        // The pending record stays and tells the next run a DEL is owed.
      }
      throw err;
    }
    const result = parseCniResult(text, a.ifname, context);
    await writeRecord(options.stateDir, { ...base, pending: false, result });
  }

  /** Equivalent to `CNI_COMMAND=DEL … PLUGIN < CONFIG+prevResult`, plugins in reverse order. */
  async function del(a: CniAttachment): Promise<void> {
    const context = `deleting pod NIC ${a.ifname} in scope ${a.scope}`;
    validate(a, context);
    const record = await readRecord(options.stateDir, a.scope, a.ifname);
    if (record === undefined) throw new WirestateError('conflict', `${context}: no CNI ADD is recorded for it; refusing a DEL wirestate cannot vouch for`);
    const inv = { ...invocation(a.scope, record, context), netns: record.netns };
    await delChain(inv, record.network, record.result?.raw);
    await removeRecord(options.stateDir, a.scope, a.ifname);
  }

  async function check(scope: string, ifname: string): Promise<void> {
    const context = `checking pod NIC ${ifname} in scope ${scope}`;
    const record = await readRecord(options.stateDir, scope, ifname);
    if (record === undefined || record.result === undefined) throw new WirestateError('conflict', `${context}: no finished CNI ADD is recorded for it`);
    if (!supportsCheck(record.network.cniVersion)) throw new WirestateError('not_supported', `${context}: CNI ${record.network.cniVersion} has no CHECK (0.4.0 and later)`);
    await checkChain({ ...invocation(scope, record, context), netns: record.netns }, record.network, record.result.raw);
  }

  async function snapshot(list: readonly Scope[]): Promise<Pick<State, 'cniAttachments' | 'resolvers'>> {
    const cniAttachments: Record<string, CniAttachment> = {};
    const resolvers: Record<string, Resolver> = {};
    for (const scope of list) {
      scopes.set(scope.name, scope);
      try {
        for (const r of await listRecords(options.stateDir, scope.name)) {
          cniAttachments[cniAttachmentId(r.scope, r.ifname)] = {
            scope: r.scope,
            ifname: r.ifname,
            containerId: r.containerId,
            config: r.config,
            ...(r.result !== undefined ? { result: r.result } : {}),
            owned: true,
          };
        }
        resolvers[scope.name] = await readResolver(scope);
      } catch (err) {
        throw asWirestateError(err, `reading CNI records of scope ${scope.name}`);
      }
    }
    return { cniAttachments, resolvers };
  }

  return {
    name: 'cni',
    snapshot,
    check,
    async execute(op: Op): Promise<void> {
      try {
        if (op.type === 'cni.add') await add(op.attachment);
        else if (op.type === 'cni.del') await del(op.attachment);
        else throw new WirestateError('bug', `op ${op.type} is not a CNI op`);
      } catch (err) {
        throw asWirestateError(err, `${op.type} failed`);
      }
    },
  };
}
