/** A port with no kernel behind it, for tests that play the kernel's answers themselves. */
import type { NetlinkPort } from '../../src/netlink/index.ts';

/** A port whose requests succeed with no reply and whose dumps are empty, with `overrides` in their place. */
export function fakePort(overrides: Partial<NetlinkPort>): NetlinkPort {
  return {
    request: async () => [],
    dump: async () => [],
    openNetns: async () => 3,
    closeFd: async () => undefined,
    close: async () => undefined,
    ...overrides,
  };
}
