/**
 * The shape of a topology as zod 4 strict schemas: types, required fields, closed value
 * sets and per-field formats. Rules that relate fields to each other live in `rules/`.
 * Format problems are zod `custom` issues carrying our code in `params.code`.
 */
import * as z from 'zod';
import { BINDING_MODES, type Topology } from './types.ts';
import { cidr, ip, mac, prefix, routeDst } from './addr.ts';
import { absolutePath, checkSafe, hostname, ifname, libvirtName, netns, scopeName, token, uri, type StringRule } from './text.ts';

/** A string field: length cap, injection characters, then its own format rule. */
function str(rule?: StringRule, allowAmpersand = false) {
  // A raw check rather than superRefine: validation of large topologies spends most of its time here.
  return z.string().check((ctx) => {
    const f = checkSafe(ctx.value, allowAmpersand) ?? rule?.(ctx.value);
    if (f) ctx.issues.push({ code: 'custom', input: ctx.value, message: f.message, params: { code: f.code } });
  });
}

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const mtu = int(68, 65535);
const presence = z.enum(['present', 'absent']);
const macvlanMode = z.enum(['private', 'vepa', 'bridge', 'passthru', 'source']);

/** Fields every low-level resource accepts. */
const base = {
  scope: str(scopeName).optional(),
  state: presence.optional(),
  adopt: z.boolean().optional(),
};

const dhcpOptions = z.strictObject({
  router: str(ip(4)).optional(),
  routes: z.array(z.strictObject({ dst: str(prefix(4)), gateway: str(ip(4)) })).optional(),
  mtu: mtu.optional(),
  // DHCPv4 options 3 and 6 carry IPv4 addresses only.
  dnsServers: z.array(str(ip(4))).optional(),
  searchDomains: z.array(str(hostname)).optional(),
  leaseTime: z.union([int(120, 0xffff_fffe), z.literal('infinite')]).optional(),
});

const scope = z.strictObject({
  netns: str(netns).optional(),
  libvirt: str(uri, true).optional(),
  resolvConf: str(absolutePath).optional(),
});

const vm = z.strictObject({ name: str(libvirtName), scope: str(scopeName).optional() });

const binding = z.strictObject({
  vm: str(libvirtName),
  podNic: str(ifname),
  mode: z.enum(BINDING_MODES as readonly ['libvirt-network', 'bridge', 'macvtap']),
  scope: str(scopeName).optional(),
  state: presence.optional(),
  model: str(token).optional(),
  bridge: str(ifname).optional(),
  network: str(libvirtName).optional(),
  bridgeAddress: str(cidr).optional(),
  // Handed to the VM over DHCPv4 (router, DNS servers): IPv4 only.
  gateway: str(ip(4)).optional(),
  dns: z.strictObject({ servers: z.array(str(ip(4))).optional(), search: z.array(str(hostname)).optional() }).optional(),
  macvtapMode: macvlanMode.optional(),
});

const link = z.strictObject({
  ...base,
  name: str(ifname),
  kind: z.enum(['bridge', 'veth', 'tap', 'macvtap', 'macvlan', 'device']),
  mac: str(mac).optional(),
  mtu: mtu.optional(),
  up: z.boolean().optional(),
  master: str(ifname).nullable().optional(),
  peer: str(ifname).optional(),
  peerScope: str(scopeName).optional(),
  parent: str(ifname).optional(),
  mode: macvlanMode.optional(),
});

const address = z.strictObject({ ...base, dev: str(ifname), cidr: str(cidr) });

const route = z.strictObject({
  ...base,
  dst: str(routeDst),
  dev: str(ifname),
  gateway: str(ip()).optional(),
  metric: int(0, 0xffff_ffff).optional(),
  routeScope: z.enum(['universe', 'link', 'host']).optional(),
  protocol: int(0, 255).optional(),
  prefsrc: str(ip()).optional(),
});

const network = z.strictObject({
  ...base,
  name: str(libvirtName),
  bridge: str(ifname),
  forward: z.enum(['nat', 'route', 'bridge', 'open']).optional(),
  mac: str(mac).optional(),
  mtu: mtu.optional(),
  ips: z
    .array(
      z.strictObject({
        cidr: str(cidr),
        dhcpRanges: z.array(z.strictObject({ start: str(ip()), end: str(ip()) })).optional(),
        dhcp: z.boolean().optional(),
      }),
    )
    .optional(),
  sharedSubnet: str(prefix()).optional(),
  dhcpOptions: dhcpOptions.optional(),
  active: z.boolean().optional(),
  autostart: z.boolean().optional(),
});

const dhcpServer = z.strictObject({
  ...base,
  name: str(libvirtName),
  interface: str(ifname),
  subnet: str(prefix()),
  options: dhcpOptions.optional(),
});

const dhcpHost = z.strictObject({
  ...base,
  network: str(libvirtName).optional(),
  server: str(libvirtName).optional(),
  mac: str(mac),
  ip: str(ip(4)),
  hostname: str(hostname).optional(),
});

const vmInterface = z.strictObject({
  ...base,
  domain: str(libvirtName),
  mac: str(mac),
  type: z.enum(['network', 'bridge', 'direct']),
  // A network name, a bridge or a lower device: the kind-specific rule is in rules/kinds.ts.
  source: str(libvirtName),
  sourceMode: macvlanMode.optional(),
  model: str(token).optional(),
  mtu: mtu.optional(),
});

const podNic = z.strictObject({ ...base, ifname: str(ifname), containerId: str(token), config: str(absolutePath) });

/** The lists of a topology, by field name. */
export const LIST_SCHEMAS = {
  vms: vm,
  bindings: binding,
  links: link,
  addresses: address,
  routes: route,
  networks: network,
  dhcpServers: dhcpServer,
  dhcpHosts: dhcpHost,
  vmInterfaces: vmInterface,
  podNics: podNic,
} as const;

/** Names of the list fields. */
export type ListName = keyof typeof LIST_SCHEMAS;

/** The list fields in document order. */
export const LIST_NAMES = Object.keys(LIST_SCHEMAS) as ListName[];

/** A whole topology. */
export const topologySchema = z.strictObject({
  apiVersion: z.literal('wirestate/v1'),
  scopes: z.record(z.string(), scope),
  vms: z.array(vm).optional(),
  bindings: z.array(binding).optional(),
  links: z.array(link).optional(),
  addresses: z.array(address).optional(),
  routes: z.array(route).optional(),
  networks: z.array(network).optional(),
  dhcpServers: z.array(dhcpServer).optional(),
  dhcpHosts: z.array(dhcpHost).optional(),
  vmInterfaces: z.array(vmInterface).optional(),
  podNics: z.array(podNic).optional(),
});

// The schema and the hand-written input types must agree both ways; this fails to compile otherwise.
type DeepReadonly<T> = T extends readonly (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _sameShape: Mutual<DeepReadonly<z.infer<typeof topologySchema>>, DeepReadonly<Topology>> = true;
