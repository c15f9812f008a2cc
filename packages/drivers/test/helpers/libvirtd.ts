/**
 * A private libvirtd per test: started inside the test's netns and in its own mount
 * namespace, where /run/libvirt, /var/lib/libvirt, /var/cache/libvirt and /etc/libvirt
 * are bind mounts of a temp dir, so nothing of the host's libvirt is seen or changed.
 * Reached with `qemu:///system?socket=<dir>/run/libvirt-sock`; stopped by its pid (and the
 * dnsmasq processes it spawned, which libvirt detaches) at teardown, also on failure.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { sh } from './netns.ts';
import { alive, killPid } from './process.ts';

const execFileAsync = promisify(execFile);

/** A running private libvirtd. */
export interface Libvirtd {
  /** Connection URI for virsh and the driver. */
  readonly uri: string;
  /** Pid of libvirtd itself. */
  readonly pid: number;
  /** Temp dir holding run/, lib/, cache/, etc/ and libvirtd.log. */
  readonly dir: string;
  /** Pids of the dnsmasq processes libvirt runs for active networks now. */
  dnsmasqPids(): number[];
  /** Runs `virsh -c <uri> …args` and returns its stdout. */
  virsh(...args: string[]): string;
  /** Stops libvirtd and its dnsmasq children by pid; idempotent. */
  stop(): Promise<void>;
}

/** Mount points libvirtd writes to; they must exist on the host to be bound over. */
const MOUNTS = [
  ['run', '/run/libvirt'],
  ['lib', '/var/lib/libvirt'],
  ['cache', '/var/cache/libvirt'],
  ['etc', '/etc/libvirt'],
] as const;

// Positional arguments, not interpolation: the dir and netns names never meet the shell parser.
const START_SCRIPT = `set -e
D="$1"; NS="$2"
mount --bind "$D/run" /run/libvirt
mount --bind "$D/lib" /var/lib/libvirt
mount --bind "$D/cache" /var/cache/libvirt
mount --bind "$D/etc" /etc/libvirt
# One emulator is enough to define test domains; probing the i386 one too doubles start-up.
if [ -x /usr/bin/qemu-system-i386 ] && [ -x /usr/bin/qemu-system-x86_64 ]; then mount --bind /dev/null /usr/bin/qemu-system-i386; fi
exec ip netns exec "$NS" libvirtd -f "$D/etc/libvirtd.conf" -p "$D/run/libvirtd.pid"
`;

/**
 * libvirtd refuses to start its qemu driver without the users and groups its Debian build
 * names (`libvirt-qemu`, group `libvirt-qemu` and `kvm`); a fresh machine with only
 * libvirt-daemon installed lacks them. Creates whichever is missing.
 */
