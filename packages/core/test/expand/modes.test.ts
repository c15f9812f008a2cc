/** Binding expansion: what each mode produces from recorded facts, and its refusals. */
import test from 'ava';
import { expand, type Topology, ValidationError } from '@wirestate/core';
import { facts } from './facts.ts';

const topo = (binding: Record<string, unknown>): Topology =>
  ({ apiVersion: 'wirestate/v1', scopes: { pod: {} }, vms: [{ name: 'vm1', scope: 'pod' }], bindings: [{ vm: 'vm1', podNic: 'eth42', scope: 'pod', ...binding }] }) as unknown as Topology;

test('libvirt-network mode hands the VM the pod IP with router, option 121 plus default route, MTU, DNS and an infinite lease', (t) => {
  const { desired } = expand(topo({ mode: 'libvirt-network' }), facts);
  const net = desired.networks['pod/pod-eth42']!;
  t.regex(net.ips?.[0]?.cidr ?? '', /^169\.254\.\d+\.\d+\/32$/, 'the bridge takes no address of the pod subnet');
  t.is(net.sharedSubnet, '10.244.0.0/24');
  t.is(net.forward, 'open');
  t.deepEqual(net.dhcpOptions, {
    router: '10.244.0.1',
    routes: [
      { dst: '10.96.0.0/12', gateway: '10.244.0.1' },
      { dst: '0.0.0.0/0', gateway: '10.244.0.1' },
    ],
    mtu: 1450,
    dnsServers: ['10.96.0.10'],
    searchDomains: ['cluster.local'],
    leaseTime: 'infinite',
  });
  t.deepEqual(desired.dhcpHosts['pod/pod-eth42/0a:58:0a:f4:00:05'], { scope: 'pod', network: 'pod-eth42', mac: '0a:58:0a:f4:00:05', ip: '10.244.0.5' });
  t.is(desired.vmInterfaces['pod/vm1/0a:58:0a:f4:00:05']?.source, 'pod-eth42');
  const nic = desired.links['pod/eth42']!;
  t.not(nic.mac, '0a:58:0a:f4:00:05');
  t.regex(nic.mac!, /^[0-9a-f][26ae]:/, 'the new MAC is locally administered and unicast');
  t.is(desired.addresses['pod/eth42/10.244.0.5/24']?.state, 'absent');
});

test('bridge mode takes no address from the pod subnet: the bridge gets a link-local /32', (t) => {
  const { desired } = expand(topo({ mode: 'bridge' }), facts);
  const bridgeAddrs = Object.values(desired.addresses).filter((a) => a.dev === 'br-eth42');
  t.is(bridgeAddrs.length, 1);
  t.regex(bridgeAddrs[0]!.cidr, /^169\.254\.\d+\.\d+\/32$/);
  t.is(desired.dhcpServers['pod/br-eth42']?.subnet, '10.244.0.0/24');
  t.deepEqual(Object.keys(desired.networks), []);
});

test('macvtap mode attaches the VM directly to the pod NIC and runs no DHCP', (t) => {
  const { desired } = expand(topo({ mode: 'macvtap' }), facts);
  t.deepEqual(desired.vmInterfaces['pod/vm1/0a:58:0a:f4:00:05'], { scope: 'pod', domain: 'vm1', mac: '0a:58:0a:f4:00:05', type: 'direct', source: 'eth42', sourceMode: 'bridge', model: 'virtio' });
  t.deepEqual(Object.keys(desired.dhcpHosts), []);
  t.is(desired.links['pod/eth42']?.master, null);
});

test('a bridge address outside the pod subnet is refused with its path', (t) => {
  const err = t.throws(() => expand(topo({ mode: 'libvirt-network', bridgeAddress: '10.99.0.1/24' }), facts), { instanceOf: ValidationError });
  t.deepEqual(err?.issues.map((i) => [i.code, i.path.join('.')]), [['outside_subnet', 'bindings.0.bridgeAddress']]);
});

test('a given bridge address inside the pod subnet is used instead of shared-network', (t) => {
  const net = expand(topo({ mode: 'libvirt-network', bridgeAddress: '10.244.0.254/24' }), facts).desired.networks['pod/pod-eth42']!;
  t.deepEqual(net.ips, [{ cidr: '10.244.0.254/24', dhcp: true }]);
  t.is(net.sharedSubnet, undefined);
});

test('a bridge address equal to the pod IP is refused', (t) => {
  const err = t.throws(() => expand(topo({ mode: 'libvirt-network', bridgeAddress: '10.244.0.5/24' }), facts), { instanceOf: ValidationError });
  t.is(err?.issues[0]?.code, 'duplicate');
});

test('a binding without recorded facts is refused rather than guessed', (t) => {
  const err = t.throws(() => expand(topo({ mode: 'bridge' })), { instanceOf: ValidationError });
  t.is(err?.issues[0]?.code, 'facts_missing');
});

test('facts without a binding expand into the restoration of the pod NIC', (t) => {
  const { desired } = expand({ apiVersion: 'wirestate/v1', scopes: { pod: {} } } as Topology, facts);
  t.deepEqual(desired.links['pod/eth42'], { scope: 'pod', name: 'eth42', kind: 'device', mac: '0a:58:0a:f4:00:05', master: null, up: true });
  t.is(desired.networks['pod/pod-eth42']?.state, 'absent');
  t.is(desired.routes['pod/10.96.0.0/12/eth42/0']?.state, undefined);
});
