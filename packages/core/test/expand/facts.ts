/** Recorded facts of the seed's pod NIC eth42, shared by the expansion tests. */
import type { Facts } from '@wirestate/core';

export const facts: Facts = {
  version: 1,
  podNics: {
    'pod/eth42': {
      scope: 'pod',
      podNic: 'eth42',
      mac: '0a:58:0a:f4:00:05',
      mtu: 1450,
      addresses: ['10.244.0.5/24'],
      routes: [{ scope: 'pod', dst: '10.96.0.0/12', dev: 'eth42', gateway: '10.244.0.1', metric: 0, routeScope: 'universe', protocol: 4 }],
      gateway: '10.244.0.1',
      dns: { servers: ['10.96.0.10'], search: ['cluster.local'] },
      binding: { vm: 'vm1', podNic: 'eth42', mode: 'libvirt-network', scope: 'pod' },
    },
  },
};
