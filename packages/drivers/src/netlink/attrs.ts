/**
 * Netlink attribute (TLV) reading: the bytes the `netlink` package hands back undecoded
 * (dumps, IFLA_LINKINFO); `writer.ts` writes them. Host byte order is little-endian on
 * every platform wirestate targets (x86-64, arm64), so recordings are portable between them.
 */

/** Attribute type bits: the top two are NLA_F_NESTED and NLA_F_NET_BYTEORDER. */
const NLA_TYPE_MASK = 0x3fff;
const NLA_HDRLEN = 4;

/** Rounds up to the 4-byte attribute alignment. */
function align4(n: number): number {
  return (n + 3) & ~3;
}

/**
 * Where attribute `type` starts (its header) among the attributes of `b[start, end)`, or -1:
 * for reading one attribute without materializing the others.
 */
export function attrAt(b: Uint8Array, start: number, end: number, type: number): number {
  let pos = start;
  while (pos + NLA_HDRLEN <= end) {
    const len = b[pos]! | (b[pos + 1]! << 8);
    if (len < NLA_HDRLEN || pos + len > end) break;
    if (((b[pos + 2]! | (b[pos + 3]! << 8)) & NLA_TYPE_MASK) === type) return pos;
    pos += align4(len);
  }
  return -1;
}

/** The payload length of the attribute whose header is at `at`. */
export function attrLength(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8)) - NLA_HDRLEN;
}

/** Parses the attributes in `buf` from `offset` into a map type → payload (later duplicates win). */
export function parseAttrs(buf: Uint8Array, offset = 0): Map<number, Buffer> {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const out = new Map<number, Buffer>();
  let pos = offset;
  while (pos + NLA_HDRLEN <= b.length) {
    const len = b.readUInt16LE(pos);
    if (len < NLA_HDRLEN || pos + len > b.length) break;
    out.set(b.readUInt16LE(pos + 2) & NLA_TYPE_MASK, b.subarray(pos + NLA_HDRLEN, pos + len));
    pos += align4(len);
  }
  return out;
}

/** A u32 attribute payload as a number. */
export function u32(payload: Buffer | undefined): number | undefined {
  return payload !== undefined && payload.length >= 4 ? payload.readUInt32LE(0) : undefined;
}

