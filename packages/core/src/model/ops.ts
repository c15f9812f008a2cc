/**
 * The closed set of operations drivers execute. Each op names its driver through its
 * `type` prefix (see `driverOf`) and is self-contained: it carries everything its
 * driver and its printed command need, so a journal of ops can be replayed alone.
 */
import type {
  Address,
  CniAttachment,
  DhcpHost,
  DhcpServer,
  Link,
  Network,
  Route,
  VmInterface,
} from './state.ts';

/** Link attributes that change in place with `ip link set`. */
export interface LinkAttrs {
  /** New hardware address. */
  readonly mac?: string;
  /** New MTU in bytes. */
  readonly mtu?: number;
  /** New administrative state. */
  readonly up?: boolean;
  /** New master bridge; `null` removes the link from its bridge. */
  readonly master?: string | null;
  /** New alias; `null` clears it. Carries the ownership mark. */
  readonly alias?: string | null;
}

/** Every operation wirestate can perform. */
export type Op =
  | {
      readonly type: 'link.create';
      readonly link: Link;
      /** veth: attributes of the peer end. */
      readonly peerLink?: Link;
      /** Bridge: links to enslave once it exists (ports nobody declared, lost with the old bridge). */
      readonly ports?: readonly string[];
    }
  | {
      readonly type: 'link.delete';
      readonly link: Link;
      readonly peerLink?: Link;
      /** Bridge: ports the kernel releases with it (so the inverse enslaves them again). */
      readonly ports?: readonly string[];
    }
  | { readonly type: 'link.set'; readonly scope: string; readonly name: string; readonly attrs: LinkAttrs }
  | { readonly type: 'address.add'; readonly address: Address }
  | { readonly type: 'address.delete'; readonly address: Address }
  | { readonly type: 'route.add'; readonly route: Route }
  | { readonly type: 'route.delete'; readonly route: Route }
  | { readonly type: 'network.define'; readonly network: Network }
  | { readonly type: 'network.undefine'; readonly network: Network }
  | {
      readonly type: 'network.start';
      readonly network: Network;
      /** Links to enslave to the bridge once it runs again (ports nobody declared, lost when it stopped), those that still exist. */
      readonly ports?: readonly string[];
    }
  | {
      readonly type: 'network.destroy';
      readonly network: Network;
      /** Ports libvirt releases with the bridge (so the inverse enslaves them again). */
      readonly ports?: readonly string[];
    }
  | { readonly type: 'network.autostart'; readonly network: Network; readonly autostart: boolean }
  | { readonly type: 'dhcpHost.add'; readonly host: DhcpHost; readonly live: boolean }
  | { readonly type: 'dhcpHost.delete'; readonly host: DhcpHost; readonly live: boolean }
  | { readonly type: 'dhcpHost.modify'; readonly from: DhcpHost; readonly host: DhcpHost; readonly live: boolean }
  | { readonly type: 'dhcpServer.start'; readonly server: DhcpServer }
  | { readonly type: 'dhcpServer.stop'; readonly server: DhcpServer }
  | { readonly type: 'vmInterface.attach'; readonly iface: VmInterface; readonly live: boolean }
  | { readonly type: 'vmInterface.detach'; readonly iface: VmInterface; readonly live: boolean }
  | { readonly type: 'cni.add'; readonly attachment: CniAttachment }
  | { readonly type: 'cni.del'; readonly attachment: CniAttachment };

/** The op type names. */
export type OpType = Op['type'];

/** The op of one type. */
export type OpOf<T extends OpType> = Extract<Op, { type: T }>;

/** Drivers that execute ops. */
export type DriverName = 'netlink' | 'libvirt' | 'dnsmasq' | 'cni';

const DRIVER_OF_PREFIX: Readonly<Record<string, DriverName>> = {
  link: 'netlink',
  address: 'netlink',
  route: 'netlink',
  network: 'libvirt',
  vmInterface: 'libvirt',
  dhcpServer: 'dnsmasq',
  cni: 'cni',
};

/** The driver that executes an op; DHCP hosts go to libvirt or dnsmasq by what serves them. */
export function driverOf(op: Op): DriverName {
  if (op.type === 'dhcpHost.add' || op.type === 'dhcpHost.delete' || op.type === 'dhcpHost.modify') {
    return op.host.network !== undefined ? 'libvirt' : 'dnsmasq';
  }
  const prefix = op.type.slice(0, op.type.indexOf('.'));
  const driver = DRIVER_OF_PREFIX[prefix];
  if (driver === undefined) throw new Error(`no driver for op ${op.type}`);
  return driver;
}

/** The scope an op acts in. */
export function scopeOf(op: Op): string {
  const o = op as Record<string, unknown>;
  if (typeof o.scope === 'string') return o.scope;
  for (const v of Object.values(o)) {
    if (v !== null && typeof v === 'object' && typeof (v as { scope?: unknown }).scope === 'string') {
      return (v as { scope: string }).scope;
    }
  }
  throw new Error(`op ${op.type} names no scope`);
}
