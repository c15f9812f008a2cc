/** Benchmark helpers: throwaway namespaces, `ip -batch` runs and a monotonic stopwatch. */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** Creates a namespace `wsb-<tag>-<hex>` with lo up and, unless `ipv6`, IPv6 disabled (the same for every contender). */
export function makeBenchNetns(tag: string, ipv6 = false): string {
  const name = `wsb-${tag}-${randomBytes(3).toString('hex')}`;
  execFileSync('ip', ['netns', 'add', name]);
  execFileSync('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  if (!ipv6) {
    execFileSync('ip', ['netns', 'exec', name, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
  }
  return name;
}

/** Deletes a namespace, ignoring one already gone. */
export function deleteBenchNetns(name: string): void {
  try {
    execFileSync('ip', ['netns', 'delete', name]);
  } catch {
    // already gone
  }
}

/** Runs `ip -n NS [args…]` with `input` on stdin; resolves with stdout. */
export function ip(ns: string, args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('ip', ['-n', ns, ...args], { maxBuffer: 1 << 30, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`ip -n ${ns} ${args.join(' ')}: ${stderr || err.message}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Runs an `ip -batch` script in a namespace. */
export function ipBatch(ns: string, lines: readonly string[]): Promise<string> {
  return ip(ns, ['-batch', '-'], `${lines.join('\n')}\n`);
}

/** Milliseconds taken by `fn`. */
export async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
