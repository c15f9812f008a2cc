/** The seed's standalone DHCP server on a bridge holding only a link-local /32, shared by the dnsmasq tests. */
import type { ExecutionContext } from 'ava';
import type { DhcpHost, DhcpServer, Scope } from '@wirestate/core';
import { createDnsmasqDriver } from '../../src/dnsmasq/index.ts';
import { ipIn, makeNetns } from '../helpers/netns.ts';
import { tempStateDir } from '../helpers/state-dir.ts';
import { POD_MAC, seedNetwork } from '../libvirt/seed.ts';

/** The reservation pod MAC → `ip` on server `eth42`. */
export const seedServerHost = (ip = '10.244.0.5'): DhcpHost => ({ scope: 'pod', server: 'eth42', mac: POD_MAC, ip });

/**
 * A new netns with bridge `br-eth42` (169.254.75.1/32, up), a state dir, the dnsmasq driver
 * over scope `pod` and the seed's server on the bridge (not started). Teardown stops that
 * server by its pid even when the test failed half-way, then removes the state dir.
 */
export function standaloneSeed(t: ExecutionContext, tag: string) {
  const ns = makeNetns(t, tag);
  ipIn(ns, 'link', 'add', 'br-eth42', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0');
  ipIn(ns, 'addr', 'add', '169.254.75.1/32', 'dev', 'br-eth42');
  ipIn(ns, 'link', 'set', 'br-eth42', 'up');
  const stateDir = tempStateDir(t, 'state');
  const scope: Scope = { name: 'pod', netns: ns };
  const driver = createDnsmasqDriver({ stateDir, scopes: [scope] });
  const server: DhcpServer = { scope: 'pod', name: 'eth42', interface: 'br-eth42', subnet: '10.244.0.0/24', options: seedNetwork().dhcpOptions };
  // Registered after the state dir's removal, so it runs first (ava runs teardowns last-in first-out).
  t.teardown(() => driver.execute({ type: 'dhcpServer.stop', server }).catch(() => undefined));
  return { ns, stateDir, scope, driver, server };
}
