/**
 * The seed, end to end, with real components: a pod netns whose NICs come from CNI
 * (`eth0` by ptp, `eth42` by bridge + host-local, the node side a bridge holding the
 * gateway), a private libvirtd inside the pod netns, and a real TCG VM booting Debian's
 * cloud kernel whose NIC takes over `eth42` through a wirestate binding — first in
 * `libvirt-network` mode, then in `bridge` mode with a standalone dnsmasq. The VM must
 * lease the pod's IP, gateway, routes and DNS and answer for the pod IP from the node;
 * removing the binding must give the pod NIC back exactly and CNI DEL must release it.
 */
import { chmodSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { expand, plan, reconcile, snapshotAll, type BindingMode, type DriverSet, type Scope, type Topology } from '@wirestate/core';
import { createSystemDrivers } from '../../src/system.ts';
import { createCniDriver } from '../../src/cni/index.ts';
import { keepArtifacts } from '../helpers/artifacts.ts';
import { cniTempDir, ipamReservations, writeBridgeConf, writePtpConf } from '../helpers/cni.ts';
// The CLI's own facts store: the e2e test records facts exactly as `wirestate apply` does.
import { fileFactsStore } from '../../../cli/src/facts-store.ts';
import { startLibvirtd } from '../helpers/libvirtd.ts';
import { startVirtlogd } from '../helpers/virtlogd.ts';
import { ROOT_SKIP_REASON, ipIn, isRoot, makeNetns, sh } from '../helpers/netns.ts';
import { buildInitramfs, ensureGuestKernel } from '../helpers/vm.ts';
import { defineGuest, virsh } from './guest.ts';

// Skipped unless root: ROOT_SKIP_REASON (namespaces, mounts, libvirtd, qemu).
const rootTest = isRoot ? test.serial : test.skip;
if (!isRoot) console.warn(`skipping the seed end-to-end test: ${ROOT_SKIP_REASON}`);

const POD_SUBNET = '10.244.0.0/24';
const POD_GATEWAY = '10.244.0.1';
const SERVICE_CIDR = '10.96.0.0/12';
const DNS = { nameservers: ['10.96.0.10'], search: ['default.svc.cluster.local', 'svc.cluster.local'] };
const MTU = 1450;
const NODE_BRIDGE = 'cni-e2e';
const CONTAINER_ID = 'e2e-pod-0001';
/** Modes run in order; WIRESTATE_E2E_MODES=bridge narrows it while debugging one. */
const MODES: readonly BindingMode[] = (process.env.WIRESTATE_E2E_MODES?.split(',') as BindingMode[] | undefined) ?? ['libvirt-network', 'bridge'];

interface IpAddrJson {
  readonly ifname: string;
  readonly address?: string;
  readonly master?: string;
  readonly mtu?: number;
  readonly addr_info?: readonly { readonly family: string; readonly local: string; readonly prefixlen: number; readonly scope: string }[];
}

/** MAC, master and global addresses of a link, from `ip -j addr show dev`. */
function linkOf(ns: string, dev: string): { mac: string; master: string | null; addrs: string[]; mtu: number } | undefined {
  let out: string;
  try {
    out = ipIn(ns, '-j', 'addr', 'show', 'dev', dev);
  } catch {
    return undefined;
  }
  const [l] = JSON.parse(out) as IpAddrJson[];
  if (l === undefined) return undefined;
  return {
    mac: l.address ?? '',
    master: l.master ?? null,
    addrs: (l.addr_info ?? []).filter((a) => a.scope === 'global').map((a) => `${a.local}/${a.prefixlen}`).sort(),
    mtu: l.mtu ?? 0,
  };
}

/** Routes through a device, as `ip route` prints them, sorted. */
const routesOf = (ns: string, dev: string): string[] =>
  ipIn(ns, '-4', 'route', 'show', 'dev', dev)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .sort();

/** Pings `ip` from `ns` until answered (the guest may still be configuring); true when answered. */
async function pingAnswered(ns: string, ip: string, tries = 30): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    try {
      sh('ip', ['netns', 'exec', ns, 'busybox', 'ping', '-c', '1', '-W', '1', ip]);
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return false;
}

function neighbourMac(ns: string, ip: string): string | undefined {
  const entries = JSON.parse(ipIn(ns, '-j', 'neigh', 'show', 'to', ip)) as { lladdr?: string }[];
  return entries.find((e) => e.lladdr !== undefined)?.lladdr;
}

/** Logs what explains an unanswered ping: neighbours, bridge ports and FDBs, firewall rules. */
function diagnose(t: ExecutionContext, node: string, pod: string, ip: string): void {
  const tryRun = (file: string, args: string[]): string => {
    try {
      return sh(file, args);
    } catch (err) {
      return String((err as Error).message);
    }
  };
  t.log(`node neigh:\n${tryRun('ip', ['-n', node, 'neigh'])}`);
  t.log(`node fdb:\n${tryRun('bridge', ['-n', node, 'fdb', 'show', 'br', NODE_BRIDGE])}`);
  t.log(`pod links:\n${tryRun('ip', ['-n', pod, '-o', 'link'])}`);
  t.log(`pod processes: ${tryRun('ip', ['netns', 'pids', pod]).split('\n').filter((p) => p !== '').map((p) => `${p} ${tryRun('cat', [`/proc/${p}/comm`]).trim()}`).join(', ')}`);
  t.log(`pod addrs:\n${tryRun('ip', ['-n', pod, '-br', 'addr'])}`);
  t.log(`pod bridge-nf-call-iptables: ${tryRun('ip', ['netns', 'exec', pod, 'cat', '/proc/sys/net/bridge/bridge-nf-call-iptables'])}`);
  t.log(`pod iptables:\n${tryRun('ip', ['netns', 'exec', pod, 'iptables-save'])}`);
  t.log(`ping from pod bridge: ${tryRun('ip', ['netns', 'exec', pod, 'busybox', 'ping', '-c', '1', '-W', '1', ip])}`);
}

/** Ids (`kind/id`) of every resource the live system marks as wirestate's. */
async function ownedResources(drivers: DriverSet, scope: Scope): Promise<string[]> {
  const live = await snapshotAll(drivers, [scope]);
  return Object.entries(live).flatMap(([kind, rs]) =>
    Object.entries(rs as Record<string, { owned?: boolean }>)
      .filter(([, r]) => r.owned === true)
      .map(([id]) => `${kind}/${id}`),
  );
}

/** Times phases and prints them with t.log. */
function phases(t: ExecutionContext) {
  const timings: [string, number][] = [];
  return {
    timings,
    async run<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
      const start = process.hrtime.bigint();
      try {
        return await fn();
      } finally {
        const ms = Number((process.hrtime.bigint() - start) / 1_000_000n);
        timings.push([name, ms]);
        t.log(`phase ${name}: ${ms} ms`);
      }
    },
  };
}

