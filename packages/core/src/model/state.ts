/**
 * The one state shape: desired and live state are both a `State`.
 *
 * Every resource is readonly plain JSON keyed by a stable id built from its natural
 * identity (see `kinds/*`). A desired state is partial: a field left out is not managed.
 * A live state is complete as far as its driver can read it and tells ownership in
 * `owned`, derived from marks kept in the live system itself.
 */

/** Whether a desired resource should exist; absence of the field means `present`. */
export type Presence = 'present' | 'absent';

/** Fields every resource carries. */
export interface ResourceBase {
  /** Name of the scope (a network namespace plus a libvirt connection) the resource lives in. */
  readonly scope: string;
  /** Desired only: `absent` asks for deletion; absent field means `present`. */
  readonly state?: Presence;
  /** Live only: true when the live object carries wirestate's ownership mark. */
  readonly owned?: boolean;
  /** Desired only: take over an existing object that wirestate did not create. */
  readonly adopt?: boolean;
}

/** Kernel link kinds wirestate knows; `device` is any NIC made outside wirestate (a CNI pod NIC). */
export type LinkKind = 'bridge' | 'veth' | 'tap' | 'macvtap' | 'macvlan' | 'device';

/** Mode of a macvtap/macvlan link, as `ip link add … type macvtap mode MODE`. */
export type MacvlanMode = 'private' | 'vepa' | 'bridge' | 'passthru' | 'source';

/** A kernel network interface. Key: `scope/name`. */
export interface Link extends ResourceBase {
  /** Interface name, at most 15 bytes. */
  readonly name: string;
  /** Link type; changing it replaces the link. */
  readonly kind: LinkKind;
  /** Hardware address, lowercase `aa:bb:cc:dd:ee:ff`; absent: not managed (kernel picks one on create). */
  readonly mac?: string;
  /** MTU in bytes; absent: not managed. */
  readonly mtu?: number;
  /** Administrative state (IFF_UP); absent: not managed. */
  readonly up?: boolean;
  /** Name of the bridge this link is enslaved to; `null`: no master; absent: not managed. */
  readonly master?: string | null;
  /** veth only: name of the peer interface; changing it replaces the pair. */
  readonly peer?: string;
  /** veth only: scope of the peer when it lives in another namespace; absent: same scope. */
  readonly peerScope?: string;
  /** macvtap/macvlan only: name of the lower device; changing it replaces the link. */
  readonly parent?: string;
  /** macvtap/macvlan only: mode; absent: kernel default (`vepa`). */
  readonly mode?: MacvlanMode;
}

/** An IP address on a link. Key: `scope/dev/address/prefix`. */
export interface Address extends ResourceBase {
  /** Name of the link that carries the address. */
  readonly dev: string;
  /** Address with prefix length, `10.244.0.5/24` or `fd00::5/64`. */
  readonly cidr: string;
}

/** Route scope, as `ip route … scope SCOPE`. */
export type RouteScope = 'universe' | 'link' | 'host';

/** A route of the main table. Key: `scope/dst/dev/metric`. */
export interface Route extends ResourceBase {
  /** Destination prefix, `default` for 0.0.0.0/0 (IPv4) or `default6` for ::/0. */
  readonly dst: string;
  /** Output link name. */
  readonly dev: string;
  /** Next hop; absent: directly connected (on-link). */
  readonly gateway?: string;
  /** Route priority; absent means 0 for IPv4 and 1024 for IPv6 as the kernel fills it. */
  readonly metric?: number;
  /** Route scope; absent: `universe` with a gateway, `link` without. */
  readonly routeScope?: RouteScope;
  /** Routing protocol number (RTPROT_*); wirestate's own routes carry `WIRESTATE_RTPROT`. */
  readonly protocol?: number;
  /** Preferred source address; absent: not managed. */
  readonly prefsrc?: string;
}

/** An IPv4 range handed out by a DHCP server. */
export interface DhcpRange {
  /** First address of the range. */
  readonly start: string;
  /** Last address of the range. */
  readonly end: string;
}

/** A classless static route (DHCP option 121). */
export interface ClasslessRoute {
  /** Destination prefix, `0.0.0.0/0` for the default route. */
  readonly dst: string;
  /** Next hop; `0.0.0.0` for on-link. */
  readonly gateway: string;
}

