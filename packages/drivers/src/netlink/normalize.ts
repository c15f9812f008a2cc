/**
 * Pure decoding of raw rtnetlink dumps (RTM_NEWLINK / RTM_NEWADDR / RTM_NEWROUTE payloads)
 * into wirestate's normalized state. No I/O: recorded dumps replay through the same code.
 */
import ipaddr from 'ipaddr.js';
import {
  WIRESTATE_ALIAS,
  WIRESTATE_RTPROT,
  type Address,
  type Link,
  type LinkKind,
  type Route,
  type RouteScope,
  type State,
} from '@wirestate/core';
import { attrAt, attrLength, parseAttrs, u32 } from './attrs.ts';
import {
  AF_INET,
  AF_INET6,
  IFA,
  IFADDRMSG_LEN,
  IFF_UP,
  IFINFOMSG_LEN,
  IFLA,
  RTA,
  RTM,
  RTMSG_LEN,
  RTN_UNICAST,
  RTPROT_KERNEL,
  RT_TABLE_MAIN,
} from './constants.ts';
import { decodeLinkInfoAt, type LinkInfo } from './linkinfo.ts';

/** The three raw dumps of one namespace: message payloads without the netlink header. */
export interface RawDump {
  /** RTM_GETLINK dump payloads (ifinfomsg + IFLA_*). */
  readonly links: readonly Uint8Array[];
  /** RTM_GETADDR dump payloads (ifaddrmsg + IFA_*), all families. */
  readonly addresses: readonly Uint8Array[];
  /** RTM_GETROUTE dump payloads (rtmsg + RTA_*), all families and tables. */
  readonly routes: readonly Uint8Array[];
}

/** One link as decoded from a dump, before names are resolved. */
/** The attributes of one link message that wirestate reads. */
export interface RawLink {
  readonly index: number;
  readonly name: string;
  readonly flags: number;
  readonly mac: string | undefined;
  readonly mtu: number | undefined;
  readonly link: number | undefined;
  readonly linkNetnsid: number | undefined;
  readonly master: number | undefined;
  readonly alias: string | undefined;
  readonly info: LinkInfo;
}

/** The info of a link without IFLA_LINKINFO (a physical NIC, lo). */
const NO_INFO: LinkInfo = Object.freeze({});

/** struct nlmsghdr. */
const NLMSG_HDRLEN = 16;

/** Lowercase hex digits as ASCII codes. */
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
/** Where a hardware address is spelled out before it becomes one string (64 bytes is the longest, IPoIB's 20 being the longest in use). */
const MAC_TEXT = Buffer.alloc(3 * 64);

const ROUTE_SCOPES: Readonly<Record<number, RouteScope>> = { 0: 'universe', 253: 'link', 254: 'host' };

function buf(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** Formats a hardware address as lowercase `aa:bb:…`. */
export function formatMac(b: Uint8Array): string {
  return formatMacAt(b, 0, b.length);
}

/**
 * Formats the hardware address in `b[start, end)`: spelled out as ASCII into a scratch
 * buffer, then made one flat string (a snapshot formats thousands; joining pieces made a
 * dozen intermediate strings per address).
 */
function formatMacAt(b: Uint8Array, start: number, end: number): string {
  const n = Math.min(end - start, 64);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const v = b[start + i]!;
    if (i > 0) MAC_TEXT[o++] = 0x3a;
    MAC_TEXT[o++] = HEX_DIGITS[v >> 4]!;
    MAC_TEXT[o++] = HEX_DIGITS[v & 15]!;
  }
  return MAC_TEXT.toString('latin1', 0, o);
}

/** The string attribute in `b[at, end)`, without its NUL (utf8, read by the native slice directly). */
function textAt(b: Buffer, at: number, end: number): string {
  return b.toString(undefined, at, b[end - 1] === 0 ? end - 1 : end);
}

/** Formats a 4- or 16-byte address; IPv6 in RFC 5952 compressed lowercase form. */
export function formatIp(b: Uint8Array): string {
  return b.length === 4 ? Array.from(b).join('.') : ipaddr.fromByteArray(Array.from(b)).toString();
}

/**
 * The attributes of an RTM_NEWLINK message that `decodeLink` reads (of ~40): a worker sends
 * only these across (`lean-dump.ts`); the lean-dump test checks that the decoder reads the
 * same from a lean datagram as from the whole one.
 */
