/** The payload writer: attribute lengths, NUL-terminated strings, padding and nesting as the kernel reads them. */
import test from 'ava';
import { parseAttrs } from '../../src/netlink/attrs.ts';
import { NlWriter } from '../../src/netlink/writer.ts';

test('attributes are written with their unpadded length and padded to four bytes', (t) => {
  const b = new NlWriter(8).zeros(4).attrStr(3, 'eth42').attrText(20, 'ws').attrU32(4, 1400).attrBytes(1, Buffer.from([2, 0, 0, 0, 0, 9])).finish();
  // Header 4 + "eth42\0" (6) → 10, padded 12; alias 4 + 2 → 6, padded 8; u32 8; mac 4 + 6 → 10, padded 12.
  t.is(b.length, 4 + 12 + 8 + 8 + 12);
  t.deepEqual([b.readUInt16LE(4), b.readUInt16LE(16), b.readUInt16LE(24), b.readUInt16LE(32)], [10, 6, 8, 10]);
  const attrs = parseAttrs(b, 4);
  t.is(attrs.get(3)!.toString('latin1'), 'eth42\0');
  t.is(attrs.get(20)!.toString('latin1'), 'ws');
  t.is(attrs.get(4)!.readUInt32LE(0), 1400);
  t.deepEqual([...attrs.get(1)!], [2, 0, 0, 0, 0, 9]);
  // Padding bytes are zero even though the buffer comes from the pool uninitialized.
  t.deepEqual([b[14], b[15], b[22], b[23], b[42], b[43]], [0, 0, 0, 0, 0, 0]);
});

test('a nested attribute spans its padded children and the writer grows past its first guess', (t) => {
  const w = new NlWriter(4);
  const outer = w.begin(18);
  w.attrStr(1, 'veth');
  const inner = w.begin(2);
  w.ifinfomsg(7, 1, 1).attrStr(3, 'a-rather-long-peer');
  w.end(inner).end(outer);
  const b = w.finish();
  const o = parseAttrs(b).get(18)!;
  t.is(b.readUInt16LE(0), b.length);
  const children = parseAttrs(o);
  t.is(children.get(1)!.toString('latin1'), 'veth\0');
  const peer = children.get(2)!;
  t.is(peer.readInt32LE(4), 7);
  t.is(parseAttrs(peer, 16).get(3)!.toString('utf8'), 'a-rather-long-peer\0');
});
