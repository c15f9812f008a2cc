/** The DHCP options a VM needs to stand in for its pod NIC, from the recorded facts. */
import type { ClasslessRoute, DhcpOptions } from '../model/state.ts';
import type { PodNicFacts } from './facts.ts';

/**
 * Router = the pod's gateway; option 121 with every route of the pod NIC (and then the
 * default route too, since clients ignore option 3 when 121 is present); MTU; DNS; an
 * infinite lease, as the IP belongs to the VM for its whole life.
 */
export function dhcpOptionsFor(f: PodNicFacts): DhcpOptions {
  const v4 = f.routes.filter((r) => r.dst !== 'default6' && !r.dst.includes(':') && !(r.gateway ?? '').includes(':'));
  const routes: ClasslessRoute[] = v4
    .filter((r) => r.dst !== 'default')
    .map((r) => ({ dst: r.dst, gateway: r.gateway ?? '0.0.0.0' }))
    .sort((a, b) => (a.dst < b.dst ? -1 : a.dst > b.dst ? 1 : 0));
  const def = v4.find((r) => r.dst === 'default')?.gateway ?? f.gateway;
  if (routes.length > 0 && def !== undefined) routes.push({ dst: '0.0.0.0/0', gateway: def });
  return {
    ...(f.gateway !== undefined ? { router: f.gateway } : {}),
    ...(routes.length > 0 ? { routes } : {}),
    ...(f.mtu !== undefined ? { mtu: f.mtu } : {}),
    ...(f.dns.servers.length > 0 ? { dnsServers: [...f.dns.servers] } : {}),
    ...(f.dns.search.length > 0 ? { searchDomains: [...f.dns.search] } : {}),
    leaseTime: 'infinite',
  };
}
