/**
 * The far end of an owned veth whose peer lives in another scope. The kernel reports such
 * a peer as an ifindex (IFLA_LINK) in the namespace numbered IFLA_LINK_NETNSID, a number
 * local to the dumping namespace: each other scope's namespace is asked its number
 * (`ip netns list-id` by fd), then the peer's name is read from there by index.
 */
import { WIRESTATE_ALIAS } from '@wirestate/core';
import { attrAt, attrLength } from './attrs.ts';
import { NlWriter } from './writer.ts';
import { RTM } from './constants.ts';
import { decodeLink, type RawLink } from './normalize.ts';
import type { NetlinkPort, NlRequest } from './port.ts';

/** RTM_GETNSID and its attributes (linux/net_namespace.h). */
const RTM_GETNSID = 90;
const NETNSA_NSID = 1;
const NETNSA_FD = 3;
/** IFLA_TARGET_NETNSID: a link request aimed at the namespace with this nsid. */
const IFLA_TARGET_NETNSID = 46;

/** Another scope's namespace, as the file the process holding the socket can open. */
export interface PeerNetns {
  readonly scope: string;
  readonly path: string;
}

/** A veth's peer in another scope: its name and that scope. */
export interface RemotePeer {
  readonly name: string;
  readonly scope: string;
}

/** An owned veth of the dump whose peer is in another namespace. */
interface CrossVeth {
  readonly index: number;
  readonly nsid: number;
  readonly peerIndex: number;
}

function buf(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** Owned veths of a link dump whose peer is in another namespace (IFLA_LINK_NETNSID present). */
export function crossNetnsVeths(links: Iterable<RawLink>): CrossVeth[] {
  const out: CrossVeth[] = [];
  for (const l of links) {
    if (l.info.kind === 'veth' && l.alias === WIRESTATE_ALIAS && l.linkNetnsid !== undefined && l.linkNetnsid >= 0 && l.link !== undefined) {
      out.push({ index: l.index, nsid: l.linkNetnsid, peerIndex: l.link });
    }
  }
  return out;
}

/** `ip netns list-id target FD`: the nsid the socket's namespace gives the namespace of `fd`. */
export function getNsidRequest(fd: number): NlRequest {
  // struct rtgenmsg is one byte, aligned to four.
  return { type: RTM_GETNSID, flags: 0, payload: new NlWriter(16).zeros(4).attrU32(NETNSA_FD, fd).finish() };
}

/** The nsid in an RTM_NEWNSID reply; -1 (NETNSA_NSID_NOT_ASSIGNED) when there is none. */
export function nsidOfReply(payload: Uint8Array): number | undefined {
  const b = buf(payload);
  // struct rtgenmsg (one byte, aligned to four), then the attributes.
  const at = attrAt(b, 4, b.length, NETNSA_NSID);
  return at < 0 || attrLength(b, at) < 4 ? undefined : b.readInt32LE(at + 4);
}

/** `ip -link-netnsid NSID link show dev INDEX`: a link of the namespace numbered `nsid`. */
export function getLinkInNsidRequest(index: number, nsid: number): NlRequest {
  return { type: RTM.GETLINK, flags: 0, payload: new NlWriter(32).ifinfomsg(index, 0, 0).attrU32(IFLA_TARGET_NETNSID, nsid).finish() };
}

/**
 * The peers in other scopes of the dump's owned veths, by the veth's ifindex. No request
 * at all when no owned veth has its peer elsewhere; a namespace that cannot be opened or a
 * peer that vanished leaves that veth without a peer rather than failing the snapshot.
 */
export async function remotePeers(port: NetlinkPort, links: Iterable<RawLink>, others: readonly PeerNetns[]): Promise<Map<number, RemotePeer>> {
  const out = new Map<number, RemotePeer>();
  if (others.length === 0) return out;
  const veths = crossNetnsVeths(links);
  if (veths.length === 0) return out;
  const scopeOfNsid = new Map<number, string>();
  await Promise.all(
    others.map(async (o) => {
      let fd: number | undefined;
      try {
        fd = await port.openNetns(o.path);
        const [reply] = await port.request(getNsidRequest(fd));
        const nsid = reply === undefined ? undefined : nsidOfReply(reply);
        if (nsid !== undefined && nsid >= 0) scopeOfNsid.set(nsid, o.scope);
      } catch {
        // A scope whose namespace is gone cannot hold the peer.
      } finally {
        if (fd !== undefined) await port.closeFd(fd);
      }
    }),
  );
  await Promise.all(
    veths.map(async (v) => {
      const scope = scopeOfNsid.get(v.nsid);
      if (scope === undefined) return;
      try {
        const [reply] = await port.request(getLinkInNsidRequest(v.peerIndex, v.nsid));
        const name = reply === undefined ? undefined : decodeLink(reply).name || undefined;
        if (name !== undefined) out.set(v.index, { name, scope });
      } catch {
        // The peer vanished between the dump and this request: the next snapshot tells.
      }
    }),
  );
  return out;
}
