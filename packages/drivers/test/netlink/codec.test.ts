/** Pure encoding and decoding of the netlink driver, on bytes and recorded data: no root. */
import test from 'ava';
import { rt } from 'netlink';
import { WirestateError, type ErrorKind } from '@wirestate/core';
import { parseAttrs } from '../../src/netlink/attrs.ts';
import { IFLA, IFLA_INFO, VETH_INFO_PEER } from '../../src/netlink/constants.ts';
import { decodeLinkInfo, encodeLinkInfo, errnoOf, formatMac, inFlightCap, kindOfErrno, netlinkError, normalizeDump } from '../../src/netlink/index.ts';
import { routeRequest, setLinkRequest } from '../../src/netlink/messages.ts';

test('encodeLinkInfo and decodeLinkInfo round-trip a macvtap kind and mode', (t) => {
  t.deepEqual(decodeLinkInfo(encodeLinkInfo({ kind: 'macvtap', macvlanMode: 'passthru' })), { kind: 'macvtap', macvlanMode: 'passthru' });
  t.deepEqual(decodeLinkInfo(encodeLinkInfo({ kind: 'bridge' })), { kind: 'bridge' });
});

test('encodeLinkInfo nests the veth peer as an ifinfomsg followed by its own attributes', (t) => {
  const info = parseAttrs(encodeLinkInfo({ kind: 'veth', peer: { name: 'vb', mtu: 1300, mac: '02:00:00:00:00:0b', netnsFd: 7 } }));
  t.is(info.get(IFLA_INFO.KIND)?.toString(), 'veth\0');
  const peer = parseAttrs(info.get(IFLA_INFO.DATA)!).get(VETH_INFO_PEER)!;
  const attrs = parseAttrs(peer, 16);
  t.is(attrs.get(IFLA.IFNAME)?.toString(), 'vb\0');
  t.is(attrs.get(IFLA.MTU)?.readUInt32LE(0), 1300);
  t.is(attrs.get(IFLA.ADDRESS)?.toString('hex'), '02000000000b');
  t.is(attrs.get(IFLA.NET_NS_FD)?.readUInt32LE(0), 7);
});

test('decodeLinkInfo tells a tap from a tun by IFLA_TUN_TYPE', (t) => {
  const withType = (type: number): Buffer =>
    Buffer.concat([
      Buffer.from([8, 0, 1, 0, 0x74, 0x75, 0x6e, 0]), // IFLA_INFO_KIND "tun"
      Buffer.from([12, 0, 2, 0, 5, 0, 3, 0, type, 0, 0, 0]), // IFLA_INFO_DATA { IFLA_TUN_TYPE: u8 }
    ]);
  t.deepEqual(decodeLinkInfo(withType(2)), { kind: 'tun', tunType: 'tap' });
  t.deepEqual(decodeLinkInfo(withType(1)), { kind: 'tun', tunType: 'tun' });
});

test('a link.set of the admin state always carries an explicit change mask', (t) => {
  const up = rt.parseLinkMessage(Buffer.from(setLinkRequest(0, { name: 'v0', up: true }).payload));
  t.deepEqual([up.data.flags?.up, up.data.change?.up], [true, true]);
  const down = rt.parseLinkMessage(Buffer.from(setLinkRequest(0, { name: 'v0', up: false }).payload));
  t.deepEqual([down.data.flags?.up, down.data.change?.up], [undefined, true]);
  const mtuOnly = rt.parseLinkMessage(Buffer.from(setLinkRequest(0, { name: 'v0', mtu: 1400 }).payload));
  t.deepEqual([mtuOnly.data.flags, mtuOnly.data.change], [{}, {}], 'no flags and no mask: nothing else changes');
});

test('routes default to protocol 87 and to scope universe with a gateway, link without (IPv4)', (t) => {
  const via = rt.parseRouteMessage(Buffer.from(routeRequest('add', { scope: 'p', dst: 'default', dev: 'e', gateway: '10.0.0.1' }, 3).payload));
  t.like(via.data, { family: 2, dstLen: 0, table: 254, protocol: 87, scope: 'UNIVERSE', type: 'UNICAST' });
  const onLink = rt.parseRouteMessage(Buffer.from(routeRequest('add', { scope: 'p', dst: 'fd00::/64', dev: 'e', metric: 5 }, 3).payload));
  t.like(onLink.data, { family: 10, dstLen: 64, protocol: 87, scope: 'UNIVERSE' }, 'IPv6 routes have no scope');
  const onLink4 = rt.parseRouteMessage(Buffer.from(routeRequest('add', { scope: 'p', dst: '10.1.0.0/16', dev: 'e' }, 3).payload));
  t.like(onLink4.data, { family: 2, dstLen: 16, scope: 'LINK' });
  t.is(onLink.attrs.priority, 5);
  t.is(onLink.attrs.oif, 3);
});

test('the errno name is read from the package text and mapped to a kind', (t) => {
  t.is(errnoOf(new Error('Request rejected: EEXIST')), 'EEXIST');
  t.is(errnoOf(new Error('Request rejected: ENOTSUP')), 'EOPNOTSUPP');
  t.is(errnoOf(new Error('something else')), undefined);
  const cases: [string, ErrorKind][] = [
    ['EEXIST', 'conflict'],
    ['ENODEV', 'conflict'],
    ['ENOENT', 'conflict'],
    ['EADDRNOTAVAIL', 'conflict'],
    ['ESRCH', 'conflict'],
    ['ERANGE', 'invalid_argument'],
    ['EINVAL', 'invalid_argument'],
    ['EOPNOTSUPP', 'not_supported'],
    ['EPERM', 'not_supported'],
    ['EACCES', 'not_supported'],
    ['EBUSY', 'driver_failure'],
    ['EAGAIN', 'driver_failure'],
    ['ENOBUFS', 'driver_failure'],
    ['ETIMEDOUT', 'driver_failure'],
    ['EWORKER', 'driver_failure'],
  ];
  for (const [code, kind] of cases) t.is(kindOfErrno(code), kind, code);
});

test('netlinkError names the op and object and keeps the cause', (t) => {
  const cause = new Error('Request rejected: EPERM');
  const err = netlinkError('creating bridge br-eth42 in scope pod', cause);
  t.true(err instanceof WirestateError);
  t.is(err.message, 'creating bridge br-eth42 in scope pod: EPERM (operation not permitted)');
  t.like(err, { kind: 'not_supported', code: 'EPERM' });
  t.is(err.cause, cause);
});

test('the in-flight cap follows the receive buffer and stays within 4..128', (t) => {
  t.is(inFlightCap(212_992), 26);
  t.is(inFlightCap(4 << 20), 128);
  t.is(inFlightCap(0), 4);
});

test('normalizeDump of nothing is an empty state', (t) => {
  t.deepEqual(normalizeDump({ links: [], addresses: [], routes: [] }, 'pod'), { links: {}, addresses: {}, routes: {} });
});

test('hardware addresses format as lowercase colon-separated hex, whatever their length', (t) => {
  t.is(formatMac(Uint8Array.from([0x02, 0xab, 0x0c, 0xd0, 0x00, 0xff])), '02:ab:0c:d0:00:ff');
  const ipoib = Uint8Array.from({ length: 20 }, (_, i) => i * 13);
  t.is(formatMac(ipoib), Array.from(ipoib, (b) => b.toString(16).padStart(2, '0')).join(':'));
  t.is(formatMac(Uint8Array.from([0x7f])), '7f');
});
