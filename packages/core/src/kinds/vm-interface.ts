/** Interfaces of libvirt domains. Domains are the user's: only declared interfaces change. */
import type { State, VmInterface } from '../model/state.ts';
import type { Descriptor, StepDraft } from './descriptor.ts';
import { linkId } from './link.ts';
import { networkId } from './network.ts';
import { bare, compact, virshCmd } from './shared.ts';
import { exists, gone, macFree, ref, running, unused } from './tokens.ts';

const KIND = 'vmInterfaces';

/** Id of a VM interface: `scope/domain/mac`. */
export const vmInterfaceId = (i: Pick<VmInterface, 'scope' | 'domain' | 'mac'>): string => `${i.scope}/${i.domain}/${i.mac}`;

/** What the interface hangs on: a network, or a link (bridge or macvtap lower device). */
function sourceRef(i: VmInterface): string {
  return i.type === 'network' ? ref('networks', networkId(i.scope, i.source)) : ref('links', linkId(i.scope, i.source));
}

function isRunning(i: VmInterface, state: State): boolean {
  return state.domains[`${i.scope}/${i.domain}`]?.running === true;
}

/** The interface as attached: without the live-only target. */
function attachable(i: VmInterface): VmInterface {
  return compact({ ...bare(i), target: undefined });
}

/** The `<interface>` element of an op, for the printed command. */
function ifaceXml(i: VmInterface): string {
  const src = i.type === 'network' ? `network='${i.source}'` : i.type === 'bridge' ? `bridge='${i.source}'` : `dev='${i.source}' mode='${i.sourceMode ?? 'vepa'}'`;
  return `<interface type='${i.type}'><mac address='${i.mac}'/><source ${src}/>${i.model !== undefined ? `<model type='${i.model}'/>` : ''}${i.mtu !== undefined ? `<mtu size='${i.mtu}'/>` : ''}</interface>`;
}

/** The VM interface descriptor. */
export const vmInterfaceDescriptor: Descriptor<'vmInterfaces'> = {
  kind: KIND,
  noun: 'VM interface',
  key: vmInterfaceId,
  label: (i) => `${i.domain} ${i.mac} (${i.type} ${i.source})`,
  lifecycle: () => 'managed',
  fields: [
    { name: 'type', immutable: true },
    { name: 'source', immutable: true },
    { name: 'sourceMode', immutable: true },
    { name: 'model', immutable: true },
    { name: 'mtu', immutable: true },
  ],
  parents: (i) => [sourceRef(i), ref('domains', `${i.scope}/${i.domain}`)],
  // Deleting a network or bridge leaves the interface in its VM's definition; only the VM takes it along.
  deletedWith: (i) => [ref('domains', `${i.scope}/${i.domain}`)],
  create(i, ctx): StepDraft[] {
    const iface = attachable(i);
    const live = isRunning(i, ctx.live);
    const [kind, id] = sourceRef(i).split(/:(.*)/s) as [string, string];
    const requires = [gone(KIND, vmInterfaceId(i)), exists(kind, id), macFree(i.scope, i.mac)];
    if (i.type === 'network') requires.push(running(i.scope, i.source));
    return [
      {
        op: { type: 'vmInterface.attach', iface, live },
        inverse: { type: 'vmInterface.detach', iface, live },
        reason: `${i.domain} should have a ${i.type} interface ${i.mac} on ${i.source}`,
        requires,
        provides: [exists(KIND, vmInterfaceId(i))],
      },
    ];
  },
  delete(i, ctx): StepDraft[] {
    const iface = attachable(i);
    const live = isRunning(i, ctx.live);
    const [kind, id] = sourceRef(i).split(/:(.*)/s) as [string, string];
    return [
      {
        op: { type: 'vmInterface.detach', iface, live },
        inverse: { type: 'vmInterface.attach', iface, live },
        reason: `interface ${i.mac} of ${i.domain} is declared absent`,
        requires: [unused(KIND, vmInterfaceId(i))],
        provides: [gone(KIND, vmInterfaceId(i)), macFree(i.scope, i.mac), unused(kind, id)],
        disruptive: live,
      },
    ];
  },
  update: () => [],
  commands: {
    'vmInterface.attach': (op, s) => `${virshCmd(s)} attach-device ${op.iface.domain} /dev/stdin --config${op.live ? ' --live' : ''} <<< "${ifaceXml(op.iface)}"`,
    'vmInterface.detach': (op, s) => `${virshCmd(s)} detach-device ${op.iface.domain} /dev/stdin --config${op.live ? ' --live' : ''} <<< "${ifaceXml(op.iface)}"`,
  },
};
