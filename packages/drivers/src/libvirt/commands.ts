/**
 * Each libvirt op as the virsh commands that perform it, plus the files they read and the
 * words that describe it in errors. Pure, apart from the XML text it puts in `files`.
 */
import type { DhcpHost, DhcpOptions, Op } from '@wirestate/core';
import { interfaceXml, validateInterface } from './domain-xml.ts';
import { hostXml, networkXml, validateHost, validateNetwork } from './network-xml.ts';
import type { VirshCommand } from './virsh.ts';

/** The virsh commands of one op; `{file:N}` words are replaced by the path of `files[N]`. */
export interface OpCommands {
  /** Lowercase context for errors: `defining network pod-eth42 in scope pod`. */
  readonly context: string;
  /** Commands run in order; the op succeeds when all do. */
  readonly commands: readonly VirshCommand[];
  /** XML documents the commands read, by index. */
  readonly files: readonly string[];
  /** Network names whose ownership must be proven live before this op runs. */
  readonly requireOwned?: string;
}

/** Placeholder for the path of the op's `n`-th file in a command word. */
export const fileWord = (n: number): string => `{file:${n}}`;

/** Names the lease time of a network, needed to build its host entries. */
export type LeaseLookup = (scope: string, network: string) => DhcpOptions['leaseTime'];

function updateCommand(verb: 'add' | 'delete' | 'modify', h: DhcpHost, live: boolean, lease: DhcpOptions['leaseTime']): VirshCommand {
  return ['net-update', h.network ?? '', verb, 'ip-dhcp-host', hostXml(h, lease), '--config', ...(live ? ['--live'] : [])];
}

/**
 * The commands of a libvirt op, after checking every string it carries.
 *
 * Equivalent to: `virsh net-define F`, `net-undefine N`, `net-start N`, `net-destroy N`,
 * `net-autostart N [--disable]`, `net-update N add|delete|modify ip-dhcp-host "<host …/>" --config [--live]`,
 * `attach-device|detach-device DOMAIN F --config [--live]`.
 */
export function commandsOf(op: Op, leaseOf: LeaseLookup): OpCommands {
  switch (op.type) {
    case 'network.define': {
      const context = `defining network ${op.network.name} in scope ${op.network.scope}`;
      validateNetwork(op.network, context);
      return { context, commands: [['net-define', fileWord(0)]], files: [networkXml(op.network)] };
    }
    case 'network.undefine': {
      const context = `undefining network ${op.network.name} in scope ${op.network.scope}`;
      validateNetwork(op.network, context);
      return { context, commands: [['net-undefine', op.network.name]], files: [], requireOwned: op.network.name };
    }
    case 'network.start': {
      const context = `starting network ${op.network.name} in scope ${op.network.scope}`;
      validateNetwork(op.network, context);
      return { context, commands: [['net-start', op.network.name]], files: [] };
    }
    case 'network.destroy': {
      const context = `destroying network ${op.network.name} in scope ${op.network.scope}`;
      validateNetwork(op.network, context);
      return { context, commands: [['net-destroy', op.network.name]], files: [], requireOwned: op.network.name };
    }
    case 'network.autostart': {
      const context = `${op.autostart ? 'enabling' : 'disabling'} autostart of network ${op.network.name} in scope ${op.network.scope}`;
      validateNetwork(op.network, context);
      return { context, commands: [['net-autostart', op.network.name, ...(op.autostart ? [] : ['--disable'])]], files: [] };
    }
    case 'dhcpHost.add':
    case 'dhcpHost.delete': {
      const verb = op.type === 'dhcpHost.add' ? 'add' : 'delete';
      const h = op.host;
      const context = `${verb === 'add' ? 'adding' : 'deleting'} dhcp host ${h.mac} → ${h.ip} ${verb === 'add' ? 'to' : 'from'} network ${h.network ?? '?'} in scope ${h.scope}`;
      validateHost(h, context);
      return { context, commands: [updateCommand(verb, h, op.live, leaseOf(h.scope, h.network ?? ''))], files: [] };
    }
    case 'dhcpHost.modify': {
      const h = op.host;
      const context = `changing dhcp host ${op.from.mac} → ${h.ip} in network ${h.network ?? '?'} in scope ${h.scope}`;
      validateHost(op.from, context, ['from']);
      validateHost(h, context);
      const lease = leaseOf(h.scope, h.network ?? '');
      // libvirt finds the entry to modify by MAC; a new MAC is a delete and an add.
      const commands =
        op.from.mac.toLowerCase() === h.mac.toLowerCase() && op.from.network === h.network
          ? [updateCommand('modify', h, op.live, lease)]
          : [updateCommand('delete', op.from, op.live, lease), updateCommand('add', h, op.live, lease)];
      return { context, commands, files: [] };
    }
    case 'vmInterface.attach':
    case 'vmInterface.detach': {
      const i = op.iface;
      const attach = op.type === 'vmInterface.attach';
      const context = `${attach ? 'attaching' : 'detaching'} interface ${i.mac} ${attach ? 'to' : 'from'} domain ${i.domain} in scope ${i.scope}`;
      validateInterface(i, context);
      return {
        context,
        commands: [[attach ? 'attach-device' : 'detach-device', i.domain, fileWord(0), '--config', ...(op.live ? ['--live'] : [])]],
        files: [interfaceXml(i)],
      };
    }
    default:
      throw new Error(`op ${op.type} is not a libvirt op`);
  }
}
