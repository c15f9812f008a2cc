/** Public entry of the netlink driver: everything not exported here is internal. */
export { createNetlinkDriver, dumpPort } from './driver.ts';
export type { NetlinkDriver, NetlinkDriverOptions } from './driver.ts';
export { normalizeDump, linkKindOf, formatIp, formatMac } from './normalize.ts';
export type { RawDump } from './normalize.ts';
export { decodeLinkInfo, encodeLinkInfo } from './linkinfo.ts';
export type { LinkInfo, LinkInfoSpec, VethPeerSpec } from './linkinfo.ts';
export { recordSnapshot, snapshotFromRecording, writeRecording, readRecording } from './recording.ts';
export { netlinkError, errnoOf, kindOfErrno } from './errors.ts';
export type { NetlinkPort, NlRequest, SocketOptions } from './port.ts';
export { DEFAULT_RECV_BUFFER, inFlightCap } from './port.ts';
export { socketPort } from './socket-port.ts';
export { workerPort } from './worker-port.ts';
export type { WorkerPortOptions } from './worker-port.ts';
export type { PortFactory, PortOptions } from './scope-ports.ts';
export { defaultPortFactory } from './scope-ports.ts';
export type { ExecRunner } from './execute.ts';
