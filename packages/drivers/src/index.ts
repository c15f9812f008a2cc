/** Public entry of @wirestate/drivers. */
export { createMemorySystem, FaultPlan, withFaults, applyOp, generatedMac } from './memory/index.ts';
export type { MemorySystem, MemoryOptions, Fault } from './memory/index.ts';
export { errnoError, kindOfErrno } from './errno.ts';
export { netnsPath, inNetns, NETNS_RUN_DIR } from './netns.ts';
export { createSystemDrivers } from './system.ts';
export type { SystemDriverOptions, SystemDrivers } from './system.ts';
export { createNetlinkDriver, normalizeDump, recordSnapshot, snapshotFromRecording, decodeLinkInfo, encodeLinkInfo } from './netlink/index.ts';
export type { NetlinkDriver, NetlinkDriverOptions, RawDump } from './netlink/index.ts';
export { createLibvirtDriver, captureLibvirt, stateFromCapture, networkXml, parseNetworkXml, interfaceXml, parseDomainXml } from './libvirt/index.ts';
export type { LibvirtDriver, LibvirtDriverOptions, LibvirtCapture } from './libvirt/index.ts';
export { createDnsmasqDriver, configText, hostsText, parseHosts } from './dnsmasq/index.ts';
export type { DnsmasqDriver, DnsmasqDriverOptions } from './dnsmasq/index.ts';
export { createCniDriver, parseCniResult, parseCniError, parseNetworkConfig, readNetworkConfig, parseResolvConf, resolvConfOf, readResolver, recordPath, readRecord, CNI_RECORD_VERSION, kindOfCniCode } from './cni/index.ts';
export type { CniDriver, CniDriverOptions, CniPluginError, NetworkConfig, PluginConfig, CniRecord } from './cni/index.ts';