export const LINK_ATTRS_READ: ReadonlySet<number> = new Set([
  IFLA.IFNAME,
  IFLA.IFALIAS,
  IFLA.ADDRESS,
  IFLA.MTU,
  IFLA.LINK,
  IFLA.LINK_NETNSID,
  IFLA.MASTER,
  IFLA.LINKINFO,
]);

/**
 * Decodes one RTM_NEWLINK payload. A link message carries ~40 attributes (1.3 KB for a
 * bridge); one pass reads the handful wirestate needs without materializing the rest. A
 * snapshot runs this once per link, mostly before the JIT has optimized it, so it reads
 * bytes by index and makes no sub-buffer per attribute.
 */
export function decodeLink(payload: Uint8Array): RawLink {
  return decodeLinkAt(buf(payload), 0, payload.length);
}

/** Decodes the RTM_NEWLINK payload in `b[start, n)`, read in place within a datagram. */
function decodeLinkAt(b: Buffer, start: number, n: number): RawLink {
  // Every field present from the start: one object shape for all links.
  const l: { -readonly [K in keyof RawLink]: RawLink[K] } = {
    index: b.readInt32LE(start + 4),
    name: '',
    flags: b.readUInt32LE(start + 8),
    mac: undefined,
    mtu: undefined,
    link: undefined,
    linkNetnsid: undefined,
    master: undefined,
    alias: undefined,
    info: NO_INFO,
  };
  let pos = start + IFINFOMSG_LEN;
  while (pos + 4 <= n) {
    const len = b[pos]! | (b[pos + 1]! << 8);
    if (len < 4 || pos + len > n) break;
    const type = (b[pos + 2]! | (b[pos + 3]! << 8)) & 0x3fff;
    const at = pos + 4;
    const end = pos + len;
    switch (type) {
      case IFLA.IFNAME:
        l.name = textAt(b, at, end);
        break;
      case IFLA.IFALIAS:
        l.alias = textAt(b, at, end);
        break;
      case IFLA.ADDRESS:
        if (end > at) l.mac = formatMacAt(b, at, end);
        break;
      case IFLA.MTU:
        l.mtu = b.readUInt32LE(at);
        break;
      case IFLA.LINK:
        l.link = b.readUInt32LE(at);
        break;
      case IFLA.LINK_NETNSID:
        l.linkNetnsid = b.readInt32LE(at);
        break;
      case IFLA.MASTER:
        l.master = b.readUInt32LE(at);
        break;
      case IFLA.LINKINFO:
        l.info = decodeLinkInfoAt(b, at, end);
        break;
    }
    pos += (len + 3) & ~3;
  }
  return l;
}

/** The model kind of a decoded link: known virtual kinds, `device` for everything else. */
export function linkKindOf(info: LinkInfo): LinkKind {
  switch (info.kind) {
    case 'bridge':
    case 'veth':
    case 'macvtap':
    case 'macvlan':
      return info.kind;
    case 'tun':
      return info.tunType === 'tap' ? 'tap' : 'device';
    default:
      return 'device';
  }
}

/** A veth's peer in another scope (see `peer-scopes.ts`). */
export interface CrossScopePeer {
  readonly name: string;
  readonly scope: string;
}

function toLink(scope: string, l: RawLink, byIndex: ReadonlyMap<number, RawLink>, far: ReadonlyMap<number, CrossScopePeer> | undefined): Link {
  const owned = l.alias === WIRESTATE_ALIAS;
  let kind = linkKindOf(l.info);
  // A veth wirestate did not make whose peer lives in another namespace is what CNI plugins
  // give a pod: from this scope it is an opaque NIC, a `device` the topology can adopt.
  if (kind === 'veth' && !owned && l.linkNetnsid !== undefined) kind = 'device';
  // Built field by field (not with spreads): this runs for every link of every snapshot.
  const out: { -readonly [K in keyof Link]: Link[K] } = { scope, name: l.name, kind };
  if (l.mac !== undefined) out.mac = l.mac;
  if (l.mtu !== undefined) out.mtu = l.mtu;
  out.up = (l.flags & IFF_UP) !== 0;
  const master = l.master !== undefined ? byIndex.get(l.master)?.name : undefined;
  if (master !== undefined) out.master = master;
  // IFLA_LINK names an index in another namespace when IFLA_LINK_NETNSID is present.
  const sameNsLink = l.link !== undefined && l.linkNetnsid === undefined ? byIndex.get(l.link)?.name : undefined;
  if (kind === 'veth' && sameNsLink !== undefined) out.peer = sameNsLink;
  const farPeer = kind === 'veth' && l.linkNetnsid !== undefined ? far?.get(l.index) : undefined;
  if (farPeer !== undefined) {
    out.peer = farPeer.name;
    out.peerScope = farPeer.scope;
  }
  if (kind === 'macvtap' || kind === 'macvlan') {
    if (sameNsLink !== undefined) out.parent = sameNsLink;
    if (l.info.macvlanMode !== undefined) out.mode = l.info.macvlanMode;
  }
  out.owned = owned;
  return out;
}