export function ensureLibvirtUsers(): void {
  const has = (db: string, name: string): boolean => {
    try {
      execFileSync('getent', [db, name], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (!has('group', 'kvm')) sh('groupadd', ['--system', 'kvm']);
  if (!has('group', 'libvirt-qemu')) sh('groupadd', ['--system', 'libvirt-qemu']);
  if (!has('passwd', 'libvirt-qemu')) {
    sh('useradd', ['--system', '--no-create-home', '--home-dir', '/var/lib/libvirt', '--shell', '/usr/sbin/nologin', '-g', 'libvirt-qemu', '-G', 'kvm', 'libvirt-qemu']);
  }
}

function commOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Starts a private libvirtd in `netns` and registers its stop as a teardown of `t` (logs kept when `t` failed). */
export async function startLibvirtd(t: ExecutionContext, netns: string): Promise<Libvirtd> {
  // Filled as start-up proceeds, so the teardown cleans up whatever got made.
  const made: { lv?: Libvirtd; dir?: string } = {};
  t.teardown(async () => {
    await made.lv?.stop();
    if (made.dir === undefined) return;
    if (t.passed) {
      rmSync(made.dir, { recursive: true, force: true });
      return;
    }
    // CI collects failure artifacts from WIRESTATE_ARTIFACTS (e.g. `artifacts/`).
    const artifacts = process.env.WIRESTATE_ARTIFACTS;
    if (artifacts !== undefined && artifacts !== '') {
      const to = join(artifacts, basename(made.dir));
      mkdirSync(to, { recursive: true });
      for (const f of ['libvirtd.log', 'libvirtd.out']) if (existsSync(join(made.dir, f))) copyFileSync(join(made.dir, f), join(to, f));
    }
    t.log(`libvirtd logs kept in ${made.dir}`);
  });
  made.lv = await launchLibvirtd(netns, (d) => {
    made.dir = d;
  });
  return made.lv;
}

/**
 * Starts a private libvirtd in `netns` and waits until it answers; the caller stops it.
 * `onDir` learns the temp dir first, so a caller can clean up even when start-up fails.
 */
export async function launchLibvirtd(netns: string, onDir: (dir: string) => void = () => undefined): Promise<Libvirtd> {
  ensureLibvirtUsers();
  for (const [, mountPoint] of MOUNTS) if (!existsSync(mountPoint)) mkdirSync(mountPoint, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'wirestate-libvirtd-'));
  onDir(dir);
  for (const [sub] of MOUNTS) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(
    join(dir, 'etc', 'libvirtd.conf'),
    [`log_outputs="1:file:${join(dir, 'libvirtd.log')}"`, 'log_filters="1:network 1:util.command 3:*"', ''].join('\n'),
  );
  // Root runs qemu here: the capabilities probe then sees the same /dev/kvm access libvirtd does.
  // qemu writes its own logs: no virtlogd runs in the private namespace. No private /dev per
  // domain (namespaces = []): libvirt builds one by moving the mounts it finds under /dev, and
  // on some hosts (seen on one where /dev/shm and /dev/pts are each mounted twice) a move
  // fails with EINVAL ("Unable to move /run/libvirt/qemu/1-tiny.null mount to /dev/null") and
  // no domain starts; this libvirtd already runs in a mount namespace of its own.
  writeFileSync(join(dir, 'etc', 'qemu.conf'), 'user = "root"\ngroup = "root"\nstdio_handler = "file"\nnamespaces = []\n');
  const uri = `qemu:///system?socket=${join(dir, 'run', 'libvirt-sock')}`;
  const out = openSync(join(dir, 'libvirtd.out'), 'a');
  const child = spawn('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', START_SCRIPT, 'sh', dir, netns], {
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn libvirtd');
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  let stopped = false;
  const dnsmasqPids = (): number[] => {
    const netDir = join(dir, 'run', 'network');
    if (!existsSync(netDir)) return [];
    return readdirSync(netDir)
      .filter((f) => f.endsWith('.pid'))
      .map((f) => Number(readFileSync(join(netDir, f), 'utf8').trim()))
      .filter((p) => Number.isInteger(p) && p > 0 && alive(p) && commOf(p) === 'dnsmasq');
  };
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    const children = dnsmasqPids();
    await killPid(pid);
    // libvirt detaches dnsmasq; it outlives libvirtd unless stopped by its pid.
    for (const p of children) await killPid(p);
    // Anything else still in the test netns was started by this libvirtd (leases helper, dnsmasq helpers).
    try {
      const rest = sh('ip', ['netns', 'pids', netns]).split('\n').map(Number).filter((p) => p > 0 && p !== process.pid);
      for (const p of rest) await killPid(p);
    } catch {
      // netns already gone
    }
  };
  const virsh = (...args: string[]): string => execFileSync('virsh', ['-c', uri, ...args], { encoding: 'utf8' });
  const handle: Libvirtd = { uri, pid, dir, dnsmasqPids, virsh, stop };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`libvirtd exited during start-up; logs in ${dir}: ${readFileSync(join(dir, 'libvirtd.out'), 'utf8').slice(-2000)}`);
    }
    try {
      // Asynchronous: the first answer waits for libvirtd's qemu probe, other tests go on meanwhile.
      await execFileAsync('virsh', ['-c', uri, 'version'], { timeout: 60_000 });
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`libvirtd did not answer within 90 s; logs in ${dir}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return handle;
}
