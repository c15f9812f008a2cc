/**
 * Pure builders of the rtnetlink requests the driver sends, formatted with the `netlink`
 * package's typed layer; IFLA_LINKINFO comes from `encodeLinkInfo`. Each builder's doc names
 * the equivalent `ip` command.
 */
import ipaddr from 'ipaddr.js';
import { AttrStream, rt } from 'netlink';
import { WIRESTATE_RTPROT, WirestateError, type Route, type RouteScope } from '@wirestate/core';
import { AF_INET, AF_INET6, NLM_F, RTM, RTN_UNICAST, RT_SCOPE, RT_TABLE_MAIN } from './constants.ts';
import { encodeLinkInfo, macBytes, type LinkInfoSpec } from './linkinfo.ts';
import type { NlRequest } from './port.ts';

const RT_SCOPE_NOWHERE = 255;
/** RTEXT_FILTER_SKIP_STATS: link dumps without the 64-bit counters, a third of the bytes. */
const RTEXT_FILTER_SKIP_STATS = 1 << 3;

function bytes(stream: AttrStream): Buffer {
  return Buffer.concat(stream.bufs);
}

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0, 0);
  return b;
}

/** Link attributes a request may carry, indexes already resolved. */
export interface LinkFields {
  /** Interface name (also how an existing link is addressed when `index` is 0). */
  readonly name?: string;
  readonly mac?: string;
  readonly mtu?: number;
  /** Admin state; sets IFF_UP with an explicit change mask, never touching other flags. */
  readonly up?: boolean;
  /** Master ifindex; 0 releases the link from its master. */
  readonly masterIndex?: number;
  /** IFLA_LINK: the lower device of a macvlan/macvtap. */
  readonly linkIndex?: number;
  /** Alias; '' clears it. */
  readonly alias?: string;
  /** IFLA_GROUP. */
  readonly group?: number;
  readonly linkInfo?: LinkInfoSpec;
}

function linkMessage(type: number, flags: number, index: number, f: LinkFields): NlRequest {
  const s = new AttrStream();
  const upFlag = f.up === undefined ? {} : { flags: f.up ? { up: true as const } : {}, change: { up: true as const } };
  rt.formatLinkMessage(
    {
      kind: 'link',
      data: { index, ...upFlag },
      attrs: {
        ...(f.name !== undefined && { ifname: f.name }),
        ...(f.mac !== undefined && { address: macBytes(f.mac) }),
        ...(f.mtu !== undefined && { mtu: f.mtu }),
        ...(f.masterIndex !== undefined && { master: f.masterIndex }),
        ...(f.linkIndex !== undefined && { link: u32le(f.linkIndex) }),
        ...(f.alias !== undefined && { ifalias: f.alias }),
        ...(f.group !== undefined && { group: f.group }),
        ...(f.linkInfo !== undefined && { linkinfo: encodeLinkInfo(f.linkInfo) }),
      },
    },
    s,
  );
  return { type, flags, payload: bytes(s) };
}

/** `ip link add name NAME [address MAC] [mtu N] [master M] [up] type KIND …`, echoing the new link. */
export function newLinkRequest(f: LinkFields & { readonly name: string; readonly linkInfo: LinkInfoSpec }): NlRequest {
  return linkMessage(RTM.NEWLINK, NLM_F.CREATE | NLM_F.EXCL | NLM_F.ECHO, 0, f);
}

/** `ip link set dev NAME [address MAC] [mtu N] [master M | nomaster] [up | down] [alias A] [group G]`. */
export function setLinkRequest(index: number, f: LinkFields): NlRequest {
  // RTM_NEWLINK without NLM_F_CREATE changes an existing link, like iproute2 does.
  return linkMessage(RTM.NEWLINK, 0, index, f);
}

/** `ip link delete dev NAME`. */
export function delLinkRequest(name: string): NlRequest {
  return linkMessage(RTM.DELLINK, 0, 0, { name });
}

/** `ip link delete group G`: every link of the group in one request, one kernel synchronization. */
export function delGroupRequest(group: number): NlRequest {
  return linkMessage(RTM.DELLINK, 0, 0, { group });
}

/** `ip link show dev NAME`. */
export function getLinkRequest(name: string): NlRequest {
  return linkMessage(RTM.GETLINK, 0, 0, { name });
}