/** Link id as the engine keys it. */
export function linkId(scope: string, name: string): string {
  return `${scope}/${name}`;
}

/** Address id as the engine keys it. */
export function addressId(scope: string, dev: string, cidr: string): string {
  return `${scope}/${dev}/${cidr}`;
}

/** Route id as the engine keys it. */
export function routeId(scope: string, dst: string, dev: string, metric: number): string {
  return `${scope}/${dst}/${dev}/${metric}`;
}

function decodeAddress(scope: string, payload: Uint8Array, byIndex: ReadonlyMap<number, RawLink>): Address | undefined {
  const b = buf(payload);
  const family = b[0];
  if (family !== AF_INET && family !== AF_INET6) return undefined;
  const dev = byIndex.get(b.readUInt32LE(4));
  if (dev === undefined || dev.name === 'lo') return undefined;
  const a = parseAttrs(b, IFADDRMSG_LEN);
  // IFA_LOCAL is the interface's own address; IFA_ADDRESS is the peer on point-to-point links.
  const raw = a.get(IFA.LOCAL) ?? a.get(IFA.ADDRESS);
  if (raw === undefined) return undefined;
  if (family === AF_INET6 && raw[0] === 0xfe && (raw[1]! & 0xc0) === 0x80) return undefined;
  return {
    scope,
    dev: dev.name,
    cidr: `${formatIp(raw)}/${b[1]}`,
    owned: dev.alias === WIRESTATE_ALIAS,
  };
}

function decodeRoute(scope: string, payload: Uint8Array, byIndex: ReadonlyMap<number, RawLink>): Route | undefined {
  const b = buf(payload);
  const [family, dstLen, , , rtmTable, protocol, rtScope, type] = b;
  if (family !== AF_INET && family !== AF_INET6) return undefined;
  if (type !== RTN_UNICAST || protocol === RTPROT_KERNEL) return undefined;
  const a = parseAttrs(b, RTMSG_LEN);
  if ((u32(a.get(RTA.TABLE)) ?? rtmTable) !== RT_TABLE_MAIN) return undefined;
  const dst = a.get(RTA.DST);
  if (family === AF_INET6 && dst !== undefined && (dst[0] === 0xff || (dst[0] === 0xfe && (dst[1]! & 0xc0) === 0x80))) {
    return undefined;
  }
  const routeScope = ROUTE_SCOPES[rtScope!];
  const oif = u32(a.get(RTA.OIF));
  const dev = oif === undefined ? undefined : byIndex.get(oif);
  // Multipath routes (no RTA_OIF), routes through lo and site-scoped routes are outside the model.
  if (dev === undefined || dev.name === 'lo' || routeScope === undefined) return undefined;
  const gateway = a.get(RTA.GATEWAY);
  const prefsrc = a.get(RTA.PREFSRC);
  const dstText =
    dstLen === 0 ? (family === AF_INET ? 'default' : 'default6') : `${formatIp(dst ?? Buffer.alloc(family === AF_INET ? 4 : 16))}/${dstLen}`;
  return {
    scope,
    dst: dstText,
    dev: dev.name,
    ...(gateway !== undefined && { gateway: formatIp(gateway) }),
    metric: u32(a.get(RTA.PRIORITY)) ?? 0,
    routeScope,
    protocol: protocol!,
    ...(prefsrc !== undefined && { prefsrc: formatIp(prefsrc) }),
    owned: protocol === WIRESTATE_RTPROT,
  };
}

/**
 * Decodes the dumps of one namespace as they arrive, whole datagrams or single message
 * payloads: links are decoded at once, so a snapshot's decoding runs while the rest of its
 * dumps are still on their way; addresses and routes wait for every link (they name theirs
 * by ifindex).
 */
export class DumpDecoder {
  private readonly byIndex = new Map<number, RawLink>();
  private readonly addresses: Uint8Array[] = [];
  private readonly routes: Uint8Array[] = [];

  /** One RTM_NEWLINK payload. */
  link(payload: Uint8Array): void {
    this.add(decodeLink(payload));
  }

  private add(l: RawLink): void {
    this.byIndex.set(l.index, l);
  }