/** DHCP options handed to guests, shared by libvirt networks and standalone dnsmasq. */
export interface DhcpOptions {
  /** Default gateway (option 3); absent: no router option is sent (not even an empty one). */
  readonly router?: string;
  /** Classless static routes (option 121); when present they include the default route. */
  readonly routes?: readonly ClasslessRoute[];
  /** Interface MTU (option 26) in bytes; absent: not sent. */
  readonly mtu?: number;
  /** DNS servers (option 6); absent or empty: not sent. */
  readonly dnsServers?: readonly string[];
  /** DNS search domains (option 119); absent or empty: not sent. */
  readonly searchDomains?: readonly string[];
  /** Lease time in seconds, or `infinite`; absent: dnsmasq's default (1 h). */
  readonly leaseTime?: number | 'infinite';
}

/** One IP block of a libvirt network. */
export interface NetworkIp {
  /** Address of the bridge in the block, with prefix: `10.244.0.254/24`. */
  readonly cidr: string;
  /** DHCP ranges; empty or absent with DHCP hosts present: static reservations only. */
  readonly dhcpRanges?: readonly DhcpRange[];
  /** Whether libvirt runs DHCP on this block (a `<dhcp>` element exists). */
  readonly dhcp?: boolean;
}

/** A libvirt virtual network. Key: `scope/name`. DHCP host entries are separate `DhcpHost`s. */
export interface Network extends ResourceBase {
  /** Network name, as `virsh net-list` shows it. */
  readonly name: string;
  /** Bridge libvirt creates for the network. */
  readonly bridge: string;
  /** Forward mode; absent: isolated network (no `<forward>`). */
  readonly forward?: 'nat' | 'route' | 'bridge' | 'open';
  /** Bridge MAC; absent: not managed (libvirt generates one). */
  readonly mac?: string;
  /** Bridge MTU in bytes; absent: not managed. */
  readonly mtu?: number;
  /** IP blocks; the bridge gets each address. */
  readonly ips?: readonly NetworkIp[];
  /**
   * Subnet libvirt's dnsmasq serves through `shared-network` although the bridge has no
   * address in it (the bridge then needs only a link-local /32): `10.244.0.0/24`.
   */
  readonly sharedSubnet?: string;
  /** Options libvirt's dnsmasq hands out, written as `dnsmasq:options` where XML has no element. */
  readonly dhcpOptions?: DhcpOptions;
  /** Whether the network runs; absent: not managed. */
  readonly active?: boolean;
  /** Whether libvirtd starts it at boot; absent: not managed. */
  readonly autostart?: boolean;
}

/** A DHCP reservation MAC → IP, served by a libvirt network or a standalone dnsmasq. Key: `scope/server/mac`. */
export interface DhcpHost extends ResourceBase {
  /** Libvirt network that serves the reservation (exactly one of `network`, `server`). */
  readonly network?: string;
  /** Standalone dnsmasq (`DhcpServer.name`) that serves it (exactly one of `network`, `server`). */
  readonly server?: string;
  /** Client MAC, lowercase. */
  readonly mac: string;
  /** Reserved IPv4 address. */
  readonly ip: string;
  /** Hostname handed to the client; absent: none. */
  readonly hostname?: string;
}

/** A standalone dnsmasq serving DHCP on one bridge without libvirt. Key: `scope/name`. */
export interface DhcpServer extends ResourceBase {
  /** Instance name (also names its pid, lease and hosts files). */
  readonly name: string;
  /** Interface it listens on (the bridge). */
  readonly interface: string;
  /** Subnet served through `shared-network`, `10.244.0.0/24`; the interface needs no address in it. */
  readonly subnet: string;
  /** Options handed out. */
  readonly options?: DhcpOptions;
  /** Live only: pid of the running dnsmasq. */
  readonly pid?: number;
}

/** Type of a libvirt domain interface. */
export type VmInterfaceType = 'network' | 'bridge' | 'direct';

/** One interface of a libvirt domain. Key: `scope/domain/mac`. */
export interface VmInterface extends ResourceBase {
  /** Domain (VM) name. */
  readonly domain: string;
  /** Guest MAC, lowercase; the identity of the interface. */
  readonly mac: string;
  /** Interface type: `network` (libvirt network), `bridge` (host bridge), `direct` (macvtap). */
  readonly type: VmInterfaceType;
  /** Network name (`network`), bridge name (`bridge`) or lower device (`direct`). */
  readonly source: string;
  /** macvtap mode for `direct`; absent: libvirt's default (`vepa`). */
  readonly sourceMode?: MacvlanMode;
  /** Device model, `virtio` by default in bindings; absent: not managed. */
  readonly model?: string;
  /** MTU in bytes; absent: not managed. */
  readonly mtu?: number;
  /** Live only: the host-side device name libvirt chose (`vnet0`, `macvtap0`). */
  readonly target?: string;
}

