/**
 * A real VM for end-to-end tests: Debian's cloud kernel (downloaded once with apt-get and
 * unpacked with dpkg-deb into a cache dir), a busybox-static initramfs whose /init loads
 * the virtio NIC modules, runs `udhcpc` asking for router, option 121, MTU, DNS and
 * search, prints the lease to the serial console, configures it and stays up; and the
 * libvirt domain (`type='qemu'`, TCG) that boots them with the serial port in a file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { cpioNewc, type CpioEntry } from './cpio.ts';
import type { DhcpLease } from './dhcp-client.ts';

/** Where the kernel package is downloaded and unpacked; shared between runs. */
export const DEFAULT_CACHE_DIR = process.env.WIRESTATE_E2E_CACHE ?? '/var/cache/wirestate-e2e';

/** The meta package whose dependency is the kernel image package. */
const KERNEL_META = 'linux-image-cloud-amd64';

/** An unpacked guest kernel. */
export interface GuestKernel {
  /** Kernel release, `6.1.0-56-cloud-amd64`. */
  readonly release: string;
  /** Path of the bzImage. */
  readonly vmlinuz: string;
  /** `/lib/modules/<release>` of the unpacked package. */
  readonly modulesDir: string;
}

function run(file: string, args: readonly string[], cwd?: string): string {
  return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...(cwd ? { cwd } : {}) });
}

/** The versioned kernel package `linux-image-cloud-amd64` depends on (needs apt lists). */
export function kernelPackageName(): string {
  const out = run('apt-cache', ['depends', KERNEL_META]);
  const name = /Depends:\s*(linux-image-\S+-cloud-amd64)/.exec(out)?.[1];
  if (name === undefined) throw new Error(`apt-cache depends ${KERNEL_META} names no kernel package (run apt-get update): ${out.trim()}`);
  return name;
}

function unpacked(root: string): GuestKernel | undefined {
  const boot = join(root, 'boot');
  if (!existsSync(join(root, '.complete')) || !existsSync(boot)) return undefined;
  const image = readdirSync(boot).find((f) => f.startsWith('vmlinuz-'));
  if (image === undefined) return undefined;
  const release = image.slice('vmlinuz-'.length);
  return { release, vmlinuz: join(boot, image), modulesDir: join(root, 'lib', 'modules', release) };
}

/**
 * The guest kernel, downloaded and unpacked on first use; idempotent, and safe to
 * interrupt (unpacking goes to a temp dir renamed at the end). An unpacked kernel in the
 * cache is used without asking apt, so runs without network work once it is filled.
 */
