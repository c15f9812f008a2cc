/**
 * Test namespaces: each root test makes its own netns with a unique name and removes it,
 * also when the test fails. Never touches the host's interfaces.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { ExecutionContext } from 'ava';

/** True when the process may create namespaces. */
export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Why root tests are skipped, printed once per file. */
export const ROOT_SKIP_REASON = 'needs root (network namespaces); run the suite as root or in .ci/run';

/** Runs a command and returns its stdout; throws with stderr on failure. */
export function sh(file: string, args: readonly string[], input?: string): string {
  return execFileSync(file, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Runs `ip` inside a namespace. */
export function ipIn(ns: string, ...args: string[]): string {
  return sh('ip', ['-n', ns, ...args]);
}

/** Creates a fresh namespace `ws-<tag>-<random>` with lo up, removed at test teardown. */
export function makeNetns(t: ExecutionContext, tag: string): string {
  const name = `ws-${tag}-${randomBytes(3).toString('hex')}`.slice(0, 40);
  sh('ip', ['netns', 'add', name]);
  t.teardown(() => deleteNetns(name));
  ipIn(name, 'link', 'set', 'lo', 'up');
  return name;
}

/** Deletes a namespace, ignoring one that is already gone. */
export function deleteNetns(name: string): void {
  try {
    sh('ip', ['netns', 'delete', name]);
  } catch {
    // already gone
  }
}

/** Disables IPv6 in a namespace: the kernel's per-link IPv6 setup dominates large applies. */
export function disableIpv6(ns: string): void {
  sh('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
}
