/** Links: bridges, veth pairs, taps, macvtaps made by wirestate, and external devices it adjusts. */
import type { LinkAttrs } from '../model/ops.ts';
import { WIRESTATE_ALIAS, type Link } from '../model/state.ts';
import type { Descriptor, FieldChange, PlanContext, StepDraft } from './descriptor.ts';
import { bridgeKey, type LiveIndex } from './live-index.ts';
import { bare, compact, ipCmd } from './shared.ts';
import { exists, gone, linkUp, macFree, ref, unused } from './tokens.ts';

const KIND = 'links';
// Most links hang on no bridge: one shared empty list instead of one per link.
const NO_KEYS: readonly string[] = [];

/** Id of a link: `scope/name`. */
export const linkId = (scope: string, name: string): string => `${scope}/${name}`;

function peerIdOf(l: Link): string | undefined {
  return l.kind === 'veth' && l.peer !== undefined ? linkId(l.peerScope ?? l.scope, l.peer) : undefined;
}

function fmt(v: unknown): string {
  return v === undefined || v === null ? 'none' : String(v);
}

/** The `ip link add` clause of a link's kind. */
function typeClause(l: Link): string {
  switch (l.kind) {
    case 'veth':
      return `type veth peer name ${l.peer ?? '?'}${l.peerScope !== undefined ? ` netns ${l.peerScope}` : ''}`;
    case 'macvtap':
    case 'macvlan':
      return `link ${l.parent ?? '?'} type ${l.kind}${l.mode !== undefined ? ` mode ${l.mode}` : ''}`;
    default:
      return `type ${l.kind}`;
  }
}

function attrClause(a: LinkAttrs): string {
  const parts: string[] = [];
  if (a.mac !== undefined) parts.push(`address ${a.mac}`);
  if (a.mtu !== undefined) parts.push(`mtu ${a.mtu}`);
  if (a.master !== undefined) parts.push(a.master === null ? 'nomaster' : `master ${a.master}`);
  if (a.alias !== undefined) parts.push(a.alias === null ? 'alias ""' : `alias ${a.alias}`);
  if (a.up !== undefined) parts.push(a.up ? 'up' : 'down');
  return parts.join(' ');
}

/** Attributes of a link that `ip link set` can restore. */
function settable(l: Link): LinkAttrs {
  return compact({ mac: l.mac, mtu: l.mtu, up: l.up, master: l.master });
}

function setStep(l: Link, field: keyof LinkAttrs, to: unknown, from: unknown, extra: Partial<StepDraft> = {}): StepDraft {
  return {
    op: { type: 'link.set', scope: l.scope, name: l.name, attrs: { [field]: to ?? null } },
    inverse: { type: 'link.set', scope: l.scope, name: l.name, attrs: { [field]: from ?? null } },
    reason: `${field} differs (${fmt(from)} → ${fmt(to)})`,
    ...extra,
  };
}

/** Tokens a link's set of one field needs and gives. */
function fieldTokens(l: Link, c: FieldChange): Pick<StepDraft, 'requires' | 'provides'> {
  const requires: string[] = [exists(KIND, linkId(l.scope, l.name))];
  const provides: string[] = [];
  if (c.field === 'mac') {
    // The kernel allows two links one MAC for a moment (a swap), so links only free MACs;
    // VM interfaces are what must wait for them.
    if (typeof c.from === 'string') provides.push(macFree(l.scope, c.from));
  } else if (c.field === 'master') {
    if (typeof c.to === 'string') requires.push(exists(KIND, linkId(l.scope, c.to)));
    if (typeof c.from === 'string') provides.push(unused(KIND, linkId(l.scope, c.from)));
  } else if (c.field === 'up' && c.to === true) {
    provides.push(linkUp(l.scope, l.name));
  }
  return { requires, provides };
}

/**
 * Ports of a bridge that no declaration moves: the kernel releases them when the bridge
 * goes, so delete and create ops carry them to keep rollback and replace exact.
 */
