/** Names a binding implies when it leaves them out; the expansion step uses the same functions. */

const encoder = new TextEncoder();

/** Cuts a string to at most `max` UTF-8 bytes without splitting a character. */
export function cutBytes(s: string, max: number): string {
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const n = encoder.encode(ch).length;
    if (bytes + n > max) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/** The bridge a binding makes when it names none: `br-<podNic>` cut to the kernel's 15 bytes. */
export function defaultBridgeName(podNic: string): string {
  return cutBytes(`br-${podNic}`, 15);
}

/** The libvirt network a `libvirt-network` binding defines when it names none. */
export function defaultNetworkName(podNic: string): string {
  return `pod-${podNic}`;
}
