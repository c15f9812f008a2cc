/** The real drivers of one run, built for a topology's scopes. */
import type { DriverSet, Scope } from '@wirestate/core';
import { createDnsmasqDriver } from './dnsmasq/index.ts';
import { createLibvirtDriver } from './libvirt/index.ts';
import { createNetlinkDriver } from './netlink/index.ts';

/** Options of `createSystemDrivers`. */
export interface SystemDriverOptions {
  /** Scopes the run acts in. */
  readonly scopes: readonly Scope[];
  /** wirestate's state directory (dnsmasq instances, CNI results). */
  readonly stateDir: string;
}

/** A driver set for the real system, and a `close` releasing its sockets and workers. */
export interface SystemDrivers {
  readonly drivers: DriverSet;
  close(): Promise<void>;
}

/** Netlink, libvirt and dnsmasq drivers over the given scopes. */
export function createSystemDrivers(options: SystemDriverOptions): SystemDrivers {
  const drivers: DriverSet = {
    netlink: createNetlinkDriver({ scopes: options.scopes }),
    libvirt: createLibvirtDriver({ scopes: options.scopes }),
    dnsmasq: createDnsmasqDriver({ scopes: options.scopes, stateDir: options.stateDir }),
  };
  return {
    drivers,
    async close() {
      await Promise.all(Object.values(drivers).map((d) => d?.close?.()));
    },
  };
}
