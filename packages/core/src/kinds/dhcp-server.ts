/** Standalone dnsmasq instances serving DHCP on a bridge through `shared-network`. */
import type { DhcpServer } from '../model/state.ts';
import type { Descriptor, StepDraft } from './descriptor.ts';
import { linkId } from './link.ts';
import { bare, compact, nsExec } from './shared.ts';
import { addressed, exists, gone, linkUp, ref, unused } from './tokens.ts';

const KIND = 'dhcpServers';

/** Id of a DHCP server: `scope/name`. */
export const dhcpServerId = (scope: string, name: string): string => `${scope}/${name}`;

/** The server as it is started: without live-only fields. */
function startable(s: DhcpServer): DhcpServer {
  return compact({ ...bare(s), pid: undefined });
}

/** The DHCP server descriptor. */
export const dhcpServerDescriptor: Descriptor<'dhcpServers'> = {
  kind: KIND,
  noun: 'DHCP server',
  key: (s) => dhcpServerId(s.scope, s.name),
  label: (s) => `dnsmasq ${s.name} on ${s.interface}`,
  lifecycle: () => 'managed',
  fields: [
    { name: 'interface', immutable: true },
    { name: 'subnet', immutable: true },
    { name: 'options', immutable: true },
  ],
  parents: (s) => [ref('links', linkId(s.scope, s.interface))],
  create(s): StepDraft[] {
    const server = startable(s);
    const id = dhcpServerId(s.scope, s.name);
    return [
      {
        op: { type: 'dhcpServer.start', server },
        inverse: { type: 'dhcpServer.stop', server },
        reason: `dnsmasq ${s.name} is desired on ${s.interface}`,
        requires: [gone(KIND, id), exists('links', linkId(s.scope, s.interface)), addressed(s.scope, s.interface), linkUp(s.scope, s.interface)],
        provides: [exists(KIND, id)],
      },
    ];
  },
  delete(s): StepDraft[] {
    const server = startable(s);
    const id = dhcpServerId(s.scope, s.name);
    return [
      {
        op: { type: 'dhcpServer.stop', server },
        inverse: { type: 'dhcpServer.start', server },
        reason: s.owned ? `dnsmasq ${s.name} is owned by wirestate and no longer desired` : `dnsmasq ${s.name} is declared absent`,
        requires: [unused(KIND, id)],
        provides: [gone(KIND, id), unused('links', linkId(s.scope, s.interface))],
        disruptive: true,
      },
    ];
  },
  update: () => [],
  commands: {
    'dhcpServer.start': (op, sc) => `${nsExec(sc)}dnsmasq --conf-file=<state>/dnsmasq/${op.server.scope}/${op.server.name}/dnsmasq.conf`,
    'dhcpServer.stop': (op) => `kill $(cat <state>/dnsmasq/${op.server.scope}/${op.server.name}/dnsmasq.pid)`,
  },
};
