/**
 * The guest VM of the end-to-end test on a private libvirtd: defined without NICs (the
 * binding attaches one), started with virsh, its console log polled for the lease, and
 * destroyed and undefined at teardown, also on failure.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { GUEST_MARK, guestDomainXml, parseGuestLease, type GuestLease } from '../helpers/vm.ts';

/** A defined guest. */
export interface Guest {
  readonly name: string;
  readonly consoleLog: string;
  start(): void;
  /** Destroys (if running) and undefines; idempotent. */
  remove(): void;
  /** Waits for the guest to print its configured lease; throws with the console tail otherwise. */
  waitForLease(timeoutMs?: number): Promise<GuestLease>;
}

export function virsh(uri: string, ...args: string[]): string {
  return execFileSync('virsh', ['-c', uri, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Defines a NIC-less guest booting `kernel` + `initrd`; registers its removal as a teardown. */
export function defineGuest(t: ExecutionContext, uri: string, o: { name: string; dir: string; kernel: string; initrd: string }): Guest {
  const consoleLog = join(o.dir, `${o.name}.console.log`);
  rmSync(consoleLog, { force: true });
  const xml = join(o.dir, `${o.name}.xml`);
  writeFileSync(xml, guestDomainXml({ name: o.name, kernel: o.kernel, initrd: o.initrd, consoleLog }));
  virsh(uri, 'define', xml);
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    try {
      virsh(uri, 'destroy', o.name);
    } catch {
      // not running
    }
    try {
      virsh(uri, 'undefine', o.name);
    } catch {
      // libvirtd already gone
    }
  };
  t.teardown(remove);
  return {
    name: o.name,
    consoleLog,
    start: () => void virsh(uri, 'start', o.name),
    remove,
    async waitForLease(timeoutMs = 240_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const log = existsSync(consoleLog) ? readFileSync(consoleLog, 'utf8') : '';
        if (log.includes(GUEST_MARK.configured)) {
          const lease = parseGuestLease(log);
          if (lease !== undefined) return lease;
        }
        if (log.includes(GUEST_MARK.failed) || Date.now() > end) {
          throw new Error(`guest ${o.name} printed no lease; console tail:\n${log.slice(-3000)}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}