/** A libvirt domain wirestate refers to; never created or deleted by wirestate. Key: `scope/name`. */
export interface Domain extends ResourceBase {
  /** Domain name. */
  readonly name: string;
  /** Live only: whether the domain runs (interfaces are then attached `--live` too). */
  readonly running?: boolean;
}

/** The result of a CNI ADD, kept because DEL needs it and a second ADD must never happen. */
export interface CniResult {
  /** CNI spec version of the result. */
  readonly cniVersion: string;
  /** The interface MAC reported by the plugin, lowercase. */
  readonly mac?: string;
  /** Addresses with prefix. */
  readonly ips: readonly string[];
  /** Gateway of the first IP, if any. */
  readonly gateway?: string;
  /** Routes as CNI reports them. */
  readonly routes: readonly { readonly dst: string; readonly gw?: string }[];
  /** DNS the plugin reported. */
  readonly dns?: { readonly nameservers?: readonly string[]; readonly search?: readonly string[] };
  /** The raw result JSON, passed back verbatim as `prevResult` to DEL and CHECK. */
  readonly raw: unknown;
}

/** A pod NIC made by a CNI plugin. Key: `scope/ifname`. */
export interface CniAttachment extends ResourceBase {
  /** Interface name inside the pod. */
  readonly ifname: string;
  /** Container id handed to the plugin (CNI_CONTAINERID). */
  readonly containerId: string;
  /** Path of the CNI network configuration (`.conf`) the plugin reads. */
  readonly config: string;
  /** Live only: the recorded ADD result. */
  readonly result?: CniResult;
}

/** DNS settings of a scope as its resolv.conf gives them; read-only facts. Key: `scope`. */
export interface Resolver extends ResourceBase {
  /** Nameserver addresses in order. */
  readonly servers: readonly string[];
  /** Search domains in order. */
  readonly search: readonly string[];
}

/** The normalized state, keyed per kind by resource id. */
export interface State {
  readonly links: Readonly<Record<string, Link>>;
  readonly addresses: Readonly<Record<string, Address>>;
  readonly routes: Readonly<Record<string, Route>>;
  readonly networks: Readonly<Record<string, Network>>;
  readonly dhcpHosts: Readonly<Record<string, DhcpHost>>;
  readonly dhcpServers: Readonly<Record<string, DhcpServer>>;
  readonly vmInterfaces: Readonly<Record<string, VmInterface>>;
  readonly domains: Readonly<Record<string, Domain>>;
  readonly cniAttachments: Readonly<Record<string, CniAttachment>>;
  readonly resolvers: Readonly<Record<string, Resolver>>;
}

/** Name of a resource kind: a key of `State`. */
export type ResourceKind = keyof State;

/** The resource type stored under a kind. */
export type ResourceOf<K extends ResourceKind> = State[K][string];

/** Any resource. */
export type Resource = ResourceOf<ResourceKind>;

/** Every kind, in the order state files list them. */
export const RESOURCE_KINDS: readonly ResourceKind[] = [
  'links',
  'addresses',
  'routes',
  'networks',
  'dhcpServers',
  'dhcpHosts',
  'domains',
  'vmInterfaces',
  'cniAttachments',
  'resolvers',
];

/** A state with no resources. */
export function emptyState(): State {
  return {
    links: {},
    addresses: {},
    routes: {},
    networks: {},
    dhcpHosts: {},
    dhcpServers: {},
    vmInterfaces: {},
    domains: {},
    cniAttachments: {},
    resolvers: {},
  };
}

/** Fills the kinds a partial state leaves out. */
export function completeState(partial: Partial<State>): State {
  return { ...emptyState(), ...partial };
}

/** Route protocol number marking routes wirestate added (`ip route … proto 87`). */
export const WIRESTATE_RTPROT = 87;

/** Interface alias marking links wirestate created (`ip link set X alias wirestate`). */
export const WIRESTATE_ALIAS = 'wirestate';

/** Namespace URI of the `<metadata>` element marking libvirt networks wirestate defined. */
export const WIRESTATE_XMLNS = 'https://wirestate.dev/xmlns/network/1';
