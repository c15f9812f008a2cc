/** Public entry of the standalone dnsmasq driver: what this file does not export is internal. */
export { createDnsmasqDriver, validateServer, livePid } from './driver.ts';
export type { DnsmasqDriver, DnsmasqDriverOptions, DnsmasqState } from './driver.ts';
export { configText, hostsText, parseHosts, instancePaths } from './files.ts';
export type { InstancePaths } from './files.ts';
export { dhcpOptionLines, parseDhcpOptionLines } from './options.ts';
export { Checker } from './validate.ts';
