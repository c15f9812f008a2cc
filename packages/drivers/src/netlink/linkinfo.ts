/**
 * IFLA_LINKINFO, the nested attribute the `netlink` package leaves as bytes: the link kind
 * and its kind-specific data (veth peer, macvlan mode, tun type).
 */
import type { MacvlanMode } from '@wirestate/core';
import { attrAt, attrLength } from './attrs.ts';
import { NlWriter } from './writer.ts';
import { IFF_TAP, IFF_TUN, IFF_UP, IFLA, IFLA_INFO, IFLA_MACVLAN_MODE, IFLA_TUN_TYPE, VETH_INFO_PEER } from './constants.ts';

/** MACVLAN_MODE_* values by model name. */
const MACVLAN_MODES: Readonly<Record<MacvlanMode, number>> = {
  private: 1,
  vepa: 2,
  bridge: 4,
  passthru: 8,
  source: 16,
};

/** What a dump tells about a link's kind. */
export interface LinkInfo {
  /** IFLA_INFO_KIND (`bridge`, `veth`, `tun`, `macvtap`…); absent for physical NICs. */
  readonly kind?: string;
  /** tun only: whether it is a layer-3 tun or a layer-2 tap. */
  readonly tunType?: 'tun' | 'tap';
  /** macvlan/macvtap only: the mode. */
  readonly macvlanMode?: MacvlanMode;
}

/** The veth peer to create with the link. */
export interface VethPeerSpec {
  /** Peer interface name. */
  readonly name: string;
  /** Peer MAC, `aa:bb:…`. */
  readonly mac?: string;
  /** Peer MTU. */
  readonly mtu?: number;
  /** Whether the peer comes up at creation. */
  readonly up?: boolean;
  /** File descriptor of the namespace the peer goes to (IFLA_NET_NS_FD), in the sending process. */
  readonly netnsFd?: number;
  /** The peer's ifindex; the kernel takes it only when the link's own is given too. */
  readonly index?: number;
}

/** What to put into IFLA_LINKINFO when creating a link. */
export interface LinkInfoSpec {
  /** IFLA_INFO_KIND. */
  readonly kind: string;
  /** veth only. */
  readonly peer?: VethPeerSpec;
  /** macvlan/macvtap only; absent: the kernel default (vepa). */
  readonly macvlanMode?: MacvlanMode;
}

/** Decodes an IFLA_LINKINFO payload. */
export function decodeLinkInfo(payload: Uint8Array): LinkInfo {
  const b = Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  return decodeLinkInfoAt(b, 0, b.length);
}

/** The first u32 or u8 of nested attribute `want` within `b[start, end)`, if present. */
function nestedValue(b: Buffer, start: number, end: number, want: number, bytes: 1 | 4): number | undefined {
  const at = attrAt(b, start, end, want);
  if (at < 0 || attrLength(b, at) < bytes) return undefined;
  return bytes === 1 ? b[at + 4]! : b.readUInt32LE(at + 4);
}

/** Kinds whose IFLA_INFO_DATA `decodeLinkInfoAt` reads; a bridge's (~40 attributes) and the rest it skips. */
export const KINDS_WITH_DATA_READ: ReadonlySet<string> = new Set(['tun', 'macvlan', 'macvtap']);

/**
 * Decodes the IFLA_LINKINFO attribute at `b[start, end)` in place: a snapshot reads one per
 * link, so it walks the message's own bytes (no sub-buffer per attribute, strings read
 * straight from the bytes) — cheap even before the JIT has warmed up.
 */
export function decodeLinkInfoAt(b: Buffer, start: number, end: number): LinkInfo {
  const out: { -readonly [K in keyof LinkInfo]: LinkInfo[K] } = {};
  let dataAt = -1;
  let dataEnd = -1;
  let pos = start;
  while (pos + 4 <= end) {
    const len = b[pos]! | (b[pos + 1]! << 8);
    if (len < 4 || pos + len > end) break;
    const type = (b[pos + 2]! | (b[pos + 3]! << 8)) & 0x3fff;
    if (type === IFLA_INFO.KIND) out.kind = b.toString(undefined, pos + 4, b[pos + len - 1] === 0 ? pos + len - 1 : pos + len);
    else if (type === IFLA_INFO.DATA) {
      dataAt = pos + 4;
      dataEnd = pos + len;
    }
    pos += (len + 3) & ~3;
  }
  // Only tun and macvlan/macvtap data matter (KINDS_WITH_DATA_READ).
  if (dataAt < 0) return out;
  if (out.kind === 'tun') {
    const t = nestedValue(b, dataAt, dataEnd, IFLA_TUN_TYPE, 1);
    if (t === IFF_TAP) out.tunType = 'tap';
    else if (t === IFF_TUN) out.tunType = 'tun';
  } else if (out.kind === 'macvlan' || out.kind === 'macvtap') {
    const m = nestedValue(b, dataAt, dataEnd, IFLA_MACVLAN_MODE, 4);
    const mode = (Object.keys(MACVLAN_MODES) as MacvlanMode[]).find((k) => MACVLAN_MODES[k] === m);
    if (mode !== undefined) out.macvlanMode = mode;
  }
  return out;
}

/** Parses `aa:bb:cc:dd:ee:ff` into 6 bytes. */
export function macBytes(mac: string): Buffer {
  return Buffer.from(mac.split(':').map((h) => parseInt(h, 16)));
}

/** Encodes IFLA_LINKINFO for RTM_NEWLINK (`ip link add … type KIND …`): the attribute's payload. */
export function encodeLinkInfo(spec: LinkInfoSpec): Buffer {
  const w = new NlWriter(128);
  writeLinkInfo(w, spec);
  return w.finish();
}

/** Writes the payload of IFLA_LINKINFO into `w`, inside the attribute the caller began. */
export function writeLinkInfo(w: NlWriter, spec: LinkInfoSpec): void {
  w.attrStr(IFLA_INFO.KIND, spec.kind);
  if (spec.peer !== undefined) {
    const p = spec.peer;
    const data = w.begin(IFLA_INFO.DATA);
    // VETH_INFO_PEER is an ifinfomsg followed by the peer's own IFLA_* attributes.
    const peer = w.begin(VETH_INFO_PEER);
    w.ifinfomsg(p.index ?? 0, p.up === true ? IFF_UP : 0, p.up === undefined ? 0 : IFF_UP).attrStr(IFLA.IFNAME, p.name);
    // One queue each way, like its other end (see `newLinkRequest`).
    w.attrU32(IFLA.NUM_TX_QUEUES, 1).attrU32(IFLA.NUM_RX_QUEUES, 1);
    if (p.mac !== undefined) w.attrBytes(IFLA.ADDRESS, macBytes(p.mac));
    if (p.mtu !== undefined) w.attrU32(IFLA.MTU, p.mtu);
    if (p.netnsFd !== undefined) w.attrU32(IFLA.NET_NS_FD, p.netnsFd);
    w.end(peer).end(data);
  } else if (spec.macvlanMode !== undefined) {
    const data = w.begin(IFLA_INFO.DATA);
    w.attrU32(IFLA_MACVLAN_MODE, MACVLAN_MODES[spec.macvlanMode]).end(data);
  }
}
