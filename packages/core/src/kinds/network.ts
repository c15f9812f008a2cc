/** libvirt networks: each becomes a bridge (and a dnsmasq) when it runs. */
import type { Network } from '../model/state.ts';
import type { Descriptor, StepDraft } from './descriptor.ts';
import { linkId } from './link.ts';
import { bridgeKey } from './live-index.ts';
import { bare, subnetOf, virshCmd } from './shared.ts';
import { exists, gone, linkUp, running, subnetFree, unused } from './tokens.ts';

const KIND = 'networks';

/** Id of a network: `scope/name`. */
export const networkId = (scope: string, name: string): string => `${scope}/${name}`;

const stopped = (id: string): string => `stopped:${KIND}:${id}`;

function startStep(n: Network, reason: string): StepDraft {
  const id = networkId(n.scope, n.name);
  return {
    op: { type: 'network.start', network: bare(n) },
    inverse: { type: 'network.destroy', network: bare(n) },
    reason,
    // libvirt refuses to start a network whose subnet another interface still routes.
    requires: [exists(KIND, id), gone('links', linkId(n.scope, n.bridge)), ...(n.ips ?? []).map((ip) => subnetFree(n.scope, subnetOf(ip.cidr)))],
    provides: [running(n.scope, n.name), exists('links', linkId(n.scope, n.bridge)), linkUp(n.scope, n.bridge)],
  };
}

function destroyStep(n: Network, reason: string): StepDraft {
  const id = networkId(n.scope, n.name);
  return {
    op: { type: 'network.destroy', network: bare(n) },
    inverse: { type: 'network.start', network: bare(n) },
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
  create(n): StepDraft[] {
    const id = networkId(n.scope, n.name);
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
    if (n.active === true) steps.push(startStep(n, `network ${n.name} should run`));
    if (n.autostart === true) steps.push(autostartStep(n, true, `network ${n.name} should start at boot`));
    return steps;
  },
  delete(n): StepDraft[] {
    const id = networkId(n.scope, n.name);
    const why = n.owned ? `network ${n.name} is owned by wirestate and no longer desired` : `network ${n.name} is declared absent`;
    const steps: StepDraft[] = [];
    // No `exists` requirement here: in a replace the create half provides it, later.
    if (n.autostart === true) steps.push({ ...autostartStep(n, false, `${why}: stop autostart`), requires: [] });
    if (n.active === true) steps.push(destroyStep(n, `${why}: stop it`));
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
  update(desired, live, changes) {
    const steps: StepDraft[] = [];
    for (const c of changes) {
      if (c.field === 'active') {
        steps.push(c.to === true ? startStep(desired, 'network should run') : destroyStep(live, 'network should not run'));
      } else if (c.field === 'autostart') {
        steps.push(autostartStep(desired, c.to === true, `autostart differs (${String(c.from)} → ${String(c.to)})`));
      }
    }
    return steps;
  },
  commands: {
    'network.define': (op, s) => `${virshCmd(s)} net-define ${op.network.name}.xml`,
    'network.undefine': (op, s) => `${virshCmd(s)} net-undefine ${op.network.name}`,
    'network.start': (op, s) => `${virshCmd(s)} net-start ${op.network.name}`,
    'network.destroy': (op, s) => `${virshCmd(s)} net-destroy ${op.network.name}`,
    'network.autostart': (op, s) => `${virshCmd(s)} net-autostart ${op.network.name}${op.autostart ? '' : ' --disable'}`,
  },
};