export function ensureGuestKernel(cacheDir = DEFAULT_CACHE_DIR): GuestKernel {
  mkdirSync(cacheDir, { recursive: true });
  const existing = readdirSync(cacheDir)
    .filter((d) => d.startsWith('root-'))
    .map((d) => unpacked(join(cacheDir, d)))
    .find((k) => k !== undefined);
  if (existing !== undefined) return existing;
  const pkg = kernelPackageName();
  let deb = readdirSync(cacheDir).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
  if (deb === undefined) {
    run('apt-get', ['download', '-q', pkg], cacheDir);
    deb = readdirSync(cacheDir).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
    if (deb === undefined) throw new Error(`apt-get download ${pkg} left no .deb in ${cacheDir}`);
  }
  const root = join(cacheDir, `root-${pkg}`);
  const tmp = `${root}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  run('dpkg-deb', ['-x', join(cacheDir, deb), tmp]);
  writeFileSync(join(tmp, '.complete'), `${deb}\n`);
  rmSync(root, { recursive: true, force: true });
  renameSync(tmp, root);
  const k = unpacked(root);
  if (k === undefined) throw new Error(`${deb} holds no /boot/vmlinuz-*`);
  return k;
}

/** The `depends=` field of a module's .modinfo section. */
export function moduleDepends(ko: Buffer): string[] {
  const m = /(?:^|\0)depends=([^\0]*)\0/.exec(ko.toString('latin1'));
  return m === null || m[1] === '' ? [] : (m[1] as string).split(',');
}

/** Module files by name (`virtio_net` → path), over the unpacked tree (there is no modules.dep: depmod runs at install). */
function moduleIndex(dir: string): Map<string, string> {
  const index = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ko')) index.set(e.name.slice(0, -3).replace(/-/g, '_'), p);
    }
  };
  walk(join(dir, 'kernel'));
  return index;
}

/**
 * The modules to load for `wanted`, dependencies first; modules built into the kernel
 * (listed in modules.builtin) are left out. Throws when one is neither.
 */
export function moduleLoadOrder(k: GuestKernel, wanted: readonly string[]): { name: string; path: string }[] {
  const index = moduleIndex(k.modulesDir);
  const builtin = new Set(
    readFileSync(join(k.modulesDir, 'modules.builtin'), 'utf8')
      .split('\n')
      .map((l) => l.split('/').pop()?.replace(/\.ko$/, '').replace(/-/g, '_'))
      .filter((n): n is string => n !== undefined && n !== ''),
  );
  const order: { name: string; path: string }[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    if (builtin.has(name)) return;
    const path = index.get(name);
    if (path === undefined) throw new Error(`module ${name} is neither built in nor in ${k.modulesDir}`);
    for (const dep of moduleDepends(readFileSync(path))) visit(dep);
    order.push({ name, path });
  };
  for (const w of wanted) visit(w);
  return order;
}

/** Marker lines the guest prints; tests look for them in the console log. */
export const GUEST_MARK = {
  modules: 'WIRESTATE-GUEST modules-loaded',
  lease: 'WIRESTATE-GUEST lease',
  configured: 'WIRESTATE-GUEST configured',
  failed: 'WIRESTATE-GUEST no-lease',
} as const;

const UDHCPC_SCRIPT = `#!/bin/sh
# udhcpc event script: print the lease on one line, then configure it like a distro would.
case "$1" in
  deconfig) ip addr flush dev "$interface"; ip link set "$interface" up ;;
  bound|renew)
    echo "${GUEST_MARK.lease} ip=$ip mask=$mask router=$router mtu=$mtu dns=$(echo $dns | tr ' ' ',') search=$(echo $search | tr ' ' ',') domain=$domain lease=$lease serverid=$serverid staticroutes=$(echo $staticroutes | tr ' ' ',') mac=$(cat /sys/class/net/$interface/address)"
    ip addr flush dev "$interface"
    ip addr add "$ip/$mask" dev "$interface"
    [ -n "$mtu" ] && ip link set "$interface" mtu "$mtu"
    if [ -n "$staticroutes" ]; then
      set -- $staticroutes
      while [ $# -ge 2 ]; do
        if [ "$2" = 0.0.0.0 ]; then ip route add "$1" dev "$interface"; else ip route add "$1" via "$2" dev "$interface"; fi
        shift 2
      done
    elif [ -n "$router" ]; then
      ip route add default via "\${router%% *}" dev "$interface"
    fi
    echo "${GUEST_MARK.configured} $(ip -4 -o addr show dev $interface | tr -s ' ') routes: $(ip route | tr '\\n' ';')"
    ;;
esac
exit 0
`;

function initScript(modules: readonly string[]): string {
  return `#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev /tmp /run
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
${modules.map((m) => `insmod /lib/modules/${m}.ko || echo "insmod ${m} failed"`).join('\n')}
echo "${GUEST_MARK.modules}"
ip link set lo up
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
ip link set eth0 up
if ! udhcpc -i eth0 -f -q -t 60 -T 1 -A 1 -O staticroutes -O mtu -O dns -O search -O router -s /udhcpc.sh; then echo "${GUEST_MARK.failed}"; fi
# Stay up: the VM now answers for the pod IP.
while true; do sleep 3600; done
`;
}

/** Builds the gzip'd initramfs at `out` for kernel `k`: busybox, the virtio NIC modules, /init. */
export function buildInitramfs(k: GuestKernel, out: string, busybox = '/bin/busybox'): { modules: string[] } {
  const mods = moduleLoadOrder(k, ['virtio_pci', 'virtio_net']);
  const entries: CpioEntry[] = [
    ...['bin', 'dev', 'proc', 'sys', 'tmp', 'run', 'lib', 'lib/modules'].map((path): CpioEntry => ({ kind: 'dir', path })),
    // The kernel opens /dev/console for init before devtmpfs is mounted.
    { kind: 'chardev', path: 'dev/console', major: 5, minor: 1 },
    { kind: 'file', path: 'bin/busybox', data: readFileSync(busybox), mode: 0o755 },
    { kind: 'symlink', path: 'bin/sh', target: 'busybox' },
    { kind: 'file', path: 'init', data: initScript(mods.map((m) => m.name)), mode: 0o755 },
    { kind: 'file', path: 'udhcpc.sh', data: UDHCPC_SCRIPT, mode: 0o755 },
    ...mods.map((m): CpioEntry => ({ kind: 'file', path: `lib/modules/${m.name}.ko`, data: readFileSync(m.path) })),
  ];
  writeFileSync(out, gzipSync(cpioNewc(entries)));
  return { modules: mods.map((m) => m.name) };
}

/** A lease as the guest's udhcpc printed it on its console. */
export interface GuestLease extends DhcpLease {
  /** The guest NIC's MAC. */
  readonly mac: string;
}

/** The first lease line of a console log, or `undefined`. */
export function parseGuestLease(log: string): GuestLease | undefined {
  const line = log.split('\n').find((l) => l.includes(GUEST_MARK.lease));
  if (line === undefined) return undefined;
  const vars = new Map<string, string>();
  for (const m of line.matchAll(/(\w+)=(\S*)/g)) vars.set(m[1] as string, m[2] as string);
  const list = (k: string): string[] => (vars.get(k) ?? '').split(',').filter((w) => w !== '');
  const sr = list('staticroutes');
  const routes: { dst: string; gateway: string }[] = [];
  for (let i = 0; i + 1 < sr.length; i += 2) routes.push({ dst: sr[i] as string, gateway: sr[i + 1] as string });
  const num = (k: string): number | undefined => (vars.get(k) ? Number(vars.get(k)) : undefined);
  const router = list('router')[0];
  const mtu = num('mtu');
  const lease = num('lease');
  const serverId = vars.get('serverid');
  return {
    ip: vars.get('ip') ?? '',
    prefix: Number(vars.get('mask') ?? NaN),
    ...(router !== undefined ? { router } : {}),
    ...(mtu !== undefined ? { mtu } : {}),
    dns: list('dns'),
    search: [...list('search'), ...list('domain')].filter((v, i, a) => a.indexOf(v) === i),
    ...(lease !== undefined ? { lease } : {}),
    ...(serverId ? { serverId } : {}),
    routes,
    mac: vars.get('mac') ?? '',
  };
}

const xmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;');

/** Domain XML of a NIC-less TCG guest booting `kernel` + `initrd` with its serial console in `consoleLog`. */
export function guestDomainXml(o: { name: string; kernel: string; initrd: string; consoleLog: string; memoryMiB?: number }): string {
  return `<domain type='qemu'>
  <name>${xmlEscape(o.name)}</name>
  <memory unit='MiB'>${o.memoryMiB ?? 256}</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>${xmlEscape(o.kernel)}</kernel>
    <initrd>${xmlEscape(o.initrd)}</initrd>
    <cmdline>console=ttyS0 quiet panic=-1</cmdline>
  </os>
  <features><acpi/></features>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <serial type='file'>
      <source path='${xmlEscape(o.consoleLog)}'/>
      <target port='0'/>
    </serial>
    <memballoon model='none'/>
  </devices>
</domain>
`;
}
