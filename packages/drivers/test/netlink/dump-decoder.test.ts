/**
 * Decoding dumps as they arrive: whole datagrams (netlink headers, several messages, the
 * final NLMSG_DONE) decode to the same state as the payloads of a recorded dump; and a
 * streamed dump on a real socket hands over the datagrams a collected dump is made of.
 */
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { RTM } from '../../src/netlink/constants.ts';
import { linkDumpPayload } from '../../src/netlink/messages.ts';
import { DumpDecoder, normalizeDump } from '../../src/netlink/normalize.ts';
import { readRecording } from '../../src/netlink/recording.ts';
import { socketPort } from '../../src/netlink/socket-port.ts';

const FIXTURE = fileURLToPath(new URL('../../../fixtures/recorded/netlink/bridge-veth-tap-macvtap/', import.meta.url));
const NLMSG_DONE = 3;

/** Calls `fn` with the type and payload of every netlink message of a datagram. */
function eachMessage(d: Uint8Array, fn: (type: number, payload: Buffer) => void): void {
  const b = Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  for (let pos = 0; pos + 16 <= b.length; pos += (b.readUInt32LE(pos) + 3) & ~3) fn(b.readUInt16LE(pos + 4), b.subarray(pos + 16, pos + b.readUInt32LE(pos)));
}

/** Messages of `type` packed into datagrams of `perDatagram` each, a NLMSG_DONE closing the last. */
function datagrams(type: number, payloads: readonly Uint8Array[], perDatagram: number): Buffer[] {
  const out: Buffer[] = [];
  const message = (t: number, p: Uint8Array): Buffer => {
    const padded = Buffer.alloc(16 + ((p.length + 3) & ~3));
    padded.writeUInt32LE(16 + p.length, 0);
    padded.writeUInt16LE(t, 4);
    padded.writeUInt32LE(7, 8);
    padded.set(p, 16);
    return padded;
  };
  for (let i = 0; i < payloads.length; i += perDatagram) out.push(Buffer.concat(payloads.slice(i, i + perDatagram).map((p) => message(type, p))));
  out.push(message(NLMSG_DONE, Buffer.alloc(4)));
  return out;
}

test('whole datagrams of the three dumps decode to the same state as the recorded payloads, however the messages are split', async (t) => {
  const raw = await readRecording(FIXTURE);
  const expected = normalizeDump(raw, 'pod');
  for (const per of [1, 2, 5, 1000]) {
    const d = new DumpDecoder();
    for (const g of datagrams(RTM.NEWLINK, raw.links, per)) d.datagram(g);
    // Addresses and routes may arrive before links are complete; they name links by index.
    for (const g of [...datagrams(RTM.NEWROUTE, raw.routes, per), ...datagrams(RTM.NEWADDR, raw.addresses, per)]) d.datagram(g);
    t.deepEqual(d.finish('pod'), expected, `${per} messages per datagram`);
  }
});

test('a streamed dump hands over whole datagrams holding the messages a collected dump returns', async (t) => {
  const port = socketPort();
  t.teardown(() => port.close());
  const collected = await port.dump(RTM.GETLINK, linkDumpPayload());
  const streamed: Buffer[] = [];
  const types = new Set<number>();
  const rest = await port.dump(RTM.GETLINK, linkDumpPayload(), (d) =>
    eachMessage(d, (type, payload) => {
      types.add(type);
      if (type === RTM.NEWLINK) streamed.push(payload);
    }),
  );
  t.deepEqual(rest, []);
  t.true(types.has(NLMSG_DONE));
  // The namespace's links (lo at least), in the same order; counters may differ between dumps.
  t.true(streamed.length >= 1);
  t.deepEqual(
    streamed.map((p) => p.readInt32LE(4)),
    collected.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength).readInt32LE(4)),
  );
});
