/**
 * virtlogd for a private libvirtd (see libvirtd.ts): qemu domains need it for their
 * stdio log. Runs in its own mount namespace where /run/libvirt is the same temp dir the
 * libvirtd sees (so its socket appears there) and /var/log/libvirt is a temp dir (so qemu
 * logs stay out of the host's /var/log). Stopped by its pid at teardown.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import type { Libvirtd } from './libvirtd.ts';
import { alive, killPid } from './process.ts';

/** A running virtlogd. */
export interface Virtlogd {
  readonly pid: number;
  /** Where qemu logs land: `<dir>/qemu/<domain>.log`. */
  readonly logDir: string;
  stop(): Promise<void>;
}

const START_SCRIPT = `set -e
D="$1"
mount --bind "$D/run" /run/libvirt
mkdir -p "$D/log/qemu"
mount --bind "$D/log" /var/log/libvirt
exec virtlogd -p "$D/virtlogd.pid"
`;

/** Starts virtlogd for `lv` and waits for its socket. */
export async function startVirtlogd(t: ExecutionContext, lv: Libvirtd): Promise<Virtlogd> {
  if (!existsSync('/var/log/libvirt')) mkdirSync('/var/log/libvirt', { recursive: true });
  mkdirSync(join(lv.dir, 'log', 'qemu'), { recursive: true });
  const out = openSync(join(lv.dir, 'virtlogd.out'), 'a');
  const child = spawn('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', START_SCRIPT, 'sh', lv.dir], { stdio: ['ignore', out, out] });
  closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn virtlogd');
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await killPid(pid);
  };
  t.teardown(stop);
  const sock = join(lv.dir, 'run', 'virtlogd-sock');
  for (let i = 0; !existsSync(sock); i++) {
    if (!alive(pid) || i > 200) throw new Error(`virtlogd did not start: ${readFileSync(join(lv.dir, 'virtlogd.out'), 'utf8')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { pid, logDir: join(lv.dir, 'log'), stop };
}
