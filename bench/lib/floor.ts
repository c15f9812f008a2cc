/**
 * The kernel floor of the seed wiring: the very requests the netlink driver sends (same
 * messages, flags, chosen ifindexes and order, ownership alias included), pre-encoded into
 * datagrams of 32 with one acknowledgement each and sent as fast as replies allow — no driver logic,
 * no promises, no IPC. What remains is the kernel's work plus one syscall per datagram: no
 * client of this socket API can apply the wiring faster. Run inside the namespace:
 * `nsenter --net=/var/run/netns/NS node --import=tsx bench/lib/floor.ts pod|wire N [PREFIX]`;
 * prints one JSON line `{ wall, cpu, sleeps, preempted }` (ms, ms, context switches), measured
 * from the first send to the last reply.
 */
import { createRequire } from 'node:module';
import { WIRESTATE_ALIAS } from '@wirestate/core';
import { addressRequest, newLinkRequest, setLinkRequest } from '../../packages/drivers/src/netlink/messages.ts';
import type { NlRequest } from '../../packages/drivers/src/netlink/port.ts';

/** The part of the `netlink` package's raw socket used here (the package is a dependency of the drivers). */
interface Raw {
  address(): { port: number };
  send(msg: Uint8Array): void;
  on(event: 'message', listener: (msg: Buffer) => void): void;
  close(): void;
}
const { RawNetlinkSocket } = createRequire(new URL('../../packages/drivers/package.json', import.meta.url))('netlink') as {
  RawNetlinkSocket: new (protocol: number, options: { recvBufferSize: number; sendBufferSize: number }) => Raw;
};

const NLM_F_REQUEST = 0x1;
const NLM_F_ACK = 0x4;
const PER_DATAGRAM = 32;
const IN_FLIGHT = 128;
/** Ifindexes chosen up front like the driver's (a fresh namespace has none this high). */
const BASE = 100_000;