rootTest('a real VM takes over a CNI pod NIC in libvirt-network and bridge mode, and the pod NIC comes back exactly', async (t) => {
  const clock = phases(t);
  const runStart = Date.now();

  const work = cniTempDir(t, 'e2e');
  // dnsmasq re-reads its hosts file after dropping root: the state dir must be traversable.
  chmodSync(work, 0o755);
  const stateDir = join(work, 'state');
  const facts = fileFactsStore(join(work, 'facts.json'));
  const kernel = await clock.run('guest kernel (download once, then cached)', () => ensureGuestKernel());
  const initrd = join(work, 'initrd.gz');
  await clock.run('initramfs', () => buildInitramfs(kernel, initrd));

  // Step 1: node and pod namespaces; the pod's NICs come from CNI through wirestate.
  const node = makeNetns(t, 'e2enode');
  const pod = makeNetns(t, 'e2epod');
  const resolvConf = join(work, 'pod-resolv.conf');
  writeFileSync(resolvConf, `nameserver ${DNS.nameservers[0]}\nsearch ${DNS.search.join(' ')}\noptions ndots:5\n`);
  const ptpConf = writePtpConf(work, 'primary', '10.88.0.0/24');
  const brConf = writeBridgeConf(work, { name: 'pods', bridge: NODE_BRIDGE, subnet: POD_SUBNET, gateway: POD_GATEWAY, rangeStart: '10.244.0.5', routes: [SERVICE_CIDR], mtu: MTU, dns: DNS });
  const eth0 = { scope: 'pod', ifname: 'eth0', containerId: CONTAINER_ID, config: ptpConf };
  const eth42 = { scope: 'pod', ifname: 'eth42', containerId: CONTAINER_ID, config: brConf };

  // Whatever happens, CNI DEL what is still recorded (releases addresses, node-side veths).
  t.teardown(async () => {
    const cni = createCniDriver({ stateDir, nodeNetns: node, scopes: [{ name: 'pod', netns: pod }] });
    const snap = await cni.snapshot([{ name: 'pod', netns: pod }]).catch(() => undefined);
    for (const a of Object.values(snap?.cniAttachments ?? {})) await cni.execute({ type: 'cni.del', attachment: a }).catch(() => undefined);
  });

  const podOnlyScope: Scope = { name: 'pod', netns: pod, resolvConf };
  const step1: Topology = { apiVersion: 'wirestate/v1', scopes: { pod: { netns: pod, resolvConf } }, podNics: [eth0, eth42] };
  const early = createSystemDrivers({ scopes: [podOnlyScope], stateDir, nodeNetns: node });
  t.teardown(() => early.close());
  // libvirtd does not run yet: this phase needs only the CNI and netlink drivers.
  const podDrivers: DriverSet = { cni: early.drivers.cni, netlink: early.drivers.netlink };
  await clock.run('step 1: pod NICs eth0 (ptp) and eth42 (bridge) through CNI', () => reconcile(step1, { drivers: podDrivers, facts }));
  t.regex(ipIn(node, '-4', 'addr', 'show', 'dev', NODE_BRIDGE), new RegExp(`inet ${POD_GATEWAY}/24`));
  t.regex(ipIn(pod, 'route', 'show', 'default'), /^default via 10\.88\.0\.1 dev eth0/);
  const eth0Before = { link: linkOf(pod, 'eth0'), routes: routesOf(pod, 'eth0'), default: ipIn(pod, 'route', 'show', 'default') };
  await early.close();

  // Step 2: a private libvirtd inside the pod netns.
  const lv = await clock.run('step 2: libvirtd in the pod netns', () => startLibvirtd(t, pod));
  const logd = await clock.run('step 2: virtlogd beside it', () => startVirtlogd(t, lv));
  const scope: Scope = { name: 'pod', netns: pod, libvirt: lv.uri, resolvConf };
  const system = createSystemDrivers({ scopes: [scope], stateDir, nodeNetns: node });
  t.teardown(() => system.close());
  const { drivers } = system;

  // Standalone dnsmasq instances the bridge round started are stopped by their pid files.
  t.teardown(() => {
    const dir = join(stateDir, 'dnsmasq', 'pod');
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const pidFile = join(dir, name, 'dnsmasq.pid');
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : NaN;
      if (!Number.isInteger(pid) || pid <= 0) continue;
      try {
        if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'dnsmasq') process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  });

  const consoleLogs: string[] = [];
  const vmName = `ws-e2e-${process.pid}`;
  // libvirtd writes the domain's qemu log from its own mount namespace, where /var/log is the host's.
  const qemuLog = `/var/log/libvirt/qemu/${vmName}.log`;
  t.teardown(() => rmSync(qemuLog, { force: true }));
  t.teardown(() => {
    if (t.passed) return;
    const dnsmasqDir = join(stateDir, 'dnsmasq');
    const where = keepArtifacts('e2e', `${new Date().toISOString().replace(/[:.]/g, '-')}`, [
      ...consoleLogs,
      join(lv.dir, 'libvirtd.log'),
      join(lv.dir, 'libvirtd.out'),
      join(lv.dir, 'lib', 'dnsmasq'),
      join(logd.logDir, 'qemu', `${vmName}.log`),
      qemuLog,
      dnsmasqDir,
      join(stateDir, 'cni'),
      join(work, 'facts.json'),
    ]);
    t.log(`logs kept in ${where}`);
  });

  const topologyOf = (mode: BindingMode | undefined, podNics = [eth0, eth42]): Topology => ({
    apiVersion: 'wirestate/v1',
    scopes: { pod: { netns: pod, libvirt: lv.uri, resolvConf } },
    podNics,
    // The VM is named only while a binding uses it: it is undefined between rounds.
    ...(mode !== undefined ? { vms: [{ name: vmName, scope: 'pod' }], bindings: [{ vm: vmName, podNic: 'eth42', mode, scope: 'pod' }] } : {}),
  });

  for (const [round, mode] of MODES.entries()) {
    if (round > 0) {
      // eth42 was handed back to CNI at the end of the first round: ask for it again.
      await clock.run(`${mode}: CNI ADD of eth42 again`, () => reconcile(topologyOf(undefined), { drivers, facts }));
    }
    const podNic = linkOf(pod, 'eth42');
    if (podNic === undefined) return t.fail('eth42 is missing after CNI ADD');
    const podRoutes = routesOf(pod, 'eth42');
    const podCidr = podNic.addrs[0] as string;
    const podIp = podCidr.split('/')[0] as string;
    t.deepEqual(ipamReservations(work, 'pods'), [podIp]);

    // Step 3 preparation: the VM exists without NICs; the binding attaches its NIC.
    const guest = defineGuest(t, lv.uri, { name: vmName, dir: work, kernel: kernel.vmlinuz, initrd });
    consoleLogs.push(guest.consoleLog);

    // Step 3: apply the binding.
    const bound = topologyOf(mode);
    const applied = await clock.run(`${mode}: step 3: apply the binding`, () => reconcile(bound, { drivers, facts }));
    t.true(applied.result.verification?.converged, `${mode}: the apply converged`);
    const f = (await facts.load()).podNics['pod/eth42'];
    t.like(f, { mac: podNic.mac, addresses: [podCidr], gateway: POD_GATEWAY, dns: { servers: DNS.nameservers, search: DNS.search } }, `${mode}: facts recorded from the pod NIC`);
    const taken = linkOf(pod, 'eth42');
    t.not(taken?.mac, podNic.mac, `${mode}: eth42 gave its MAC away`);
    t.deepEqual(taken?.addrs, [], `${mode}: eth42 gave its address away`);
    t.is(taken?.master, 'br-eth42');

    // Step 4: boot the VM.
    await clock.run(`${mode}: step 4: start the VM`, () => guest.start());
    const lease = await clock.run(`${mode}: step 4: boot to a configured lease`, () =>
      guest.waitForLease().catch((err: unknown) => {
        diagnose(t, node, pod, podIp);
        if (process.env.WIRESTATE_E2E_HOLD !== undefined) return new Promise<never>((_, reject) => setTimeout(() => reject(err), Number(process.env.WIRESTATE_E2E_HOLD) * 1000));
        throw err;
      }),
    );

    // Step 5: the VM is the pod, as far as anyone can tell.
    t.is(lease.mac, podNic.mac, `${mode}: the VM NIC has the original pod MAC`);
    t.like(lease, { ip: podIp, prefix: 24, router: POD_GATEWAY, mtu: MTU, dns: DNS.nameservers, search: DNS.search }, `${mode}: lease`);
    t.deepEqual(lease.routes, [{ dst: SERVICE_CIDR, gateway: POD_GATEWAY }, { dst: '0.0.0.0/0', gateway: POD_GATEWAY }], `${mode}: option 121 routes`);
    // The DHCP server answers from the bridge's one address: never the pod IP or the gateway
    // (the VM and the node own those); in bridge mode a link-local /32.
    const bridgeAddrs = linkOf(pod, 'br-eth42')?.addrs ?? [];
    t.is(bridgeAddrs.length, 1, `${mode}: the bridge holds one address`);
    const serverIp = bridgeAddrs[0]?.split('/')[0];
    t.is(lease.serverId, serverIp, `${mode}: served from the bridge address`);
    t.false(serverIp === podIp || serverIp === POD_GATEWAY, `${mode}: the server takes neither the pod IP nor the gateway`);
    if (mode === 'bridge') t.regex(bridgeAddrs[0] ?? '', /^169\.254\.\d+\.\d+\/32$/, `${mode}: bridge holds only a link-local /32`);
    ipIn(node, 'neigh', 'flush', 'dev', NODE_BRIDGE);
    const answered = await clock.run(`${mode}: step 5: ping the pod IP from the node`, () => pingAnswered(node, podIp));
    if (!answered) diagnose(t, node, pod, podIp);
    t.true(answered, `${mode}: ping of ${podIp} from the node is answered`);
    t.is(neighbourMac(node, podIp), podNic.mac, `${mode}: the node's neighbour entry is the original pod MAC`);
    t.not(neighbourMac(node, podIp), taken?.mac);
    t.deepEqual({ link: linkOf(pod, 'eth0'), routes: routesOf(pod, 'eth0'), default: ipIn(pod, 'route', 'show', 'default') }, eth0Before, `${mode}: eth0 untouched`);

    // Step 6: converged — a second plan is empty, both phases.
    await clock.run(`${mode}: step 6: second plan`, async () => {
      const live = await snapshotAll(drivers, [scope]);
      const scopes = { pod: scope };
      const podPhase = plan(expand({ ...bound, bindings: [] }).desired, live, { scopes, kinds: ['cniAttachments'] });
      const again = plan(expand(bound, await facts.load()).desired, live, { scopes });
      t.deepEqual([...podPhase.steps, ...again.steps].map((s) => s.command), [], `${mode}: second plan is empty`);
    });

    // Step 6: remove the binding; the pod NIC gets its identity back.
    const unbind = { ...topologyOf(undefined), vms: [{ name: vmName, scope: 'pod' }] };
    const unbound = await clock.run(`${mode}: step 6: remove the binding`, () => reconcile(unbind, { drivers, facts }));
    t.true(unbound.result.verification?.converged, `${mode}: the removal converged`);
    t.deepEqual(linkOf(pod, 'eth42'), podNic, `${mode}: eth42 has its MAC, address, MTU back and no master`);
    t.deepEqual(routesOf(pod, 'eth42'), podRoutes, `${mode}: eth42 has its routes back`);
    t.deepEqual((await facts.load()).podNics, {}, `${mode}: facts dropped`);
    t.is(linkOf(pod, 'br-eth42'), undefined, `${mode}: bridge gone`);
    t.is(virsh(lv.uri, 'net-list', '--all', '--name').trim(), '', `${mode}: no libvirt network left`);
    t.notRegex(virsh(lv.uri, 'dumpxml', vmName), /<interface/, `${mode}: the VM has no interface left`);
    t.deepEqual(lv.dnsmasqPids(), [], `${mode}: libvirt's dnsmasq stopped`);
    const standalone = join(stateDir, 'dnsmasq', 'pod');
    t.deepEqual(existsSync(standalone) ? readdirSync(standalone) : [], [], `${mode}: no standalone dnsmasq left`);
    const leftovers = await ownedResources(drivers, scope);
    t.deepEqual(leftovers.filter((id) => !id.startsWith('cniAttachments/')), [], `${mode}: nothing of the binding remains`);
    guest.remove();

    // Step 6: hand eth42 back to CNI: DEL releases the address.
    await clock.run(`${mode}: step 6: CNI DEL of eth42`, () => reconcile(topologyOf(undefined, [eth0]), { drivers, facts }));
    t.deepEqual(ipamReservations(work, 'pods'), [], `${mode}: host-local released ${podIp}`);
    t.is(linkOf(pod, 'eth42'), undefined, `${mode}: eth42 deleted`);
  }

  // Nothing of ours remains but eth0, which goes last.
  await clock.run('final: CNI DEL of eth0', () => reconcile(topologyOf(undefined, []), { drivers, facts }));
  t.deepEqual(await ownedResources(drivers, scope), [], 'no owned resource remains');
  t.deepEqual(ipamReservations(work, 'primary'), []);
  t.log(`total ${Date.now() - runStart} ms; phases ${JSON.stringify(clock.timings)}`);
});

