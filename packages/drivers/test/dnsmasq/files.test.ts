/** The standalone dnsmasq's config and hosts file formats, without root. */
import test from 'ava';
import type { DhcpServer } from '@wirestate/core';
import { configText, hostsText, instancePaths, parseHosts } from '../../src/dnsmasq/files.ts';
import { parseDhcpOptionLines, dhcpOptionLines } from '../../src/dnsmasq/options.ts';
import { seedNetwork } from '../libvirt/seed.ts';

const server: DhcpServer = { scope: 'pod', name: 'eth42', interface: 'br-eth42', subnet: '10.244.0.0/24', options: seedNetwork().dhcpOptions };

test('the config serves the pod subnet through shared-network on a bridge without an address in it, with no DNS', (t) => {
  const p = instancePaths('/var/lib/wirestate', 'pod', 'eth42');
  t.is(
    configText(server, p),
    `# dnsmasq eth42 of scope pod, written by wirestate: changes are overwritten
port=0
interface=br-eth42
except-interface=lo
bind-dynamic
shared-network=br-eth42,10.244.0.0
dhcp-range=10.244.0.0,static,255.255.255.0,infinite
dhcp-authoritative
dhcp-no-override
no-resolv
no-hosts
dhcp-hostsfile=/var/lib/wirestate/dnsmasq/pod/eth42/hosts
dhcp-leasefile=/var/lib/wirestate/dnsmasq/pod/eth42/dnsmasq.leases
pid-file=/var/lib/wirestate/dnsmasq/pod/eth42/dnsmasq.pid
dhcp-option=option:router,10.244.0.1
dhcp-option=option:classless-static-route,10.96.0.0/12,10.244.0.1,0.0.0.0/0,10.244.0.1
dhcp-option=option:mtu,1450
dhcp-option=option:dns-server,10.96.0.10
dhcp-option=option:domain-search,default.svc.cluster.local,svc.cluster.local
`,
  );
});

test('without options the config sets no option at all, not even an empty router', (t) => {
  const text = configText({ ...server, options: {} }, instancePaths('/s', 'pod', 'eth42'));
  t.false(text.includes('dhcp-option'));
  t.true(text.includes('\ndhcp-range=10.244.0.0,static,255.255.255.0\n'));
});

test('reservations round-trip through the hosts file, sorted by MAC, with the lease time', (t) => {
  const hosts = [
    { scope: 'pod', server: 'eth42', mac: '0a:58:0a:f4:00:07', ip: '10.244.0.7', hostname: 'vm2', owned: true },
    { scope: 'pod', server: 'eth42', mac: '0a:58:0a:f4:00:05', ip: '10.244.0.5', owned: true },
  ];
  const text = hostsText(hosts, 'infinite');
  t.is(text, '0a:58:0a:f4:00:05,10.244.0.5,infinite\n0a:58:0a:f4:00:07,10.244.0.7,vm2,infinite\n');
  t.deepEqual(parseHosts(text, 'pod', 'eth42'), [hosts[1], hosts[0]]);
});

test('DHCP options read back from their dnsmasq lines', (t) => {
  const o = seedNetwork().dhcpOptions;
  const { leaseTime: _lease, ...rest } = o ?? {};
  t.deepEqual(parseDhcpOptionLines(dhcpOptionLines(o)), { options: rest, unknown: [] });
  t.deepEqual(parseDhcpOptionLines(['dhcp-option=3', 'dhcp-option=42,10.0.0.1']).unknown, ['dhcp-option=3', 'dhcp-option=42,10.0.0.1']);
});
