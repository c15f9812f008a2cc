/** Where resources live: one network namespace plus one libvirt connection. */
export interface Scope {
  /** Name resources refer to in their `scope` field. */
  readonly name: string;
  /**
   * Network namespace: a name under /var/run/netns (`pod1`), an absolute path
   * (`/proc/1234/ns/net`), or `pid:1234`; absent: the namespace wirestate runs in.
   */
  readonly netns?: string;
  /** libvirt connection URI, `qemu:///system?socket=…`; absent: `qemu:///system`. */
  readonly libvirt?: string;
  /** Path of the resolv.conf whose DNS settings the pod uses; absent: /etc/resolv.conf of the netns. */
  readonly resolvConf?: string;
}

/** Scopes by name. */
export type Scopes = Readonly<Record<string, Scope>>;

/** The default libvirt connection URI. */
export const DEFAULT_LIBVIRT_URI = 'qemu:///system';
