/**
 * A link dump's datagram cut down to what the snapshot decoder reads, before it crosses from
 * a worker to the driver's process. A dump of 3,000 links is 4.2 MB, mostly what no snapshot
 * reads: per-family settings (IFLA_AF_SPEC), statistics, a bridge's ~40 settings and each
 * bridge port's. Each RTM_NEWLINK keeps its ifinfomsg and the attributes of
 * `LINK_ATTRS_READ`; its IFLA_LINKINFO keeps the kind, and the kind's data only where the
 * decoder reads it. Other messages (NLMSG_DONE, errors) pass unchanged.
 */
import { IFINFOMSG_LEN, IFLA, IFLA_INFO, RTM } from './constants.ts';
import { KINDS_WITH_DATA_READ } from './linkinfo.ts';
import { LINK_ATTRS_READ } from './normalize.ts';

const NLMSG_HDRLEN = 16;

/** `LINK_ATTRS_READ` as a table by attribute type (one indexed load per attribute of ~130,000 in a dump of 3,000 links). */
const KEEP = new Uint8Array(0x4000);
for (const t of LINK_ATTRS_READ) if (t !== IFLA.LINKINFO) KEEP[t] = 1;

function putU16(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = v >>> 8;
}

/** Copies `b[from, to)` to `out[o…]` and zero-pads it to 4 bytes; returns the new end. Attributes are a few bytes: a loop beats a native copy per attribute. */
function put(b: Uint8Array, from: number, to: number, out: Uint8Array, o: number): number {
  for (let i = from; i < to; i++) out[o++] = b[i]!;
  while ((o & 3) !== 0) out[o++] = 0;
  return o;
}

/** Whether the kind spelled in `b[at, end)` (maybe NUL-terminated) is one whose data the decoder reads. */
function readsData(b: Uint8Array, at: number, end: number): boolean {
  return KINDS_WITH_DATA_READ.has(Buffer.from(b.buffer, b.byteOffset + at, (b[end - 1] === 0 ? end - 1 : end) - at).toString('latin1'));
}

/** The IFLA_LINKINFO attribute at `b[at, end)` with only its kind and the data the decoder reads; returns the new end. */
function putLinkInfo(b: Uint8Array, at: number, end: number, out: Uint8Array, o: number): number {
  const head = o;
  o = put(b, at, at + 4, out, o);
  let kindAt = -1;
  let kindEnd = -1;
  let dataAt = -1;
  let dataEnd = -1;
  for (let pos = at + 4; pos + 4 <= end; ) {
    const len = b[pos]! | (b[pos + 1]! << 8);
    if (len < 4 || pos + len > end) break;
    const type = (b[pos + 2]! | (b[pos + 3]! << 8)) & 0x3fff;
    if (type === IFLA_INFO.KIND) {
      kindAt = pos;
      kindEnd = pos + len;
    } else if (type === IFLA_INFO.DATA) {
      dataAt = pos;
      dataEnd = pos + len;
    }
    pos += (len + 3) & ~3;
  }
  if (kindAt >= 0) {
    o = put(b, kindAt, kindEnd, out, o);
    if (dataAt >= 0 && readsData(b, kindAt + 4, kindEnd)) o = put(b, dataAt, dataEnd, out, o);
  }
  putU16(out, head, o - head);
  return o;
}

/**
 * Writes the datagram `d` of a link dump to `out` from `o`, every RTM_NEWLINK message cut down
 * to what the snapshot decoder reads; returns where it ends. `out` must have room for `d`
 * whole (a lean datagram is never longer).
 */
export function leanLinkDatagram(d: Uint8Array, out: Uint8Array, o: number): number {
  if (out.length - o < d.length) throw new RangeError(`no room for a ${d.length}-byte datagram`);
  let pos = 0;
  while (pos + NLMSG_HDRLEN <= d.length) {
    // An int32 (small integers keep the loop in integer arithmetic): a length of 2 GiB or more reads as negative and ends the walk.
    const len = d[pos]! | (d[pos + 1]! << 8) | (d[pos + 2]! << 16) | (d[pos + 3]! << 24);
    if (len < NLMSG_HDRLEN || pos + len > d.length) break;
    const end = pos + len;
    if ((d[pos + 4]! | (d[pos + 5]! << 8)) !== RTM.NEWLINK || len < NLMSG_HDRLEN + IFINFOMSG_LEN) {
      o = put(d, pos, end, out, o);
    } else {
      const head = o;
      o = put(d, pos, pos + NLMSG_HDRLEN + IFINFOMSG_LEN, out, o);
      for (let a = pos + NLMSG_HDRLEN + IFINFOMSG_LEN; a + 4 <= end; ) {
        const alen = d[a]! | (d[a + 1]! << 8);
        if (alen < 4 || a + alen > end) break;
        const type = (d[a + 2]! | (d[a + 3]! << 8)) & 0x3fff;
        if (KEEP[type] === 1) o = put(d, a, a + alen, out, o);
        else if (type === IFLA.LINKINFO) o = putLinkInfo(d, a, a + alen, out, o);
        a += (alen + 3) & ~3;
      }
      const n = o - head;
      out[head] = n & 0xff;
      out[head + 1] = (n >>> 8) & 0xff;
      out[head + 2] = (n >>> 16) & 0xff;
      out[head + 3] = n >>> 24;
    }
    pos = end + ((4 - (len & 3)) & 3);
  }
  return o;
}
