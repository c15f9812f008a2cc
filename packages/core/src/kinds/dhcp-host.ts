/** DHCP reservations MAC → IP, served by a libvirt network or a standalone dnsmasq. */
import type { DhcpHost, State } from '../model/state.ts';
import type { Descriptor, PlanContext, StepDraft } from './descriptor.ts';
import { bare, virshCmd } from './shared.ts';
import { exists, gone, ipFree, ref, running, unused } from './tokens.ts';

const KIND = 'dhcpHosts';

/** What serves a host: `networks:scope/name` or `dhcpServers:scope/name`. */
function servedBy(h: Pick<DhcpHost, 'scope' | 'network' | 'server'>): string {
  return h.network !== undefined ? ref('networks', `${h.scope}/${h.network}`) : ref('dhcpServers', `${h.scope}/${h.server ?? ''}`);
}

/** Id of a DHCP host: `scope/network-or-server/mac`. */
export const dhcpHostId = (h: Pick<DhcpHost, 'scope' | 'network' | 'server' | 'mac'>): string =>
  `${h.scope}/${h.network ?? h.server ?? ''}/${h.mac}`;

/** Whether a libvirt network runs in `state` (standalone servers always take changes live). */
function isLive(h: DhcpHost, state: State): boolean {
  return h.network === undefined || state.networks[`${h.scope}/${h.network}`]?.active === true;
}

/** Whether the network runs once the plan is done: desired when managed, else as it is. */
function liveIn(h: DhcpHost, ctx: PlanContext): boolean {
  if (h.network === undefined) return true;
  const id = `${h.scope}/${h.network}`;
  return (ctx.desired.networks[id]?.active ?? ctx.live.networks[id]?.active) === true;
}

function hostXml(h: DhcpHost): string {
  return `<host mac='${h.mac}' ip='${h.ip}'${h.hostname !== undefined ? ` name='${h.hostname}'` : ''}/>`;
}

function parentTokens(h: DhcpHost, live: boolean): string[] {
  const [kind, id] = servedBy(h).split(/:(.*)/s) as [string, string];
  const out = [exists(kind, id)];
  if (live && h.network !== undefined) out.push(running(h.scope, h.network));
  return out;
}

/** The DHCP host descriptor. */
export const dhcpHostDescriptor: Descriptor<'dhcpHosts'> = {
  kind: KIND,
  noun: 'DHCP host',
  key: dhcpHostId,
  label: (h) => `${h.mac} → ${h.ip} on ${h.network ?? h.server ?? '?'}`,
  lifecycle: () => 'managed',
  fields: [{ name: 'ip' }, { name: 'hostname' }],
  parents: (h) => [servedBy(h)],
  create(h, ctx): StepDraft[] {
    const host = bare(h);
    const live = liveIn(h, ctx);
    return [
      {
        op: { type: 'dhcpHost.add', host, live },
        inverse: { type: 'dhcpHost.delete', host, live },
        reason: `reservation ${h.mac} → ${h.ip} is desired`,
        requires: [gone(KIND, dhcpHostId(h)), ipFree(h.scope, h.ip), ...parentTokens(h, live)],
        provides: [exists(KIND, dhcpHostId(h))],
      },
    ];
  },
  delete(h, ctx): StepDraft[] {
    const host = bare(h);
    const live = isLive(h, ctx.live);
    const [kind, id] = servedBy(h).split(/:(.*)/s) as [string, string];
    return [
      {
        op: { type: 'dhcpHost.delete', host, live },
        inverse: { type: 'dhcpHost.add', host, live },
        reason: h.owned ? `reservation ${h.mac} is owned by wirestate and no longer desired` : `reservation ${h.mac} is declared absent`,
        requires: [unused(KIND, dhcpHostId(h))],
        provides: [gone(KIND, dhcpHostId(h)), unused(kind, id)],
      },
    ];
  },
  update(desired, live, changes, ctx): StepDraft[] {
    const to = { ...bare(live), ...bare(desired) };
    const from = bare(live);
    const isLiveNow = liveIn(desired, ctx);
    return [
      {
        op: { type: 'dhcpHost.modify', from, host: to, live: isLiveNow },
        inverse: { type: 'dhcpHost.modify', from: to, host: from, live: isLiveNow },
        reason: changes.map((c) => `${c.field} differs (${String(c.from ?? 'none')} → ${String(c.to)})`).join(', '),
        requires: [ipFree(desired.scope, to.ip), ...parentTokens(desired, isLiveNow)],
      },
    ];
  },
  commands: {
    'dhcpHost.add': (op, s) =>
      op.host.network !== undefined
        ? `${virshCmd(s)} net-update ${op.host.network} add ip-dhcp-host "${hostXml(op.host)}"${op.live ? ' --live' : ''} --config`
        : `echo '${op.host.mac},${op.host.ip}' >> hosts of dnsmasq ${op.host.server ?? '?'} && kill -HUP <dnsmasq>`,
    'dhcpHost.delete': (op, s) =>
      op.host.network !== undefined
        ? `${virshCmd(s)} net-update ${op.host.network} delete ip-dhcp-host "${hostXml(op.host)}"${op.live ? ' --live' : ''} --config`
        : `sed -i '/^${op.host.mac},/d' hosts of dnsmasq ${op.host.server ?? '?'} && kill -HUP <dnsmasq>`,
    'dhcpHost.modify': (op, s) =>
      op.host.network !== undefined
        ? `${virshCmd(s)} net-update ${op.host.network} modify ip-dhcp-host "${hostXml(op.host)}"${op.live ? ' --live' : ''} --config`
        : `sed -i 's/^${op.from.mac},.*/${op.host.mac},${op.host.ip}/' hosts of dnsmasq ${op.host.server ?? '?'} && kill -HUP <dnsmasq>`,
  },
};
