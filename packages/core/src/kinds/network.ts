/** libvirt networks: each becomes a bridge (and a dnsmasq) when it runs. */
import type { Network } from '../model/state.ts';
import type { Descriptor, PlanContext, StepDraft } from './descriptor.ts';
import { linkId, undeclaredPorts, withPorts } from './link.ts';
import { bridgeKey } from './live-index.ts';
import { bare, ipCmd, subnetOf, virshCmd } from './shared.ts';
import { exists, gone, linkUp, ref, running, subnetFree, unused } from './tokens.ts';

const KIND = 'networks';

/** Id of a network: `scope/name`. */
export const networkId = (scope: string, name: string): string => `${scope}/${name}`;

const stopped = (id: string): string => `stopped:${KIND}:${id}`;

/**
 * Links enslaved to a running network's bridge that no declaration moves (a running VM's
 * tap when its interface is not declared): libvirt's bridge goes when the network stops and
 * the kernel releases them, so the step that stops it and the one that starts it again carry
 * them, and a start puts back those that still exist.
 */
function portsOf(n: Network, ctx: PlanContext): string[] {
  const bridge = ctx.live.links[linkId(n.scope, n.bridge)];
  return n.active === true && bridge !== undefined ? undeclaredPorts(bridge, ctx) : [];
}

function startStep(n: Network, reason: string, ports: readonly string[] = []): StepDraft {
  const id = networkId(n.scope, n.name);
  return {
    op: withPorts({ type: 'network.start', network: bare(n) }, ports),
    inverse: withPorts({ type: 'network.destroy', network: bare(n) }, ports),
    reason,
    // libvirt refuses to start a network whose subnet another interface still routes.
    requires: [
      exists(KIND, id),
      gone('links', linkId(n.scope, n.bridge)),
      ...(n.ips ?? []).map((ip) => subnetFree(n.scope, subnetOf(ip.cidr))),
      ...ports.map((p) => exists('links', linkId(n.scope, p))),
    ],
    provides: [running(n.scope, n.name), exists('links', linkId(n.scope, n.bridge)), linkUp(n.scope, n.bridge)],
  };
}

function destroyStep(n: Network, reason: string, ports: readonly string[]): StepDraft {
  const id = networkId(n.scope, n.name);
  return {
    op: withPorts({ type: 'network.destroy', network: bare(n) }, ports),
    inverse: withPorts({ type: 'network.start', network: bare(n) }, ports),
    reason,
    requires: [unused(KIND, id), unused('links', linkId(n.scope, n.bridge))],
    provides: [stopped(id), gone('links', linkId(n.scope, n.bridge))],
    disruptive: true,
  };
}

function autostartStep(n: Network, to: boolean, reason: string): StepDraft {
  return {
    op: { type: 'network.autostart', network: bare(n), autostart: to },
    inverse: { type: 'network.autostart', network: bare(n), autostart: !to },
    reason,
    requires: [exists(KIND, networkId(n.scope, n.name))],
  };
}

/** The network descriptor. */
export const networkDescriptor: Descriptor<'networks'> = {
  kind: KIND,
  noun: 'libvirt network',
  key: (n) => networkId(n.scope, n.name),
  label: (n) => `${n.name} (bridge ${n.bridge})`,
  lifecycle: () => 'managed',
  fields: [
    { name: 'bridge', immutable: true },
    { name: 'forward', immutable: true },
    { name: 'mac', immutable: true },
    { name: 'mtu', immutable: true },
    { name: 'ips', immutable: true },
    { name: 'sharedSubnet', immutable: true },
    { name: 'dhcpOptions', immutable: true },
    { name: 'active' },
    { name: 'autostart' },
  ],
  parents: () => [],
  lookupKeys: (n) => [bridgeKey(n.scope, n.bridge)],
  create(n, ctx): StepDraft[] {
    const id = networkId(n.scope, n.name);
    // A replaced network takes the ports of the one it replaces onto its bridge.
    const replaced = ctx.removed.has(ref(KIND, id)) ? ctx.live.networks[id] : undefined;
    const defined = { ...bare(n), active: undefined, autostart: undefined };
    const steps: StepDraft[] = [
      {
        op: { type: 'network.define', network: defined },
        inverse: { type: 'network.undefine', network: defined },
        reason: `network ${n.name} is desired and not defined`,
        requires: [gone(KIND, id)],
        provides: [exists(KIND, id)],
      },
    ];
    if (n.active === true) steps.push(startStep(n, `network ${n.name} should run`, replaced === undefined ? [] : portsOf(replaced, ctx)));
    if (n.autostart === true) steps.push(autostartStep(n, true, `network ${n.name} should start at boot`));
    return steps;
  },
  delete(n, ctx): StepDraft[] {
    const id = networkId(n.scope, n.name);
    const why = n.owned ? `network ${n.name} is owned by wirestate and no longer desired` : `network ${n.name} is declared absent`;
    const steps: StepDraft[] = [];
    // No `exists` requirement here: in a replace the create half provides it, later.
    if (n.autostart === true) steps.push({ ...autostartStep(n, false, `${why}: stop autostart`), requires: [] });
    if (n.active === true) steps.push(destroyStep(n, `${why}: stop it`, portsOf(n, ctx)));
    const defined = { ...bare(n), active: undefined, autostart: undefined };
    steps.push({
      op: { type: 'network.undefine', network: defined },
      inverse: { type: 'network.define', network: defined },
      reason: why,
      requires: [unused(KIND, id), stopped(id)],
      provides: [gone(KIND, id)],
      disruptive: true,
    });
    return steps;
  },
  update(desired, live, changes, ctx) {
    const steps: StepDraft[] = [];
    for (const c of changes) {
      if (c.field === 'active') {
        steps.push(c.to === true ? startStep(desired, 'network should run') : destroyStep(live, 'network should not run', portsOf(live, ctx)));
      } else if (c.field === 'autostart') {
        steps.push(autostartStep(desired, c.to === true, `autostart differs (${String(c.from)} → ${String(c.to)})`));
      }
    }
    return steps;
  },
  commands: {
    'network.define': (op, s) => `${virshCmd(s)} net-define ${op.network.name}.xml`,
    'network.undefine': (op, s) => `${virshCmd(s)} net-undefine ${op.network.name}`,
    'network.start': (op, s) => `${virshCmd(s)} net-start ${op.network.name}${(op.ports ?? []).map((p) => ` && ${ipCmd(s)} link set ${p} master ${op.network.bridge}`).join('')}`,
    'network.destroy': (op, s) => `${virshCmd(s)} net-destroy ${op.network.name}`,
    'network.autostart': (op, s) => `${virshCmd(s)} net-autostart ${op.network.name}${op.autostart ? '' : ' --disable'}`,
  },
};
