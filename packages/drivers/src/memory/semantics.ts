/**
 * The reference semantics of every op on an in-memory `State`: what the kernel and libvirt
 * do, including their refusals (EEXIST, ENODEV, ERANGE, name too long, network not running…).
 * Each handler returns the next state (immer) or throws the error the real system gives.
 */
import {
  WIRESTATE_RTPROT,
  addressId,
  cniAttachmentId,
  dhcpHostId,
  dhcpServerId,
  effectiveMetric,
  linkId,
  networkId,
  routeId,
  vmInterfaceId,
  type Link,
  type Op,
  type OpOf,
  type OpType,
  type Route,
  type State,
} from '@wirestate/core';
import { castDraft, produce, type Draft } from 'immer';
import ipaddr from 'ipaddr.js';
import { errnoError } from '../errno.ts';

type Handler<T extends OpType> = (draft: Draft<State>, op: OpOf<T>) => void;

const IFNAMSIZ = 16;

function fnv32(text: string, basis: number): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** A stable, locally administered MAC for a link the kernel would give a random one. */
export function generatedMac(seed: string): string {
  const a = fnv32(seed, 2166136261);
  const b = fnv32(seed, 0x9747b28c);
  const bytes = [0x02, a & 0xff, (a >>> 8) & 0xff, (a >>> 16) & 0xff, b & 0xff, (b >>> 8) & 0xff];
  return bytes.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

function fail(code: string, context: string): never {
  throw errnoError(code, context);
}

function needLink(d: Draft<State>, scope: string, name: string, context: string): Draft<Link> {
  const l = d.links[linkId(scope, name)];
  if (l === undefined) fail('ENODEV', context);
  return l;
}

function checkName(name: string, context: string): void {
  if (Buffer.byteLength(name) >= IFNAMSIZ || name.length === 0) fail('EINVAL', `${context} (name longer than 15 bytes)`);
}

function checkMtu(mtu: number | undefined, context: string): void {
  if (mtu !== undefined && (mtu < 68 || mtu > 65535)) fail('ERANGE', context);
}

function setMaster(d: Draft<State>, l: Draft<Link>, master: string | null | undefined, context: string): void {
  if (master === undefined) return;
  if (master === null) {
    delete l.master;
    return;
  }
  if (master === l.name) fail('ELOOP', context);
  const m = needLink(d, l.scope, master, context);
  if (m.kind !== 'bridge') fail('EOPNOTSUPP', `${context} (${master} is not a bridge)`);
  l.master = master;
}

function addLink(d: Draft<State>, link: Link, context: string): void {
  checkName(link.name, context);
  checkMtu(link.mtu, context);
  if (link.kind === 'device') fail('EOPNOTSUPP', context);
  if (d.links[linkId(link.scope, link.name)] !== undefined) fail('EEXIST', context);
  if ((link.kind === 'macvtap' || link.kind === 'macvlan') && link.parent !== undefined) needLink(d, link.scope, link.parent, context);
  const l: Link = {
    scope: link.scope,
    name: link.name,
    kind: link.kind,
    mac: link.mac ?? generatedMac(`${link.scope}/${link.name}`),
    mtu: link.mtu ?? 1500,
    up: false,
    owned: true,
    ...(link.peer !== undefined ? { peer: link.peer } : {}),
    ...(link.peerScope !== undefined ? { peerScope: link.peerScope } : {}),
    ...(link.parent !== undefined ? { parent: link.parent } : {}),
    ...(link.mode !== undefined ? { mode: link.mode } : link.kind === 'macvtap' || link.kind === 'macvlan' ? { mode: 'vepa' as const } : {}),
  };
  d.links[linkId(l.scope, l.name)] = l;
  const created = d.links[linkId(l.scope, l.name)]!;
  setMaster(d, created, link.master, context);
  if (link.up === true) created.up = true;
}

function removeLink(d: Draft<State>, scope: string, name: string): void {
  const id = linkId(scope, name);
  const l = d.links[id];
  if (l === undefined) return;
  delete d.links[id];
  for (const [aid, a] of Object.entries(d.addresses)) if (a.scope === scope && a.dev === name) delete d.addresses[aid];
  for (const [rid, r] of Object.entries(d.routes)) if (r.scope === scope && r.dev === name) delete d.routes[rid];
  for (const other of Object.values(d.links)) {
    if (other.scope === scope && other.master === name) delete other.master;
  }
  for (const other of Object.values(d.links)) {
    if (other.scope === scope && other.parent === name) removeLink(d, scope, other.name);
  }
  if (l.kind === 'veth' && l.peer !== undefined) removeLink(d, l.peerScope ?? scope, l.peer);
}

function gatewayReachable(d: Draft<State>, r: Route): boolean {
  if (r.gateway === undefined) return true;
  const gw = ipaddr.parse(r.gateway);
  for (const a of Object.values(d.addresses)) {
    if (a.scope !== r.scope || a.dev !== r.dev) continue;
    const [net, len] = ipaddr.parseCIDR(a.cidr);
    if (net.kind() === gw.kind() && gw.match(net, len)) return true;
  }
  for (const o of Object.values(d.routes)) {
    if (o.scope !== r.scope || o.dev !== r.dev || o.gateway !== undefined || o.dst.startsWith('default')) continue;
    const [net, len] = ipaddr.parseCIDR(o.dst);
    if (net.kind() === gw.kind() && gw.match(net, len)) return true;
  }
  return false;
}

const handlers: { [T in OpType]: Handler<T> } = {
  'link.create'(d, op) {
    const l = op.link;
    const context = `creating ${l.kind} ${l.name} in scope ${l.scope}`;
    if (l.kind === 'veth') {
      if (l.peer === undefined) fail('EINVAL', `${context} (veth without peer)`);
      const peerScope = l.peerScope ?? l.scope;
      checkName(l.peer, context);
      if (d.links[linkId(peerScope, l.peer)] !== undefined) fail('EEXIST', `${context} (peer ${l.peer})`);
      addLink(d, l, context);
      const peer = op.peerLink ?? { scope: peerScope, name: l.peer, kind: 'veth' as const };
      addLink(d, { ...peer, kind: 'veth', peer: l.name, ...(peerScope !== l.scope ? { peerScope: l.scope } : {}) }, context);
      return;
    }
    addLink(d, l, context);
    for (const port of op.ports ?? []) setMaster(d, needLink(d, l.scope, port, context), l.name, context);
  },
  'link.delete'(d, op) {
    const l = op.link;
    needLink(d, l.scope, l.name, `deleting ${l.kind} ${l.name} in scope ${l.scope}`);
    removeLink(d, l.scope, l.name);
  },
  'link.set'(d, op) {
    const context = `setting ${Object.keys(op.attrs).join(', ')} of ${op.name} in scope ${op.scope}`;
    const l = needLink(d, op.scope, op.name, context);
    const a = op.attrs;
    checkMtu(a.mtu, context);
    if (a.mac !== undefined) l.mac = a.mac;
    if (a.mtu !== undefined) l.mtu = a.mtu;
    setMaster(d, l, a.master, context);
    if (a.up !== undefined) l.up = a.up;
    if (a.alias !== undefined) l.owned = a.alias === 'wirestate';
  },
  'address.add'(d, op) {
    const a = op.address;
    const context = `adding address ${a.cidr} to ${a.dev} in scope ${a.scope}`;
    const l = needLink(d, a.scope, a.dev, context);
    const id = addressId(a);
    if (d.addresses[id] !== undefined) fail('EEXIST', context);
    d.addresses[id] = { scope: a.scope, dev: a.dev, cidr: a.cidr, owned: l.owned === true };
  },
  'address.delete'(d, op) {
    const a = op.address;
    const id = addressId(a);
    if (d.addresses[id] === undefined) fail('EADDRNOTAVAIL', `deleting address ${a.cidr} from ${a.dev} in scope ${a.scope}`);
    delete d.addresses[id];
  },
  'route.add'(d, op) {
    const r = op.route;
    const context = `adding route ${r.dst} dev ${r.dev} in scope ${r.scope}`;
    const l = needLink(d, r.scope, r.dev, context);
    if (!l.up) fail('ENETDOWN', context);
    if (!gatewayReachable(d, r)) fail('ENETUNREACH', context);
    const id = routeId(r);
    if (d.routes[id] !== undefined) fail('EEXIST', context);
    const protocol = r.protocol ?? WIRESTATE_RTPROT;
    d.routes[id] = {
      scope: r.scope,
      dst: r.dst,
      dev: r.dev,
      ...(r.gateway !== undefined ? { gateway: r.gateway } : {}),
      metric: effectiveMetric(r),
      routeScope: r.routeScope ?? (r.gateway !== undefined ? 'universe' : 'link'),
      protocol,
      ...(r.prefsrc !== undefined ? { prefsrc: r.prefsrc } : {}),
      owned: protocol === WIRESTATE_RTPROT,
    };
  },
  'route.delete'(d, op) {
    const id = routeId(op.route);
    if (d.routes[id] === undefined) fail('ESRCH', `deleting route ${op.route.dst} dev ${op.route.dev} in scope ${op.route.scope}`);
    delete d.routes[id];
  },
  'network.define'(d, op) {
    const n = op.network;
    const context = `defining network ${n.name} in scope ${n.scope}`;
    const id = networkId(n.scope, n.name);
    if (d.networks[id] !== undefined) fail('EEXIST', `${context} (network already exists)`);
    if (Object.values(d.networks).some((o) => o.scope === n.scope && o.bridge === n.bridge)) fail('EEXIST', `${context} (bridge ${n.bridge} is used by another network)`);
    // libvirt picks the bridge MAC at define time and keeps it in the config.
    d.networks[id] = castDraft({ ...n, mac: n.mac ?? generatedMac(`net/${n.scope}/${n.name}`), active: false, autostart: false, owned: true });
  },
  'network.undefine'(d, op) {
    const id = networkId(op.network.scope, op.network.name);
    if (d.networks[id] === undefined) fail('ENOENT', `undefining network ${op.network.name} in scope ${op.network.scope}`);
    for (const [hid, h] of Object.entries(d.dhcpHosts)) if (h.scope === op.network.scope && h.network === op.network.name) delete d.dhcpHosts[hid];
    delete d.networks[id];
  },
  'network.start'(d, op) {
    const context = `starting network ${op.network.name} in scope ${op.network.scope}`;
    const n = d.networks[networkId(op.network.scope, op.network.name)];
    if (n === undefined) fail('ENOENT', context);
    if (n.active) fail('EEXIST', `${context} (network is already active)`);
    checkName(n.bridge, context);
    if (d.links[linkId(n.scope, n.bridge)] !== undefined) fail('EEXIST', `${context} (bridge ${n.bridge} exists)`);
    n.active = true;
    d.links[linkId(n.scope, n.bridge)] = {
      scope: n.scope,
      name: n.bridge,
      kind: 'bridge',
      mac: n.mac ?? generatedMac(`${n.scope}/${n.bridge}`),
      mtu: n.mtu ?? 1500,
      up: true,
      owned: false,
    };
    for (const ip of n.ips ?? []) {
      const a = { scope: n.scope, dev: n.bridge, cidr: ip.cidr };
      d.addresses[addressId(a)] = { ...a, owned: false };
    }
    // The ports it had before it stopped, those that still exist.
    for (const port of op.ports ?? []) {
      const l = d.links[linkId(n.scope, port)];
      if (l !== undefined) setMaster(d, l, n.bridge, context);
    }
  },
  'network.destroy'(d, op) {
    const context = `destroying network ${op.network.name} in scope ${op.network.scope}`;
    const n = d.networks[networkId(op.network.scope, op.network.name)];
    if (n === undefined) fail('ENOENT', context);
    if (!n.active) fail('ENETDOWN', `${context} (network is not active)`);
    n.active = false;
    removeLink(d, n.scope, n.bridge);
  },
  'network.autostart'(d, op) {
    const n = d.networks[networkId(op.network.scope, op.network.name)];
    if (n === undefined) fail('ENOENT', `setting autostart of network ${op.network.name} in scope ${op.network.scope}`);
    n.autostart = op.autostart;
  },
  'dhcpHost.add'(d, op) {
    const h = op.host;
    const context = `adding reservation ${h.mac} → ${h.ip} to ${h.network ?? h.server} in scope ${h.scope}`;
    let owned = true;
    if (h.network !== undefined) {
      const n = d.networks[networkId(h.scope, h.network)];
      if (n === undefined) fail('ENOENT', context);
      if (op.live && !n.active) fail('ENETDOWN', `${context} (network is not running)`);
      owned = n.owned === true;
    } else if (d.dhcpServers[dhcpServerId(h.scope, h.server ?? '')] === undefined) {
      fail('ENOENT', context);
    }
    const id = dhcpHostId(h);
    if (d.dhcpHosts[id] !== undefined) fail('EEXIST', `${context} (there is an existing dhcp host entry)`);
    d.dhcpHosts[id] = { ...h, owned };
  },
  'dhcpHost.delete'(d, op) {
    const id = dhcpHostId(op.host);
    if (d.dhcpHosts[id] === undefined) fail('ENOENT', `deleting reservation ${op.host.mac} from ${op.host.network ?? op.host.server} in scope ${op.host.scope}`);
    delete d.dhcpHosts[id];
  },
  'dhcpHost.modify'(d, op) {
    const id = dhcpHostId(op.from);
    const old = d.dhcpHosts[id];
    if (old === undefined) fail('ENOENT', `modifying reservation ${op.from.mac} of ${op.from.network ?? op.from.server} in scope ${op.from.scope}`);
    delete d.dhcpHosts[id];
    d.dhcpHosts[dhcpHostId(op.host)] = { ...op.host, owned: old.owned === true };
  },
  'dhcpServer.start'(d, op) {
    const s = op.server;
    const context = `starting dnsmasq ${s.name} in scope ${s.scope}`;
    needLink(d, s.scope, s.interface, context);
    const id = dhcpServerId(s.scope, s.name);
    if (d.dhcpServers[id] !== undefined) fail('EEXIST', context);
    d.dhcpServers[id] = castDraft({ ...s, owned: true });
  },
  'dhcpServer.stop'(d, op) {
    const id = dhcpServerId(op.server.scope, op.server.name);
    if (d.dhcpServers[id] === undefined) fail('ESRCH', `stopping dnsmasq ${op.server.name} in scope ${op.server.scope}`);
    delete d.dhcpServers[id];
  },
  'vmInterface.attach'(d, op) {
    const i = op.iface;
    const context = `attaching interface ${i.mac} to ${i.domain} in scope ${i.scope}`;
    const dom = d.domains[`${i.scope}/${i.domain}`];
    if (dom === undefined) fail('ENOENT', `${context} (domain not found)`);
    if (op.live && !dom.running) fail('ESRCH', `${context} (domain is not running)`);
    if (i.type === 'network') {
      const n = d.networks[networkId(i.scope, i.source)];
      if (n === undefined) fail('ENOENT', `${context} (network ${i.source} not found)`);
      if (op.live && !n.active) fail('ENETDOWN', `${context} (network ${i.source} is not active)`);
    } else {
      needLink(d, i.scope, i.source, context);
    }
    const id = vmInterfaceId(i);
    if (d.vmInterfaces[id] !== undefined) fail('EEXIST', `${context} (mac already in use by the domain)`);
    d.vmInterfaces[id] = { ...i, owned: false };
  },
  'vmInterface.detach'(d, op) {
    const id = vmInterfaceId(op.iface);
    if (d.vmInterfaces[id] === undefined) fail('ENOENT', `detaching interface ${op.iface.mac} from ${op.iface.domain} in scope ${op.iface.scope}`);
    delete d.vmInterfaces[id];
  },
  'cni.add'(d, op) {
    const a = op.attachment;
    const context = `CNI ADD of ${a.ifname} in scope ${a.scope}`;
    const id = cniAttachmentId(a.scope, a.ifname);
    if (d.cniAttachments[id] !== undefined || d.links[linkId(a.scope, a.ifname)] !== undefined) fail('EEXIST', context);
    d.links[linkId(a.scope, a.ifname)] = { scope: a.scope, name: a.ifname, kind: 'device', mac: generatedMac(id), mtu: 1500, up: true, owned: false };
    d.cniAttachments[id] = { ...a, owned: true, result: { cniVersion: '1.0.0', ips: [], routes: [], raw: {} } };
  },
  'cni.del'(d, op) {
    const a = op.attachment;
    const id = cniAttachmentId(a.scope, a.ifname);
    if (d.cniAttachments[id] === undefined) fail('ENOENT', `CNI DEL of ${a.ifname} in scope ${a.scope}`);
    delete d.cniAttachments[id];
    removeLink(d, a.scope, a.ifname);
  },
};

/** Applies one op to a state: the next state, or the error the real system gives. */
export function applyOp(state: State, op: Op): State {
  const handler = handlers[op.type] as Handler<OpType>;
  return produce(state, (draft) => handler(draft, op as never));
}