const addr = (i: number): string => `10.${(i >> 8) & 255}.${i & 255}.5/16`;
const mac = (i: number): string => `02:00:00:00:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;

/** The driver's requests of one phase, in its order (see `bench/netlink.ts`). */
export function floorRequests(phase: 'pod' | 'wire', n: number, prefix = ''): NlRequest[] {
  const p = (i: number): string => `${prefix}p${i}`;
  const q = (i: number): string => `${prefix}q${i}`;
  const b = (i: number): string => `${prefix}b${i}`;
  // A veth pair takes two consecutive indexes (p, then its peer q), a bridge one.
  const pIndex = (i: number): number => BASE + 3 * i;
  const bIndex = (i: number): number => BASE + 3 * i + 2;
  const out: NlRequest[] = [];
  const range = Array.from({ length: n }, (_, i) => i);
  if (phase === 'pod') {
    // Creations, their ownership marks, then the addresses (the driver's two waves).
    for (const i of range) out.push(newLinkRequest({ name: p(i), up: true, linkInfo: { kind: 'veth', peer: { name: q(i), index: pIndex(i) + 1 } } }, pIndex(i)));
    for (const i of range) out.push(setLinkRequest(0, { name: p(i), alias: WIRESTATE_ALIAS }), setLinkRequest(0, { name: q(i), alias: WIRESTATE_ALIAS }));
    for (const i of range) out.push(addressRequest('add', pIndex(i), addr(i)));
  } else {
    // A wave grouped by kind (bridges, MAC changes, address removals), the bridges' marks, then enslaving.
    for (const i of range) out.push(newLinkRequest({ name: b(i), up: true, linkInfo: { kind: 'bridge' } }, bIndex(i)));
    for (const i of range) out.push(setLinkRequest(0, { name: p(i), mac: mac(i) }));
    for (const i of range) out.push(addressRequest('del', pIndex(i), addr(i)));
    for (const i of range) out.push(setLinkRequest(0, { name: b(i), alias: WIRESTATE_ALIAS }));
    for (const i of range) out.push(setLinkRequest(0, { name: p(i), masterIndex: bIndex(i), up: true }));
  }
  return out;
}

/** Encodes requests into datagrams: sequence numbers from 1, NLM_F_ACK on the last of each. */
function datagrams(reqs: readonly NlRequest[], portId: number): { buf: Buffer; lastSeq: number; count: number }[] {
  const out: { buf: Buffer; lastSeq: number; count: number }[] = [];
  for (let at = 0; at < reqs.length; at += PER_DATAGRAM) {
    const slice = reqs.slice(at, at + PER_DATAGRAM);
    const parts: Buffer[] = [];
    slice.forEach((r, k) => {
      const h = Buffer.alloc(16);
      h.writeUInt32LE(16 + r.payload.length, 0);
      h.writeUInt16LE(r.type, 4);
      h.writeUInt16LE(NLM_F_REQUEST | r.flags | (k === slice.length - 1 ? NLM_F_ACK : 0), 6);
      h.writeUInt32LE(at + k + 1, 8);
      h.writeUInt32LE(portId, 12);
      parts.push(h, Buffer.from(r.payload), Buffer.alloc((4 - (r.payload.length % 4)) % 4));
    });
    out.push({ buf: Buffer.concat(parts), lastSeq: at + slice.length, count: slice.length });
  }
  return out;
}

/** Sends the requests and resolves once the last datagram is acknowledged; rejects on the first error. */
export function blast(reqs: readonly NlRequest[]): Promise<{ wall: number; cpu: number; sleeps: number; preempted: number }> {
  const sock = new RawNetlinkSocket(0, { recvBufferSize: 4 << 20, sendBufferSize: 0 });
  const grams = datagrams(reqs, sock.address().port);
  const lastOf = new Map(grams.map((g, k) => [g.lastSeq, k]));
  return new Promise((resolve, reject) => {
    let next = 0;
    let acked = 0;
    let inFlight = 0;
    const cpu0 = process.cpuUsage();
    const r0 = process.resourceUsage();
    const t0 = process.hrtime.bigint();
    const pump = (): void => {
      while (next < grams.length && inFlight + grams[next]!.count <= IN_FLIGHT) {
        inFlight += grams[next]!.count;
        sock.send(grams[next++]!.buf);
      }
    };
    sock.on('message', (buf: Buffer) => {
      for (let pos = 0; pos + 16 <= buf.length; ) {
        const len = buf.readUInt32LE(pos);
        if (buf.readUInt16LE(pos + 4) === 2) {
          const errno = -buf.readInt32LE(pos + 16);
          const seq = buf.readUInt32LE(pos + 8);
          if (errno !== 0) {
            sock.close();
            reject(new Error(`request ${seq} failed with errno ${errno}`));
            return;
          }
          const k = lastOf.get(seq);
          if (k !== undefined) {
            inFlight -= grams[k]!.count;
            if (++acked === grams.length) {
              const wall = Number(process.hrtime.bigint() - t0) / 1e6;
              const c = process.cpuUsage(cpu0);
              const r = process.resourceUsage();
              sock.close();
              // Voluntary switches: waits inside the kernel (RTNL, RCU); involuntary: other work took the CPU.
              resolve({
                wall,
                cpu: (c.user + c.system) / 1000,
                sleeps: r.voluntaryContextSwitches - r0.voluntaryContextSwitches,
                preempted: r.involuntaryContextSwitches - r0.involuntaryContextSwitches,
              });
              return;
            }
          }
        }
        pos += (len + 3) & ~3;
      }
      pump();
    });
    pump();
  });
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [phase, n, prefix] = process.argv.slice(2);
  const reqs = floorRequests(phase === 'wire' ? 'wire' : 'pod', Number(n), prefix ?? '');
  process.stdout.write(`${JSON.stringify(await blast(reqs))}\n`);
}