/** Payload of the link dump request (`ip link show`), without statistics. */
export function linkDumpPayload(): Buffer {
  const s = new AttrStream();
  rt.formatLinkMessage({ kind: 'link', data: {}, attrs: { extMask: u32le(RTEXT_FILTER_SKIP_STATS) } }, s);
  return bytes(s);
}

/** Payload of the address dump request (`ip addr show`), all families. */
export function addressDumpPayload(): Buffer {
  return Buffer.alloc(8);
}

/** Payload of the route dump request (`ip route show table all`), all families. */
export function routeDumpPayload(): Buffer {
  return Buffer.alloc(12);
}

/** An IP address or prefix split into family, bytes and length; a malformed one is an invalid argument. */
export function parseCidr(cidr: string): { family: number; addr: Buffer; len: number } {
  try {
    const [ip, len] = ipaddr.parseCIDR(cidr);
    return { family: ip.kind() === 'ipv4' ? AF_INET : AF_INET6, addr: Buffer.from(ip.toByteArray()), len };
  } catch {
    throw new WirestateError('invalid_argument', `${cidr} is not an address with a prefix length`);
  }
}

function ipBytes(ip: string): Buffer {
  try {
    return Buffer.from(ipaddr.parse(ip).toByteArray());
  } catch {
    throw new WirestateError('invalid_argument', `${ip} is not an IP address`);
  }
}

/** `ip addr add|del CIDR dev INDEX`. */
export function addressRequest(action: 'add' | 'del', index: number, cidr: string): NlRequest {
  const { family, addr, len } = parseCidr(cidr);
  const s = new AttrStream();
  rt.formatAddressMessage(
    { kind: 'address', data: { family, prefixlen: len, index }, attrs: { local: addr, address: addr } },
    s,
  );
  return action === 'add'
    ? { type: RTM.NEWADDR, flags: NLM_F.CREATE | NLM_F.EXCL, payload: bytes(s) }
    : { type: RTM.DELADDR, flags: 0, payload: bytes(s) };
}

/** The destination of a model route: family, bytes (absent for a default route) and prefix length. */
export function routeDst(dst: string): { family: number; addr?: Buffer; len: number } {
  if (dst === 'default') return { family: AF_INET, len: 0 };
  if (dst === 'default6') return { family: AF_INET6, len: 0 };
  if (!dst.includes('/')) {
    const addr = ipBytes(dst);
    return { family: addr.length === 4 ? AF_INET : AF_INET6, addr, len: addr.length * 8 };
  }
  const p = parseCidr(dst);
  return p.len === 0 ? { family: p.family, len: 0 } : p;
}

/** The route scope to send: the given one, else universe with a gateway and link without. */
export function effectiveRouteScope(route: Route): RouteScope {
  return route.routeScope ?? (route.gateway !== undefined ? 'universe' : 'link');
}

/** `ip route add|del DST [via GW] dev INDEX [metric M] [src S] [scope SC] proto P table main`. */
export function routeRequest(action: 'add' | 'del', route: Route, oif: number): NlRequest {
  const dst = routeDst(route.dst);
  const s = new AttrStream();
  rt.formatRouteMessage(
    {
      kind: 'route',
      data: {
        family: dst.family,
        dstLen: dst.len,
        table: RT_TABLE_MAIN,
        protocol: route.protocol ?? WIRESTATE_RTPROT,
        // A delete matches any scope, as `ip route del` does; IPv6 routes have no scope
        // (the kernel reports universe for all of them).
        scope: action === 'del' ? RT_SCOPE_NOWHERE : dst.family === AF_INET6 ? RT_SCOPE.universe : RT_SCOPE[effectiveRouteScope(route)],
        type: RTN_UNICAST,
      },
      attrs: {
        ...(dst.addr !== undefined && { dst: dst.addr }),
        oif,
        ...(route.gateway !== undefined && { gateway: ipBytes(route.gateway) }),
        ...(route.metric !== undefined && { priority: route.metric }),
        ...(route.prefsrc !== undefined && { prefsrc: ipBytes(route.prefsrc) }),
      },
    },
    s,
  );
  return action === 'add'
    ? { type: RTM.NEWROUTE, flags: NLM_F.CREATE | NLM_F.EXCL, payload: bytes(s) }
    : { type: RTM.DELROUTE, flags: 0, payload: bytes(s) };
}

/** The ifindex in a link message payload (an echoed RTM_NEWLINK or a getLink reply). */
export function indexOfLinkPayload(payload: Uint8Array): number {
  return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).readInt32LE(4);
}
