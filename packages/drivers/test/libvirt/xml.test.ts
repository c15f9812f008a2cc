/** The pure XML codecs and virsh batching, without root. */
import test from 'ava';
import { WIRESTATE_XMLNS } from '@wirestate/core';
import { commandsOf } from '../../src/libvirt/commands.ts';
import { interfaceXml, parseDomainXml } from '../../src/libvirt/domain-xml.ts';
import { hostXml, networkXml, parseNetworkXml } from '../../src/libvirt/network-xml.ts';
import { classifyVirshError, quoteVirsh, splitVirshOutput, virshScript } from '../../src/libvirt/virsh.ts';
import { domainXml, seedHost, seedIface, seedNetwork } from './seed.ts';

test('the seed network is defined with our metadata, STP and DNS off, and its DHCP options as dnsmasq options', (t) => {
  t.is(
    networkXml(seedNetwork()),
    `<network xmlns:dnsmasq="http://libvirt.org/schemas/network/dnsmasq/1.0">
  <name>pod-eth42</name>
  <metadata>
    <wirestate:network xmlns:wirestate="${WIRESTATE_XMLNS}" lease="infinite"/>
  </metadata>
  <bridge name="br-eth42" stp="off" delay="0"/>
  <mtu size="1450"/>
  <dns enable="no"/>
  <ip address="10.244.0.254" prefix="24">
    <dhcp/>
  </ip>
  <dnsmasq:options>
    <dnsmasq:option value="dhcp-option=option:router,10.244.0.1"/>
    <dnsmasq:option value="dhcp-option=option:classless-static-route,10.96.0.0/12,10.244.0.1,0.0.0.0/0,10.244.0.1"/>
    <dnsmasq:option value="dhcp-option=option:mtu,1450"/>
    <dnsmasq:option value="dhcp-option=option:dns-server,10.96.0.10"/>
    <dnsmasq:option value="dhcp-option=option:domain-search,default.svc.cluster.local,svc.cluster.local"/>
  </dnsmasq:options>
</network>`,
  );
});

test('a network wirestate defines parses back to the same network', (t) => {
  const nets = [
    seedNetwork(),
    { ...seedNetwork(), name: 'n2', forward: 'nat' as const, mac: '52:54:00:01:02:03', ips: [{ cidr: '10.0.0.1/24', dhcp: true, dhcpRanges: [{ start: '10.0.0.10', end: '10.0.0.20' }] }], dhcpOptions: { leaseTime: 600 } },
    { scope: 'pod', name: 'bare', bridge: 'br-bare' },
    { ...seedNetwork(), ips: [{ cidr: '169.254.75.1/32', dhcp: true }], sharedSubnet: '10.244.0.0/24' },
  ];
  for (const n of nets) {
    const parsed = parseNetworkXml(networkXml(n), 'pod', { active: true, autostart: false });
    t.deepEqual(parsed.network, { ...n, active: true, autostart: false, owned: true });
    t.deepEqual(parsed.hosts, []);
  }
});

test('a network without our metadata is not owned, and neither are its hosts', (t) => {
  const xml = `<network><name>default</name><bridge name='virbr0'/><ip address='192.168.122.1' netmask='255.255.255.0'><dhcp><host mac='52:54:00:AA:BB:CC' ip='192.168.122.9'/></dhcp></ip></network>`;
  const parsed = parseNetworkXml(xml, 's', { active: false, autostart: true });
  t.deepEqual(parsed.network, { scope: 's', name: 'default', bridge: 'virbr0', ips: [{ cidr: '192.168.122.1/24', dhcp: true }], active: false, autostart: true, owned: false });
  t.deepEqual(parsed.hosts, [{ scope: 's', network: 'default', mac: '52:54:00:aa:bb:cc', ip: '192.168.122.9', owned: false }]);
});

test('a metadata element with another namespace does not make a network ours', (t) => {
  const xml = `<network><name>x</name><metadata><a:mark xmlns:a="https://example.com/not-wirestate"/></metadata><bridge name='b'/></network>`;
  t.false(parseNetworkXml(xml, 's', { active: false, autostart: false }).network.owned);
});

test('a network on a link-local bridge serves the pod subnet through shared-network and a static range', (t) => {
  const xml = networkXml({ ...seedNetwork(), ips: [{ cidr: '169.254.75.1/32', dhcp: true }], sharedSubnet: '10.244.0.0/24' });
  t.true(xml.includes('<ip address="169.254.75.1" prefix="32">'));
  t.true(xml.includes('<dnsmasq:option value="shared-network=br-eth42,10.244.0.0"/>'));
  t.true(xml.includes('<dnsmasq:option value="dhcp-range=10.244.0.0,static,255.255.255.0,infinite"/>'));
});

