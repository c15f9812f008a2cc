/**
 * The port over an rtnetlink socket opened in this process with the `netlink` package:
 * the socket belongs to the namespace this process runs in.
 */
import { closeSync, openSync } from 'node:fs';
import { createNetlink, type NetlinkSocket } from 'netlink';
import { DEFAULT_RECV_BUFFER, Semaphore, inFlightCap, type NetlinkPort, type NlRequest, type SocketOptions } from './port.ts';

const NETLINK_ROUTE = 0;

/** A port over a new rtnetlink socket in the current namespace. */
export function socketPort(options: SocketOptions = {}): NetlinkPort & { readonly maxInFlight: number } {
  const sock: NetlinkSocket = createNetlink(NETLINK_ROUTE, {
    recvBufferSize: options.recvBufferSize ?? DEFAULT_RECV_BUFFER,
    sendBufferSize: 0,
  });
  // getsockopt(SO_RCVBUF) reports twice the granted size (the kernel's bookkeeping share).
  const granted = Math.floor(sock.getRecvBufferSize() / 2);
  const maxInFlight = options.maxInFlight ?? inFlightCap(granted);
  const slots = new Semaphore(maxInFlight);
  const dumps = new Semaphore(1);
  const payloads = (msgs: { data: Uint8Array }[]): Uint8Array[] => msgs.map((m) => m.data);
  return {
    maxInFlight,
    request: (req: NlRequest) =>
      slots.run(async () => payloads((await sock.request(req.type, req.payload, { flags: req.flags }))[0])),
    // A socket has one multipart reassembly slot: dumps must run one at a time.
    dump: (type, payload) =>
      dumps.run(() => slots.run(async () => payloads((await sock.request(type, payload, { flags: 0x300 }))[0]))),
    openNetns: async (path) => openSync(path, 'r'),
    closeFd: async (fd) => closeSync(fd),
    close: async () => sock.close(),
  };
}
