/** A temporary wirestate state dir per test. */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';

/**
 * A new state dir `wirestate-<tag>-*`, removed when `t` ends. Mode 0755 like the real one:
 * dnsmasq reads its reservations below it after dropping root.
 */
export function tempStateDir(t: ExecutionContext, tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), `wirestate-${tag}-`));
  chmodSync(dir, 0o755);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
