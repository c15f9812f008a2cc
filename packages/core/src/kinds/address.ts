/** IP addresses on links. Identity is the whole address: any change is a delete and an add. */
import type { Address } from '../model/state.ts';
import type { Descriptor, StepDraft } from './descriptor.ts';
import { linkId } from './link.ts';
import { bare, ipCmd, ipOf, subnetOf } from './shared.ts';
import { addressed, exists, gone, ipFree, ref, subnetFree, unrouted, unused } from './tokens.ts';

const KIND = 'addresses';

/** Id of an address: `scope/dev/cidr`. */
export const addressId = (a: Pick<Address, 'scope' | 'dev' | 'cidr'>): string => `${a.scope}/${a.dev}/${a.cidr}`;

/** The address descriptor. */
export const addressDescriptor: Descriptor<'addresses'> = {
  kind: KIND,
  noun: 'address',
  key: addressId,
  label: (a) => `${a.cidr} on ${a.dev}`,
  lifecycle: () => 'managed',
  fields: [],
  parents: (a) => [ref('links', linkId(a.scope, a.dev))],
  create(a): StepDraft[] {
    const address = bare(a);
    const id = addressId(a);
    return [
      {
        op: { type: 'address.add', address },
        inverse: { type: 'address.delete', address },
        reason: `${a.cidr} is desired on ${a.dev}`,
        requires: [gone(KIND, id), exists('links', linkId(a.scope, a.dev)), ipFree(a.scope, ipOf(a.cidr))],
        provides: [exists(KIND, id), addressed(a.scope, a.dev)],
      },
    ];
  },
  delete(a): StepDraft[] {
    const address = bare(a);
    const id = addressId(a);
    return [
      {
        op: { type: 'address.delete', address },
        inverse: { type: 'address.add', address },
        reason: a.owned ? `${a.cidr} is owned by wirestate and no longer desired` : `${a.cidr} on ${a.dev} is declared absent`,
        requires: [unused(KIND, id), unrouted(a.scope, a.dev)],
        provides: [gone(KIND, id), ipFree(a.scope, ipOf(a.cidr)), subnetFree(a.scope, subnetOf(a.cidr)), unused('links', linkId(a.scope, a.dev))],
      },
    ];
  },
  update: () => [],
  commands: {
    'address.add': (op, s) => `${ipCmd(s)} address add ${op.address.cidr} dev ${op.address.dev}`,
    'address.delete': (op, s) => `${ipCmd(s)} address delete ${op.address.cidr} dev ${op.address.dev}`,
  },
};
