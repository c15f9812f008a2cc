/** Small helpers the kind descriptors share. */
import equal from 'fast-deep-equal';
import ipaddr from 'ipaddr.js';
import type { Scope } from '../model/scope.ts';
import type { ResourceBase } from '../model/state.ts';

/** Deep equality where `null` and `undefined` are the same (both mean "none"). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined) return b === null || b === undefined;
  // Two primitives that are not === differ; only objects need the deep walk.
  if (typeof a !== 'object' || typeof b !== 'object' || b === null) return false;
  return equal(a, b);
}

/** The resource without desired-only and live-only bookkeeping fields. */
export function bare<R extends ResourceBase>(r: R): R {
  const { state: _s, adopt: _a, owned: _o, ...rest } = r;
  return rest as R;
}

/** Removes keys whose value is undefined, so records compare and serialize cleanly. */
export function compact<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}

/** The prefix running a program in the scope's namespace: `ip netns exec pod1 `, `nsenter --net=… `, or nothing. */
export function nsExec(scope: Scope | undefined): string {
  const ns = scope?.netns;
  if (ns === undefined) return '';
  if (ns.startsWith('/')) return `nsenter --net=${ns} `;
  if (ns.startsWith('pid:')) return `nsenter --net=/proc/${ns.slice(4)}/ns/net `;
  return `ip netns exec ${ns} `;
}

/** `ip` with the scope's namespace: `ip -n pod1` or plain `ip`. */
export function ipCmd(scope: Scope | undefined): string {
  const ns = scope?.netns;
  if (ns !== undefined && !ns.startsWith('/') && !ns.startsWith('pid:')) return `ip -n ${ns}`;
  return `${nsExec(scope)}ip`;
}

/** `virsh` with the scope's connection URI. */
export function virshCmd(scope: Scope | undefined): string {
  return scope?.libvirt === undefined ? 'virsh' : `virsh -c '${scope.libvirt}'`;
}

/** The address part of a CIDR. */
export function ipOf(cidr: string): string {
  const slash = cidr.indexOf('/');
  return slash < 0 ? cidr : cidr.slice(0, slash);
}

/** The subnet of an address with prefix: `10.244.0.5/24` → `10.244.0.0/24` (IPv4 or IPv6). */
export function subnetOf(cidr: string): string {
  const [addr, len] = ipaddr.parseCIDR(cidr);
  const net = addr.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(cidr) : ipaddr.IPv6.networkAddressFromCIDR(cidr);
  return `${net.toString()}/${len}`;
}
