/** Public entry of the libvirt driver: what this file does not export is internal. */
export { createLibvirtDriver } from './driver.ts';
export type { LibvirtDriver, LibvirtDriverOptions } from './driver.ts';
export { captureLibvirt, stateFromCapture } from './snapshot.ts';
export type { LibvirtCapture, LibvirtState } from './snapshot.ts';
export { networkXml, hostXml, parseNetworkXml, validateNetwork, validateHost, DNSMASQ_XMLNS } from './network-xml.ts';
export type { LibvirtNetwork, ParsedNetwork, NetworkListFacts } from './network-xml.ts';
export { interfaceXml, parseDomainXml, validateInterface } from './domain-xml.ts';
export type { ParsedDomain } from './domain-xml.ts';
export { quoteVirsh, runVirsh } from './virsh.ts';
export type { VirshCommand, CommandResult } from './virsh.ts';
