/**
 * The topology users write (YAML or this typed API). Low-level resources are the model's
 * resource types with `scope` optional (it defaults to the only scope); bindings are the
 * high-level intent "VM NIC takes over pod NIC".
 */
import type {
  Address,
  CniAttachment,
  DhcpHost,
  DhcpServer,
  Link,
  Network,
  Presence,
  Route,
  VmInterface,
  MacvlanMode,
} from '../model/state.ts';

/** A resource as written in a topology: the scope may be left out when there is one scope. */
export type Spec<R extends { scope: string }> = Omit<R, 'scope' | 'owned'> & { readonly scope?: string };

/** How a binding wires the VM NIC to the pod NIC. */
export type BindingMode = 'libvirt-network' | 'bridge' | 'macvtap';

/** The modes, in documentation order. */
export const BINDING_MODES: readonly BindingMode[] = ['libvirt-network', 'bridge', 'macvtap'];

/** "VM `vm` NIC takes over pod NIC `podNic`": the pod NIC's MAC and IP move to the VM. */
export interface Binding {
  /** Domain name of the VM; must be listed in `vms`. */
  readonly vm: string;
  /** Name of the pod NIC (made by CNI) inside the scope's netns. */
  readonly podNic: string;
  /** Wiring mode; see docs/topology.md. */
  readonly mode: BindingMode;
  /** Scope of the pod; absent: the only scope. */
  readonly scope?: string;
  /** `absent` undoes the binding and restores the pod NIC; absent field: `present`. */
  readonly state?: Presence;
  /** VM NIC model; absent: `virtio`. */
  readonly model?: string;
  /** Bridge name (`libvirt-network`, `bridge`); absent: `br-<podNic>` cut to 15 bytes. */
  readonly bridge?: string;
  /** libvirt network name (`libvirt-network`); absent: `pod-<podNic>`. */
  readonly network?: string;
  /**
   * `libvirt-network` only: an address of the pod subnet, with prefix, for the bridge;
   * absent (recommended): the bridge gets a link-local /32 and libvirt's dnsmasq serves
   * the pod subnet through `shared-network`, so no pod-subnet address is taken.
   */
  readonly bridgeAddress?: string;
  /** Router handed to the VM; absent: the gateway recorded for the pod NIC. */
  readonly gateway?: string;
  /** DNS handed to the VM; absent: the pod's resolv.conf. */
  readonly dns?: { readonly servers?: readonly string[]; readonly search?: readonly string[] };
  /** macvtap mode (`macvtap`); absent: `bridge`. */
  readonly macvtapMode?: MacvlanMode;
}

/** A scope as written in a topology (its name is the map key). */
export interface ScopeSpec {
  /** Network namespace: name, absolute path, or `pid:N`; absent: wirestate's own. */
  readonly netns?: string;
  /** libvirt URI; absent: `qemu:///system`. */
  readonly libvirt?: string;
  /** resolv.conf to read the pod's DNS from; absent: /etc/resolv.conf. */
  readonly resolvConf?: string;
}

/** A VM the topology refers to; wirestate never creates or deletes domains. */
export interface VmSpec {
  /** Domain name. */
  readonly name: string;
  /** Scope whose libvirt runs it; absent: the only scope. */
  readonly scope?: string;
}

/** A whole topology file. */
export interface Topology {
  /** Format version: `wirestate/v1`. */
  readonly apiVersion: 'wirestate/v1';
  /** Scopes by name; at least one. */
  readonly scopes: Readonly<Record<string, ScopeSpec>>;
  /** VMs bindings and VM interfaces may name. */
  readonly vms?: readonly VmSpec[];
  /** High-level bindings. */
  readonly bindings?: readonly Binding[];
  /** Low-level links. */
  readonly links?: readonly Spec<Link>[];
  /** Low-level addresses. */
  readonly addresses?: readonly Spec<Address>[];
  /** Low-level routes (main table). */
  readonly routes?: readonly Spec<Route>[];
  /** libvirt networks. */
  readonly networks?: readonly Spec<Network>[];
  /** Standalone dnsmasq instances. */
  readonly dhcpServers?: readonly Omit<Spec<DhcpServer>, 'pid'>[];
  /** DHCP reservations. */
  readonly dhcpHosts?: readonly Spec<DhcpHost>[];
  /** VM interfaces. */
  readonly vmInterfaces?: readonly Omit<Spec<VmInterface>, 'target'>[];
  /** Pod NICs made by a CNI plugin. */
  readonly podNics?: readonly Omit<Spec<CniAttachment>, 'result'>[];
}
