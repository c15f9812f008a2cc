/** Pod NICs made by a CNI plugin (ADD), removed by DEL with the recorded ADD result. */
import type { Descriptor, StepDraft } from './descriptor.ts';
import { linkId } from './link.ts';
import { bare } from './shared.ts';
import { exists, gone, unused } from './tokens.ts';

const KIND = 'cniAttachments';

/** Id of a CNI attachment: `scope/ifname`. */
export const cniAttachmentId = (scope: string, ifname: string): string => `${scope}/${ifname}`;

/** The CNI attachment descriptor. */
export const cniAttachmentDescriptor: Descriptor<'cniAttachments'> = {
  kind: KIND,
  noun: 'pod NIC (CNI)',
  key: (a) => cniAttachmentId(a.scope, a.ifname),
  label: (a) => `${a.ifname} from ${a.config}`,
  lifecycle: () => 'managed',
  fields: [
    { name: 'containerId', immutable: true },
    { name: 'config', immutable: true },
  ],
  parents: () => [],
  create(a): StepDraft[] {
    const attachment = { ...bare(a), result: undefined };
    const id = cniAttachmentId(a.scope, a.ifname);
    return [
      {
        op: { type: 'cni.add', attachment },
        inverse: { type: 'cni.del', attachment },
        reason: `pod NIC ${a.ifname} is desired from ${a.config}`,
        requires: [gone(KIND, id), gone('links', linkId(a.scope, a.ifname))],
        provides: [exists(KIND, id), exists('links', linkId(a.scope, a.ifname))],
      },
    ];
  },
  delete(a): StepDraft[] {
    const attachment = bare(a);
    const id = cniAttachmentId(a.scope, a.ifname);
    return [
      {
        op: { type: 'cni.del', attachment },
        inverse: { type: 'cni.add', attachment },
        reason: a.owned ? `pod NIC ${a.ifname} was added by wirestate and is no longer desired` : `pod NIC ${a.ifname} is declared absent`,
        requires: [unused(KIND, id), unused('links', linkId(a.scope, a.ifname))],
        provides: [gone(KIND, id), gone('links', linkId(a.scope, a.ifname))],
        disruptive: true,
      },
    ];
  },
  update: () => [],
  commands: {
    'cni.add': (op, s) => `CNI_COMMAND=ADD CNI_CONTAINERID=${op.attachment.containerId} CNI_IFNAME=${op.attachment.ifname} CNI_NETNS=${s?.netns ?? '?'} <plugin> < ${op.attachment.config}`,
    'cni.del': (op, s) => `CNI_COMMAND=DEL CNI_CONTAINERID=${op.attachment.containerId} CNI_IFNAME=${op.attachment.ifname} CNI_NETNS=${s?.netns ?? '?'} <plugin> < ${op.attachment.config}`,
  },
};