  /** One RTM_NEWADDR payload. */
  address(payload: Uint8Array): void {
    this.addresses.push(payload);
  }

  /** One RTM_NEWROUTE payload. */
  route(payload: Uint8Array): void {
    this.routes.push(payload);
  }

  /** Every message of a datagram received from a dump (other message types are ignored). */
  datagram(d: Uint8Array): void {
    const b = buf(d);
    let pos = 0;
    while (pos + NLMSG_HDRLEN <= b.length) {
      const len = b.readUInt32LE(pos);
      if (len < NLMSG_HDRLEN || pos + len > b.length) break;
      const type = b[pos + 4]! | (b[pos + 5]! << 8);
      // Links are read in place: no view per message for the most numerous, largest ones.
      if (type === RTM.NEWLINK) this.add(decodeLinkAt(b, pos + NLMSG_HDRLEN, pos + len));
      else if (type === RTM.NEWADDR) this.address(b.subarray(pos + NLMSG_HDRLEN, pos + len));
      else if (type === RTM.NEWROUTE) this.route(b.subarray(pos + NLMSG_HDRLEN, pos + len));
      pos += (len + 3) & ~3;
    }
  }

  /** The links decoded so far, in dump order. */
  links(): RawLink[] {
    return [...this.byIndex.values()];
  }

  /**
   * The links, addresses and routes of scope `scopeName`; `farPeers` (by ifindex) names
   * the peers of veths whose other end is in another scope, which the dumps alone cannot.
   */
  finish(scopeName: string, farPeers?: ReadonlyMap<number, CrossScopePeer>): Pick<State, 'links' | 'addresses' | 'routes'> {
    const byIndex = this.byIndex;
    const links: Record<string, Link> = {};
    for (const l of byIndex.values()) {
      if (l.name === 'lo') continue;
      links[linkId(scopeName, l.name)] = toLink(scopeName, l, byIndex, farPeers);
    }
    const addresses: Record<string, Address> = {};
    for (const p of this.addresses) {
      const a = decodeAddress(scopeName, p, byIndex);
      if (a !== undefined) addresses[addressId(scopeName, a.dev, a.cidr)] = a;
    }
    const routes: Record<string, Route> = {};
    for (const p of this.routes) {
      const r = decodeRoute(scopeName, p, byIndex);
      if (r !== undefined) routes[routeId(scopeName, r.dst, r.dev, r.metric!)] = r;
    }
    return { links, addresses, routes };
  }
}

/**
 * Turns the raw dumps of one namespace into the links, addresses and routes of scope
 * `scopeName`; `farPeers` (by ifindex) names the peers of veths whose other end is in
 * another scope, which the dumps alone cannot.
 */
export function normalizeDump(
  raw: RawDump,
  scopeName: string,
  farPeers?: ReadonlyMap<number, CrossScopePeer>,
): Pick<State, 'links' | 'addresses' | 'routes'> {
  const d = new DumpDecoder();
  for (const p of raw.links) d.link(p);
  for (const p of raw.addresses) d.address(p);
  for (const p of raw.routes) d.route(p);
  return d.finish(scopeName, farPeers);
}

/** Adds the name → ifindex of the RTM_NEWLINK payload in `b[start, end)` to `out`. */
function addLinkIndex(b: Buffer, start: number, end: number, out: Map<string, number>): void {
  const at = attrAt(b, start + IFINFOMSG_LEN, end, IFLA.IFNAME);
  if (at >= 0) out.set(textAt(b, at + 4, at + 4 + attrLength(b, at)), b.readInt32LE(start + 4));
}

/** Name → ifindex of every link in a raw link dump (the driver's index cache starts from it). */
export function linkIndexes(rawLinks: readonly Uint8Array[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of rawLinks) addLinkIndex(buf(p), 0, p.length, out);
  return out;
}

/** Adds name → ifindex of every link message in datagram `d` to `out` (a worker streaming a link dump learns them this way). */
export function indexLinksOf(d: Uint8Array, out: Map<string, number>): void {
  const b = buf(d);
  let pos = 0;
  while (pos + NLMSG_HDRLEN <= b.length) {
    const len = b.readUInt32LE(pos);
    if (len < NLMSG_HDRLEN || pos + len > b.length) break;
    if ((b[pos + 4]! | (b[pos + 5]! << 8)) === RTM.NEWLINK && len >= NLMSG_HDRLEN + IFINFOMSG_LEN) addLinkIndex(b, pos + NLMSG_HDRLEN, pos + len, out);
    pos += (len + 3) & ~3;
  }
}
