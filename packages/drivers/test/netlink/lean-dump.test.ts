/**
 * A link dump cut down in the worker (`lean-dump.ts`) decodes to exactly what the whole dump
 * decodes to, and a worker's streamed link dump arrives that way; no root needed.
 */
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { RTM } from '../../src/netlink/constants.ts';
import { leanLinkDatagram } from '../../src/netlink/lean-dump.ts';
import { linkDumpPayload } from '../../src/netlink/messages.ts';
import { DumpDecoder, normalizeDump } from '../../src/netlink/normalize.ts';
import { readRecording } from '../../src/netlink/recording.ts';
import { workerPort } from '../../src/netlink/worker-port.ts';

const FIXTURE = fileURLToPath(new URL('../../../fixtures/recorded/netlink/bridge-veth-tap-macvtap/', import.meta.url));
const NLMSG_DONE = 3;

/** One netlink message of `type` around `payload`, padded to 4 bytes. */
function message(type: number, payload: Uint8Array): Buffer {
  const m = Buffer.alloc(16 + ((payload.length + 3) & ~3));
  m.writeUInt32LE(16 + payload.length, 0);
  m.writeUInt16LE(type, 4);
  m.set(payload, 16);
  return m;
}

/** The link payloads packed `per` to a datagram, the last one closed by NLMSG_DONE. */
function linkDatagrams(payloads: readonly Uint8Array[], per: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < payloads.length; i += per) out.push(Buffer.concat(payloads.slice(i, i + per).map((p) => message(RTM.NEWLINK, p))));
  out.push(Buffer.concat([out.pop() ?? Buffer.alloc(0), message(NLMSG_DONE, Buffer.alloc(4))]));
  return out;
}

test('lean link datagrams decode to the same state as the whole dump, in a fraction of its bytes', async (t) => {
  const raw = await readRecording(FIXTURE);
  const expected = normalizeDump(raw, 'pod');
  for (const per of [1, 3, 1000]) {
    const whole = linkDatagrams(raw.links, per);
    const d = new DumpDecoder();
    let wholeBytes = 0;
    let leanBytes = 0;
    for (const g of whole) {
      const out = Buffer.alloc(g.length + 8);
      // Written at an offset, as into a chunk that already holds other datagrams.
      const end = leanLinkDatagram(g, out, 8);
      d.datagram(out.subarray(8, end));
      wholeBytes += g.length;
      leanBytes += end - 8;
    }
    for (const p of raw.addresses) d.address(p);
    for (const p of raw.routes) d.route(p);
    // The fixture's tap and macvtap keep the kind data the decoder reads (tun type, mode).
    t.deepEqual(d.finish('pod'), expected, `${per} messages per datagram`);
    t.true(leanBytes * 3 < wholeBytes, `${leanBytes} lean bytes of ${wholeBytes}`);
  }
});

test('messages other than links pass through lean unchanged, and an output without room for the whole datagram is refused', (t) => {
  const done = message(NLMSG_DONE, Buffer.from([0, 0, 0, 0]));
  const route = message(RTM.NEWROUTE, Buffer.from([2, 24, 0, 0, 254, 4, 0, 1, 0, 0, 0, 0]));
  const both = Buffer.concat([route, done]);
  const out = Buffer.alloc(both.length);
  t.is(leanLinkDatagram(both, out, 0), both.length);
  t.deepEqual(out, both);
  t.throws(() => leanLinkDatagram(both, Buffer.alloc(both.length), 1), { instanceOf: RangeError });
});

test("a worker's streamed link dump decodes to the links of a collected dump", async (t) => {
  // The worker runs in this process's namespace: reading it needs no privilege.
  const port = workerPort();
  t.teardown(() => port.close());
  const collected = await port.dump(RTM.GETLINK, linkDumpPayload());
  const decoder = new DumpDecoder();
  let chunks = 0;
  const rest = await port.dump(RTM.GETLINK, linkDumpPayload(), (c) => {
    chunks++;
    decoder.datagram(c);
  });
  t.deepEqual(rest, []);
  t.true(chunks >= 1);
  t.deepEqual(decoder.finish('host').links, normalizeDump({ links: collected, addresses: [], routes: [] }, 'host').links);
});