export function undeclaredPorts(bridge: Link, ctx: PlanContext): string[] {
  if (bridge.kind !== 'bridge') return [];
  return ctx.index
    .find(KIND, bridgeKey(bridge.scope, bridge.name))
    .map((f) => f.r as Link)
    .filter((p) => ctx.desired.links[linkId(p.scope, p.name)]?.master === undefined && !ctx.removed.has(ref(KIND, linkId(p.scope, p.name))))
    .map((p) => p.name)
    .sort();
}

/** `op` with its `ports` when there are any. */
export function withPorts<T extends object>(op: T, ports: readonly string[]): T {
  return ports.length === 0 ? op : { ...op, ports };
}

function createSteps(l: Link, ctx: PlanContext): StepDraft[] {
  const id = linkId(l.scope, l.name);
  const peerId = peerIdOf(l);
  const desiredPeer = peerId === undefined ? undefined : ctx.desired.links[peerId];
  // A veth pair is one kernel object: the side with the smaller id creates both.
  if (desiredPeer !== undefined && ctx.live.links[peerId!] === undefined && peerId! < id) return [];
  const link = bare(l);
  const peerLink = desiredPeer === undefined ? undefined : bare(desiredPeer);
  const requires = [gone(KIND, id)];
  const provides = [exists(KIND, id)];
  if (l.master) requires.push(exists(KIND, linkId(l.scope, l.master)));
  if (l.parent !== undefined) requires.push(exists(KIND, linkId(l.scope, l.parent)));
  if (l.up === true) provides.push(linkUp(l.scope, l.name));
  if (peerId !== undefined) {
    requires.push(gone(KIND, peerId));
    provides.push(exists(KIND, peerId));
    if (peerLink?.master) requires.push(exists(KIND, linkId(peerLink.scope, peerLink.master)));
    if (peerLink?.up === true) provides.push(linkUp(peerLink.scope, peerLink.name));
  }
  const live = ctx.live.links[id];
  const ports = live !== undefined && ctx.removed.has(ref(KIND, id)) ? undeclaredPorts(live, ctx) : [];
  for (const p of ports) requires.push(exists(KIND, linkId(l.scope, p)));
  return [
    {
      op: withPorts(peerLink === undefined ? { type: 'link.create', link } : { type: 'link.create', link, peerLink }, ports),
      inverse: withPorts(peerLink === undefined ? { type: 'link.delete', link } : { type: 'link.delete', link, peerLink }, ports),
      reason: `${l.kind} ${l.name} is desired and does not exist`,
      requires,
      provides,
    },
  ];
}

function deleteSteps(l: Link, ctx: PlanContext): StepDraft[] {
  const id = linkId(l.scope, l.name);
  const peerId = peerIdOf(l);
  const livePeer = peerId === undefined ? undefined : ctx.live.links[peerId];
  // Deleting either side of a veth deletes both: only the smaller id acts when both go.
  if (livePeer !== undefined && ctx.removed.has(ref(KIND, peerId!)) && peerId! < id) return [];
  const link = bare(l);
  const peerLink = livePeer === undefined ? undefined : bare(livePeer);
  const provides = [gone(KIND, id)];
  const requires = [unused(KIND, id)];
  for (const side of peerLink === undefined ? [l] : [l, livePeer!]) {
    if (side.mac !== undefined) provides.push(macFree(side.scope, side.mac));
    if (side.master) provides.push(unused(KIND, linkId(side.scope, side.master)));
    if (side.parent !== undefined) provides.push(unused(KIND, linkId(side.scope, side.parent)));
  }
  if (peerId !== undefined) {
    provides.push(gone(KIND, peerId));
    requires.push(unused(KIND, peerId));
  }
  const ports = undeclaredPorts(l, ctx);
  return [
    {
      op: withPorts(peerLink === undefined ? { type: 'link.delete', link } : { type: 'link.delete', link, peerLink }, ports),
      inverse: withPorts(peerLink === undefined ? { type: 'link.create', link } : { type: 'link.create', link, peerLink }, ports),
      reason: l.owned ? `${l.kind} ${l.name} is owned by wirestate and no longer desired` : `${l.name} is declared absent`,
      requires,
      provides,
      disruptive: true,
    },
  ];
}

