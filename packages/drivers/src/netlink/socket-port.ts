/**
 * The port over an rtnetlink socket opened in this process with the `netlink` package's raw
 * socket: the socket belongs to the namespace this process runs in.
 *
 * Why the raw layer: the kernel runs each request synchronously inside sendmsg(), so per
 * request JavaScript is pure overhead on top of the kernel's work. Here requests queue up
 * and leave several to a datagram (the kernel processes every message of a datagram in
 * order and acknowledges each), replies are matched by sequence number, and errnos arrive
 * as numbers — no `Request rejected: EXXX` text to parse.
 */
import { closeSync, openSync } from 'node:fs';
import { constants } from 'node:os';
import { RawNetlinkSocket } from 'netlink';
import { DEFAULT_RECV_BUFFER, Semaphore, inFlightCap, type NetlinkPort, type NlRequest, type SocketOptions } from './port.ts';

const NETLINK_ROUTE = 0;
const NLM_F_REQUEST = 0x1;
const NLM_F_ACK = 0x4;
const NLM_F_DUMP = 0x300;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const NLMSG_HDRLEN = 16;
/** Messages per datagram: small enough to stay far below the send buffer. */
const MAX_PER_DATAGRAM = 32;

/** errno → name, preferring the kernel's names where Node has two (95: EOPNOTSUPP, 11: EAGAIN). */
const ERRNO_NAMES: ReadonlyMap<number, string> = (() => {
  const m = new Map<number, string>();
  for (const [name, n] of Object.entries(constants.errno)) if (!m.has(n)) m.set(n, name);
  m.set(constants.errno.EOPNOTSUPP, 'EOPNOTSUPP');
  m.set(constants.errno.EAGAIN, 'EAGAIN');
  return m;
})();

/** The error a rejected request rejects with: the package's message shape, plus the code. */
export function rejection(errno: number): Error {
  const code = ERRNO_NAMES.get(errno) ?? `E${errno}`;
  return Object.assign(new Error(`Request rejected: ${code}`), { code, errno });
}

interface Pending {
  readonly messages: Buffer[];
  readonly resolve: (m: Uint8Array[]) => void;
  readonly reject: (e: Error) => void;
}

/** A port over a new rtnetlink socket in the current namespace. */
export function socketPort(options: SocketOptions = {}): NetlinkPort & { readonly maxInFlight: number } {
  const sock = new RawNetlinkSocket(NETLINK_ROUTE, {
    recvBufferSize: options.recvBufferSize ?? DEFAULT_RECV_BUFFER,
    sendBufferSize: 0,
  });
  // getsockopt(SO_RCVBUF) reports twice the granted size (the kernel's bookkeeping share).
  const granted = Math.floor(sock.getRecvBufferSize() / 2);
  const maxInFlight = options.maxInFlight ?? inFlightCap(granted);
  const portId = sock.address().port;
  const pending = new Map<number, Pending>();
  // Each queued request is its 16-byte header and its payload (padded to 4 bytes), sent without copying.
  const queue: [Buffer, ...Uint8Array[]][] = [];
  const dumps = new Semaphore(1);
  let seq = (Math.random() * 0x7fffffff) | 0;
  let inFlight = 0;
  let closed = false;

  function pump(): void {
    while (queue.length > 0 && inFlight < maxInFlight) {
      const batch = queue.splice(0, Math.min(MAX_PER_DATAGRAM, maxInFlight - inFlight));
      inFlight += batch.length;
      // Messages of a datagram start on 4-byte boundaries (NLMSG_ALIGN).
      sock.send(batch.flat(), {}, (err) => {
        if (err === undefined) return;
        // The whole datagram was refused: every request in it fails alike.
        for (const [header] of batch) finish(header.readUInt32LE(8), err);
      });
    }
  }

  function finish(s: number, err?: Error): void {
    const p = pending.get(s);
    if (p === undefined) return;
    pending.delete(s);
    inFlight--;
    if (err === undefined) p.resolve(p.messages);
    else p.reject(err);
  }

  sock.on('message', (buf: Buffer) => {
    let pos = 0;
    while (pos + NLMSG_HDRLEN <= buf.length) {
      const len = buf.readUInt32LE(pos);
      if (len < NLMSG_HDRLEN || pos + len > buf.length) break;
      const type = buf.readUInt16LE(pos + 4);
      const s = buf.readUInt32LE(pos + 8);
      if (type === NLMSG_ERROR) {
        const errno = -buf.readInt32LE(pos + NLMSG_HDRLEN);
        finish(s, errno === 0 ? undefined : rejection(errno));
      } else if (type === NLMSG_DONE) {
        finish(s);
      } else {
        pending.get(s)?.messages.push(buf.subarray(pos + NLMSG_HDRLEN, pos + len));
      }
      pos += (len + 3) & ~3;
    }
    pump();
  });
  sock.on('error', (err) => {
    for (const s of [...pending.keys()]) finish(s, err);
  });

  function submit(type: number, flags: number, payload: Uint8Array): Promise<Uint8Array[]> {
    if (closed) return Promise.reject(Object.assign(new Error('netlink socket closed'), { code: 'EBADF' }));
    seq = (seq + 1) >>> 0;
    const s = seq;
    const header = Buffer.allocUnsafe(NLMSG_HDRLEN);
    header.writeUInt32LE(NLMSG_HDRLEN + payload.length, 0);
    header.writeUInt16LE(type, 4);
    header.writeUInt16LE(flags, 6);
    header.writeUInt32LE(s, 8);
    header.writeUInt32LE(portId, 12);
    const done = new Promise<Uint8Array[]>((resolve, reject) => pending.set(s, { messages: [], resolve, reject }));
    const pad = (4 - (payload.length % 4)) % 4;
    queue.push(pad === 0 ? [header, payload] : [header, payload, Buffer.alloc(pad)]);
    pump();
    return done;
  }

  return {
    maxInFlight,
    request: (req: NlRequest) => submit(req.type, NLM_F_REQUEST | NLM_F_ACK | req.flags, req.payload),
    // A dump's replies are multipart messages ended by NLMSG_DONE; one dump at a time per socket.
    dump: (type, payload) => dumps.run(() => submit(type, NLM_F_REQUEST | NLM_F_DUMP, payload)),
    openNetns: async (path) => openSync(path, 'r'),
    closeFd: async (fd) => closeSync(fd),
    close: async () => {
      closed = true;
      const err = Object.assign(new Error('netlink socket closed'), { code: 'EBADF' });
      for (const s of [...pending.keys()]) finish(s, err);
      sock.close();
    },
  };
}

