/** The real drivers of one run, built for a topology's scopes. */
import type { DriverSet, Scope } from '@wirestate/core';
import { createCniDriver } from './cni/index.ts';
import { createDnsmasqDriver } from './dnsmasq/index.ts';
import { createLibvirtDriver } from './libvirt/index.ts';
import { createNetlinkDriver } from './netlink/index.ts';

/** Options of `createSystemDrivers`. */
export interface SystemDriverOptions {
  /** Scopes the run acts in. */
  readonly scopes: readonly Scope[];
  /** wirestate's state directory (dnsmasq instances, CNI results). */
  readonly stateDir: string;
  /** Directories holding CNI plugin binaries; absent: `['/usr/lib/cni']`. */
  readonly cniPath?: readonly string[];
  /** The node's netns where CNI plugins run, written like a scope's `netns`; absent: wirestate's own. */
  readonly nodeNetns?: string;
}

/** A driver set for the real system, and a `close` releasing its sockets and workers. */
export interface SystemDrivers {
  readonly drivers: DriverSet;
  close(): Promise<void>;
}

/** Netlink, libvirt, dnsmasq and CNI drivers over the given scopes. */
export function createSystemDrivers(options: SystemDriverOptions): SystemDrivers {
  const drivers: DriverSet = {
    netlink: createNetlinkDriver({ scopes: options.scopes }),
    libvirt: createLibvirtDriver({ scopes: options.scopes }),
    dnsmasq: createDnsmasqDriver({ scopes: options.scopes, stateDir: options.stateDir }),
    cni: createCniDriver({
      scopes: options.scopes,
      stateDir: options.stateDir,
      ...(options.cniPath !== undefined ? { cniPath: options.cniPath } : {}),
      ...(options.nodeNetns !== undefined ? { nodeNetns: options.nodeNetns } : {}),
    }),
  };
  return {
    drivers,
    async close() {
      await Promise.all(Object.values(drivers).map((d) => d?.close?.()));
    },
  };
}