/** The link descriptor. */
export const linkDescriptor: Descriptor<'links'> = {
  kind: KIND,
  noun: 'link',
  key: (l) => linkId(l.scope, l.name),
  label: (l) => `${l.name} (${l.kind})`,
  lifecycle: (l) => (l.kind === 'device' ? 'external' : 'managed'),
  fields: [
    // `device` means "made outside wirestate": it matches whatever kind the kernel reports
    // (a CNI pod NIC is really a veth).
    { name: 'kind', immutable: true, equals: (d, l) => d === 'device' || d === l },
    { name: 'peer', immutable: true, unknownIsEqual: true },
    { name: 'peerScope', immutable: true, unknownIsEqual: true },
    { name: 'parent', immutable: true, unknownIsEqual: true },
    { name: 'mode', immutable: true },
    { name: 'mac' },
    { name: 'mtu' },
    { name: 'master' },
    { name: 'up' },
  ],
  parents(l: Link, live: LiveIndex) {
    const out: string[] = [];
    if (l.master) {
      const bridgeNet = live.find('networks', bridgeKey(l.scope, l.master))[0];
      out.push(bridgeNet !== undefined ? ref('networks', bridgeNet.id) : ref(KIND, linkId(l.scope, l.master)));
    }
    if (l.parent !== undefined) out.push(ref(KIND, linkId(l.scope, l.parent)));
    return out;
  },
  // A macvtap/macvlan goes with its lower device; a bridge port outlives its bridge (the
  // kernel releases it, and the bridge's delete op carries it back on rollback).
  deletedWith: (l) => (l.parent !== undefined ? [ref(KIND, linkId(l.scope, l.parent))] : []),
  lookupKeys: (l) => (l.master ? [bridgeKey(l.scope, l.master)] : NO_KEYS),
  create: createSteps,
  delete: deleteSteps,
  update(desired, _live, changes) {
    // mac first, then master, then mtu, then up: the order `ip` users expect; the planner
    // still orders by tokens.
    const order = ['mac', 'master', 'mtu', 'up'];
    return [...changes]
      .sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field))
      .map((c) => setStep(desired, c.field as keyof LinkAttrs, c.to, c.from, fieldTokens(desired, c)));
  },
  reattach(desired, live, parent) {
    // A bridge being replaced drops its ports: detach before, enslave again after.
    if (live.master == null || !parent.endsWith(`/${live.master}`)) return undefined;
    const master = live.master;
    const id = linkId(live.scope, live.name);
    return [
      {
        ...setStep(live, 'master', null, master),
        reason: `master ${master} is replaced: detach first`,
        requires: [exists(KIND, id)],
        provides: [unused(KIND, linkId(live.scope, master))],
      },
      {
        ...setStep(desired, 'master', desired.master ?? master, null),
        reason: `master ${master} is replaced: enslave again`,
        requires: [exists(KIND, id), exists(KIND, linkId(live.scope, desired.master ?? master))],
      },
    ];
  },
  adopt(desired, live) {
    return [
      {
        op: { type: 'link.set', scope: live.scope, name: live.name, attrs: { alias: WIRESTATE_ALIAS } },
        inverse: { type: 'link.set', scope: live.scope, name: live.name, attrs: { alias: null } },
        reason: `${desired.name} is adopted (adopt: true)`,
        requires: [exists(KIND, linkId(live.scope, live.name))],
      },
    ];
  },
  commands: {
    'link.create': (op, s) => {
      const l = op.link;
      const attrs = attrClause(settable(l));
      const base = l.kind === 'tap' ? `${ipCmd(s)} tuntap add dev ${l.name} mode tap` : `${ipCmd(s)} link add name ${l.name} ${typeClause(l)}`;
      const ports = (op.ports ?? []).map((p) => ` && ${ipCmd(s)} link set ${p} master ${l.name}`).join('');
      return `${base}${attrs === '' ? '' : ` && ${ipCmd(s)} link set ${l.name} ${attrs}`}${ports}`;
    },
    'link.delete': (op, s) => `${ipCmd(s)} link delete ${op.link.name}`,
    'link.set': (op, s) => `${ipCmd(s)} link set ${op.name} ${attrClause(op.attrs)}`,
  },
};