test('a reservation is one host element, with an infinite lease when the network has one', (t) => {
  t.is(hostXml(seedHost(), 'infinite'), '<host mac="0a:58:0a:f4:00:05" ip="10.244.0.5"><lease expiry="0"/></host>');
  t.is(hostXml({ ...seedHost(), hostname: 'vm1' }), '<host mac="0a:58:0a:f4:00:05" ip="10.244.0.5" name="vm1"/>');
  t.is(hostXml(seedHost(), 3600), '<host mac="0a:58:0a:f4:00:05" ip="10.244.0.5"><lease expiry="3600" unit="seconds"/></host>');
});

test('an interface wirestate attaches parses back from the domain XML', (t) => {
  for (const i of [seedIface(), { ...seedIface(), type: 'direct' as const, source: 'eth0', sourceMode: 'passthru' as const, mtu: 9000 }, { ...seedIface(), type: 'bridge' as const, source: 'br0' }]) {
    const dom = domainXml('vm1', interfaceXml(i));
    t.deepEqual(parseDomainXml(dom, 'pod', true), { domain: { scope: 'pod', name: 'vm1', running: true, owned: false }, interfaces: [{ ...i, owned: false }] });
  }
});

test('each op becomes the virsh command a human would type', (t) => {
  const lease = (): 'infinite' => 'infinite';
  t.deepEqual(commandsOf({ type: 'network.start', network: seedNetwork() }, lease).commands, [['net-start', 'pod-eth42']]);
  t.deepEqual(commandsOf({ type: 'network.autostart', network: seedNetwork(), autostart: false }, lease).commands, [['net-autostart', 'pod-eth42', '--disable']]);
  t.deepEqual(commandsOf({ type: 'dhcpHost.add', host: seedHost(), live: true }, lease).commands, [
    ['net-update', 'pod-eth42', 'add', 'ip-dhcp-host', '<host mac="0a:58:0a:f4:00:05" ip="10.244.0.5"><lease expiry="0"/></host>', '--config', '--live'],
  ]);
  // libvirt finds the entry to modify by MAC, so a MAC change is delete + add.
  t.deepEqual(
    commandsOf({ type: 'dhcpHost.modify', from: seedHost(), host: { ...seedHost(), mac: '52:54:00:00:00:09' }, live: false }, () => undefined).commands.map((c) => c[2]),
    ['delete', 'add'],
  );
  t.deepEqual(commandsOf({ type: 'vmInterface.detach', iface: seedIface(), live: true }, lease).commands, [['detach-device', 'vm1', '{file:0}', '--config', '--live']]);
  const undefine = commandsOf({ type: 'network.undefine', network: seedNetwork() }, lease);
  t.is(undefine.requireOwned, 'pod-eth42');
  t.is(undefine.context, 'undefining network pod-eth42 in scope pod');
});

test('virsh words are quoted for its own tokenizer', (t) => {
  t.is(quoteVirsh('pod-eth42'), 'pod-eth42');
  t.is(quoteVirsh('<host mac="a"/>'), `'<host mac="a"/>'`);
  t.is(quoteVirsh("it's; net-destroy x"), `'it'\\''s; net-destroy x'`);
});

test('a batch output splits back into one result per command, failures included', (t) => {
  const tag = 'wirestate-mark-t';
  t.is(virshScript([['net-start', 'a'], ['net-start', 'b']], tag), `echo ${tag}-o0; net-start a; net-uuid ${tag}-e0; echo ${tag}-o1; net-start b; net-uuid ${tag}-e1`);
  // Recorded from virsh 9.0: a failing command writes two error lines, the marker lookup two more.
  const stdout = `${tag}-o0\nNetwork a started\n\n\n${tag}-o1\n\n`;
  const stderr = [
    `error: failed to get network '${tag}-e0'`,
    `error: Network not found: no network with matching name '${tag}-e0'`,
    "error: failed to get network 'b'",
    "error: Network not found: no network with matching name 'b'",
    `error: failed to get network '${tag}-e1'`,
    `error: Network not found: no network with matching name '${tag}-e1'`,
    '',
  ].join('\n');
  t.deepEqual(splitVirshOutput(stdout, stderr, 2, tag), [
    { stdout: 'Network a started', stderr: '', ok: true },
    { stdout: '', stderr: "error: failed to get network 'b'\nerror: Network not found: no network with matching name 'b'", ok: false },
  ]);
  t.deepEqual(
    splitVirshOutput('', 'error: failed to connect to the hypervisor\n', 1, tag).map((r) => r.ok),
    [false],
  );
});

test('virsh errors map to conflict, invalid_argument or driver_failure', (t) => {
  t.is(classifyVirshError("error: operation failed: network 'n1' already exists with uuid 9393"), 'conflict');
  t.is(classifyVirshError("error: Network not found: no network with matching name 'nope'"), 'conflict');
  t.is(classifyVirshError('error: XML error: mtu size only allowed in open, route, nat, and isolated mode'), 'invalid_argument');
  t.is(classifyVirshError('error: internal error: Child process (dnsmasq) unexpected exit status 2'), 'driver_failure');
});
