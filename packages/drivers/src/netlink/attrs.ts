/**
 * Netlink attribute (TLV) reading and writing: the bytes the `netlink` package hands back
 * undecoded (dumps, IFLA_LINKINFO). Host byte order is little-endian on every platform
 * wirestate targets (x86-64, arm64), so recordings are portable between them.
 */

/** Attribute type bits: the top two are NLA_F_NESTED and NLA_F_NET_BYTEORDER. */
const NLA_TYPE_MASK = 0x3fff;
const NLA_HDRLEN = 4;

/** Rounds up to the 4-byte attribute alignment. */
export function align4(n: number): number {
  return (n + 3) & ~3;
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

/** A NUL-terminated string attribute payload. */
export function str(payload: Buffer | undefined): string | undefined {
  if (payload === undefined) return undefined;
  const end = payload.indexOf(0);
  return payload.toString('utf8', 0, end === -1 ? payload.length : end);
}

/**
 * A zeroed buffer carved from Node's shared pool: `Buffer.alloc` gives every small buffer
 * its own ArrayBuffer, whose backing store V8 tracks and frees on background threads — at
 * several buffers per request, that was a large share of the driver's CPU.
 */
export function zeroed(n: number): Buffer {
  return Buffer.allocUnsafe(n).fill(0);
}

/** One attribute with its header and padding. */
export function attr(type: number, payload: Buffer): Buffer {
  const len = NLA_HDRLEN + payload.length;
  const out = zeroed(align4(len));
  out.writeUInt16LE(len, 0);
  out.writeUInt16LE(type, 2);
  payload.copy(out, NLA_HDRLEN);
  return out;
}

/** A u32 attribute. */
export function attrU32(type: number, value: number): Buffer {
  const p = zeroed(4);
  p.writeUInt32LE(value >>> 0, 0);
  return attr(type, p);
}

/** A NUL-terminated string attribute. */
export function attrStr(type: number, value: string): Buffer {
  return attr(type, Buffer.from(`${value}\0`, 'utf8'));
}

/** An ifinfomsg header: family, device type, index, flags and change mask. */
export function ifinfomsg(index: number, flags: number, change: number): Buffer {
  const b = zeroed(16);
  b.writeInt32LE(index, 4);
  b.writeUInt32LE(flags >>> 0, 8);
  b.writeUInt32LE(change >>> 0, 12);
  return b;
}
