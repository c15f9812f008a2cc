/** The descriptors of every kind, and lookups shared code uses instead of switching on kind. */
import type { Op, OpType } from '../model/ops.ts';
import type { Scope } from '../model/scope.ts';
import type { ResourceKind } from '../model/state.ts';
import { addressDescriptor } from './address.ts';
import { cniAttachmentDescriptor } from './cni-attachment.ts';
import type { CommandRenderer } from './commands.ts';
import type { AnyDescriptor, Descriptor } from './descriptor.ts';
import { dhcpHostDescriptor } from './dhcp-host.ts';
import { dhcpServerDescriptor } from './dhcp-server.ts';
import { linkDescriptor } from './link.ts';
import { networkDescriptor } from './network.ts';
import { domainDescriptor, resolverDescriptor } from './readonly.ts';
import { routeDescriptor } from './route.ts';
import { vmInterfaceDescriptor } from './vm-interface.ts';

const DESCRIPTORS: { readonly [K in ResourceKind]: Descriptor<K> } = {
  links: linkDescriptor,
  addresses: addressDescriptor,
  routes: routeDescriptor,
  networks: networkDescriptor,
  dhcpServers: dhcpServerDescriptor,
  dhcpHosts: dhcpHostDescriptor,
  domains: domainDescriptor,
  vmInterfaces: vmInterfaceDescriptor,
  cniAttachments: cniAttachmentDescriptor,
  resolvers: resolverDescriptor,
};

/** The descriptor of a kind. */
export function descriptorOf<K extends ResourceKind>(kind: K): Descriptor<K> {
  return DESCRIPTORS[kind] as Descriptor<K>;
}

/** Every descriptor. */
export function allDescriptors(): readonly AnyDescriptor[] {
  return Object.values(DESCRIPTORS) as AnyDescriptor[];
}

const COMMANDS = Object.assign({}, ...allDescriptors().map((d) => d.commands)) as {
  readonly [T in OpType]?: CommandRenderer<T>;
};

/** The equivalent command of an op, e.g. `ip -n pod1 link set eth42 master br-eth42`. */
export function commandOf(op: Op, scope?: Scope): string {
  const render = COMMANDS[op.type] as CommandRenderer<OpType> | undefined;
  if (render === undefined) throw new Error(`no command renderer for ${op.type}`);
  return render(op as never, scope);
}

/** The id a resource of `kind` has in a `State`. */
export function resourceKey<K extends ResourceKind>(kind: K, r: Descriptor<K> extends Descriptor<K> ? Parameters<Descriptor<K>['key']>[0] : never): string {
  return descriptorOf(kind).key(r);
}
