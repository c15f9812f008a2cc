/** Deterministic names and addresses a binding derives: new pod NIC MAC, bridge, network, link-local. */
import { createHash } from 'node:crypto';

const IFNAMSIZ_BYTES = 15;

function hashBytes(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * The MAC the pod NIC takes once the VM has its original one: locally administered,
 * unicast, derived from scope, NIC and original MAC so re-runs agree.
 */
export function derivedMac(scope: string, podNic: string, originalMac: string): string {
  const h = hashBytes(`wirestate/mac/${scope}/${podNic}/${originalMac}`);
  const bytes = [(h[0]! & 0xfc) | 0x02, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!];
  const mac = bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
  return mac === originalMac ? derivedMac(scope, podNic, `${originalMac}'`) : mac;
}

/** Cuts a name to the kernel's 15 bytes. */
export function ifname(name: string): string {
  return Buffer.from(name).subarray(0, IFNAMSIZ_BYTES).toString();
}

/** Default bridge name of a binding: `br-<podNic>` cut to 15 bytes. */
export function defaultBridge(podNic: string): string {
  return ifname(`br-${podNic}`);
}

/** Default libvirt network name of a binding. */
export function defaultNetwork(podNic: string): string {
  return `pod-${podNic}`;
}

/** A link-local /32 for a standalone-dnsmasq bridge, stable per scope and bridge. */
export function linkLocalAddress(scope: string, bridge: string): string {
  const h = hashBytes(`wirestate/ll/${scope}/${bridge}`);
  const third = 1 + (h[0]! % 254);
  const fourth = 1 + (h[1]! % 254);
  return `169.254.${third}.${fourth}/32`;
}
