/** Resolution of a scope's network namespace to the path tools and setns() take. */
import type { Scope } from '@wirestate/core';

/** Directory where `ip netns` keeps named namespaces. */
export const NETNS_RUN_DIR = '/var/run/netns';

/**
 * The namespace file of a scope: `/var/run/netns/NAME` for a name, the path itself for an
 * absolute path, `/proc/PID/ns/net` for `pid:PID`; `undefined` for the caller's own namespace.
 */
export function netnsPath(scope: Pick<Scope, 'netns'>): string | undefined {
  const ns = scope.netns;
  if (ns === undefined || ns === '') return undefined;
  if (ns.startsWith('/')) return ns;
  const pid = /^pid:(\d+)$/.exec(ns);
  if (pid) return `/proc/${pid[1]}/ns/net`;
  return `${NETNS_RUN_DIR}/${ns}`;
}

/**
 * The argv prefix that runs a program inside a scope's namespace without a shell:
 * `nsenter --net=PATH --` (works for names, paths and pids alike), or nothing.
 */
export function inNetns(scope: Pick<Scope, 'netns'>): readonly string[] {
  const path = netnsPath(scope);
  return path === undefined ? [] : ['nsenter', `--net=${path}`, '--'];
}
