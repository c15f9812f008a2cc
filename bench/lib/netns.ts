/** Benchmark helpers: throwaway namespaces, `ip -batch` runs and a monotonic stopwatch. */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

/** Wall and CPU (user + system, all threads, kernel work in syscalls included) of one contender's run, in ms. */
export interface Cost {
  readonly wall: number;
  readonly cpu: number;
}

/** Runs a shell snippet under bash's `time` and returns its wall and CPU cost. */
export async function timedShell(snippet: string): Promise<Cost> {
  const t0 = process.hrtime.bigint();
  const stderr = await new Promise<string>((resolve, reject) => {
    execFile('bash', ['-c', `TIMEFORMAT='%3U %3S'; time { ${snippet} ; } > /dev/null`], { encoding: 'utf8', maxBuffer: 1 << 30 }, (err, _o, e) =>
      err ? reject(new Error(`${snippet}: ${e || err.message}`)) : resolve(e),
    );
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const [u, s] = stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { wall, cpu: (u! + s!) * 1000 };
}

/** Runs an `ip -batch` script in a namespace and returns its cost. */
export async function ipBatchCost(ns: string, lines: readonly string[]): Promise<Cost> {
  const file = join(tmpdir(), `wsb-${randomBytes(4).toString('hex')}.batch`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  try {
    return await timedShell(`ip -n ${ns} -batch ${file}`);
  } finally {
    rmSync(file, { force: true });
  }
}

/** CPU time (user + system) used so far by a process, in ms, from /proc (10 ms resolution). */
export function processCpu(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Pids of this process's children whose command line contains `marker`. */
export function childPids(marker: string): number[] {
  return execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(marker))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}
