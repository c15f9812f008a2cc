/** A scope's DNS settings from its resolv.conf: which file applies, and its nameserver/search lines. */
import { access, readFile } from 'node:fs/promises';
import type { Resolver, Scope } from '@wirestate/core';

/** Nameservers and search domains of a resolv.conf text, in order; `domain` counts as a one-entry search. */
export function parseResolvConf(text: string): { servers: string[]; search: string[] } {
  const servers: string[] = [];
  let search: string[] = [];
  for (const line of text.split('\n')) {
    const words = line.replace(/[#;].*$/, '').trim().split(/\s+/).filter((w) => w !== '');
    const [key, ...rest] = words;
    if (key === 'nameserver' && rest[0] !== undefined) servers.push(rest[0]);
    // The last search or domain line wins, as in the resolver.
    else if (key === 'search') search = rest;
    else if (key === 'domain' && rest[0] !== undefined) search = [rest[0]];
  }
  return { servers, search };
}

/**
 * The resolv.conf a scope uses: `scope.resolvConf`, else `/etc/netns/<name>/resolv.conf`
 * when the netns is a named one and that file exists (`ip netns exec` bind-mounts it),
 * else /etc/resolv.conf.
 */
export async function resolvConfOf(scope: Scope): Promise<string> {
  if (scope.resolvConf !== undefined) return scope.resolvConf;
  const ns = scope.netns;
  if (ns !== undefined && ns !== '' && !ns.startsWith('/') && !ns.startsWith('pid:')) {
    const candidate = `/etc/netns/${ns}/resolv.conf`;
    try {
      await access(candidate);
      return candidate;
    } catch {
      // no per-netns file
    }
  }
  return '/etc/resolv.conf';
}

/** The scope's resolver as a read-only fact; a missing file gives no servers. */
export async function readResolver(scope: Scope): Promise<Resolver> {
  let text = '';
  try {
    text = await readFile(await resolvConfOf(scope), 'utf8');
  } catch {
    // No resolv.conf: the pod has no DNS to hand on.
  }
  return { scope: scope.name, ...parseResolvConf(text), owned: false };
}
