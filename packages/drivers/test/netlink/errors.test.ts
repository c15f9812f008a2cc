/** Each kernel error the netlink driver maps, provoked for real, asserting kind, code and message. */
import test from 'ava';
import { WirestateError, type Op } from '@wirestate/core';
import { ROOT_SKIP_REASON, isRoot } from '../helpers/netns.ts';
import { setUp } from './harness.ts';

// Root tests need network namespaces; without root they are skipped (ROOT_SKIP_REASON).
const rootTest = isRoot ? test : test.skip;
if (!isRoot) console.warn(`skipping netlink error tests on the real kernel: ${ROOT_SKIP_REASON}`);

const pod = 'pod';

interface Case {
  readonly title: string;
  readonly op: Op;
  readonly kind: WirestateError['kind'];
  readonly code: string | undefined;
  readonly message: string;
}

const CASES: readonly Case[] = [
  {
    title: 'creating a link that exists is a conflict with EEXIST',
    op: { type: 'link.create', link: { scope: pod, name: 'br0', kind: 'bridge' } },
    kind: 'conflict',
    code: 'EEXIST',
    message: 'creating bridge br0 in scope pod: EEXIST (file exists)',
  },
  {
    title: 'creating a tap over an existing name is a conflict with EEXIST',
    op: { type: 'link.create', link: { scope: pod, name: 'tap0', kind: 'tap' } },
    kind: 'conflict',
    code: 'EEXIST',
    message: 'creating tap tap0 in scope pod: EEXIST (file exists)',
  },
  {
    title: 'setting a missing link is a conflict with ENODEV',
    op: { type: 'link.set', scope: pod, name: 'nope0', attrs: { up: true } },
    kind: 'conflict',
    code: 'ENODEV',
    message: 'setting up of link nope0 in scope pod: ENODEV (no such device)',
  },
  {
    title: 'deleting a missing link is a conflict with ENODEV',
    op: { type: 'link.delete', link: { scope: pod, name: 'nope0', kind: 'bridge' } },
    kind: 'conflict',
    code: 'ENODEV',
    message: 'deleting bridge nope0 in scope pod: ENODEV (no such device)',
  },
  {
    title: 'adding an address to a missing link is a conflict with ENODEV',
    op: { type: 'address.add', address: { scope: pod, dev: 'nope0', cidr: '10.1.1.1/24' } },
    kind: 'conflict',
    code: 'ENODEV',
    message: 'adding address 10.1.1.1/24 to nope0 in scope pod: ENODEV (no such device)',
  },
  {
    title: 'deleting a missing address is a conflict with EADDRNOTAVAIL',
    op: { type: 'address.delete', address: { scope: pod, dev: 'br0', cidr: '10.1.1.1/24' } },
    kind: 'conflict',
    code: 'EADDRNOTAVAIL',
    message: 'deleting address 10.1.1.1/24 from br0 in scope pod: EADDRNOTAVAIL (cannot assign requested address)',
  },
  {
    title: 'adding an address twice is a conflict with EEXIST',
    op: { type: 'address.add', address: { scope: pod, dev: 'br0', cidr: '192.168.100.1/24' } },
    kind: 'conflict',
    code: 'EEXIST',
    message: 'adding address 192.168.100.1/24 to br0 in scope pod: EEXIST (file exists)',
  },
  {
    title: 'adding a route that exists is a conflict with EEXIST',
    op: { type: 'route.add', route: { scope: pod, dst: '10.60.0.0/16', dev: 'br0' } },
    kind: 'conflict',
    code: 'EEXIST',
    message: 'adding route 10.60.0.0/16 dev br0 in scope pod: EEXIST (file exists)',
  },
  {
    title: 'deleting a missing IPv4 route is a conflict with ESRCH',
    op: { type: 'route.delete', route: { scope: pod, dst: '10.99.0.0/16', dev: 'br0' } },
    kind: 'conflict',
    code: 'ESRCH',
    message: 'deleting route 10.99.0.0/16 dev br0 in scope pod: ESRCH (no such process)',
  },
  {
    title: 'deleting a missing IPv6 route is a conflict with ESRCH',
    op: { type: 'route.delete', route: { scope: pod, dst: 'fd99::/64', dev: 'eth0' } },
    kind: 'conflict',
    code: 'ESRCH',
    message: 'deleting route fd99::/64 dev eth0 in scope pod: ESRCH (no such process)',
  },
  {
    title: 'an MTU above the device maximum is an invalid argument (EINVAL on this kernel)',
    op: { type: 'link.set', scope: pod, name: 'v1', attrs: { mtu: 70000 } },
    kind: 'invalid_argument',
    code: 'EINVAL',
    message: 'setting mtu of link v1 in scope pod: EINVAL (invalid argument)',
  },
  {
    title: 'a link name longer than 15 bytes is an invalid argument with ERANGE',
    op: { type: 'link.create', link: { scope: pod, name: 'a-name-far-too-long', kind: 'bridge' } },
    kind: 'invalid_argument',
    code: 'ERANGE',
    message: 'creating bridge a-name-far-too-long in scope pod: ERANGE (numerical result out of range)',
  },
  {
    title: 'a gateway outside every connected prefix is an invalid argument with ENETUNREACH',
    op: { type: 'route.add', route: { scope: pod, dst: '10.98.0.0/16', dev: 'br0', gateway: '172.31.0.1' } },
    kind: 'invalid_argument',
    code: 'ENETUNREACH',
    message: 'adding route 10.98.0.0/16 dev br0 in scope pod: ENETUNREACH (network is unreachable)',
  },
  {
    title: 'enslaving a link to a non-bridge is not supported (EOPNOTSUPP)',
    // eth0 has no master: the kernel releases a link from its old master before failing.
    op: { type: 'link.set', scope: pod, name: 'eth0', attrs: { master: 'v1' } },
    kind: 'not_supported',
    code: 'EOPNOTSUPP',
    message: 'setting master of link eth0 in scope pod: EOPNOTSUPP (operation not supported)',
  },
  {
    title: 'enslaving the lower device of a macvtap to a bridge is a driver failure with EBUSY',
    op: { type: 'link.set', scope: pod, name: 'v1', attrs: { master: 'br0' } },
    kind: 'driver_failure',
    code: 'EBUSY',
    message: 'setting master of link v1 in scope pod: EBUSY (device or resource busy)',
  },
  {
    title: 'creating a device is not supported: devices come from their drivers or CNI',
    op: { type: 'link.create', link: { scope: pod, name: 'eth9', kind: 'device' } },
    kind: 'not_supported',
    code: undefined,
    message: 'creating device eth9 in scope pod: devices are made by their drivers or CNI, not by wirestate',
  },
  {
    title: 'an op naming an unknown scope is refused instead of acting on the host',
    op: { type: 'link.create', link: { scope: 'nowhere', name: 'br9', kind: 'bridge' } },
    kind: 'invalid_argument',
    code: undefined,
    message: 'unknown scope nowhere: pass it in createNetlinkDriver({ scopes }) or snapshot it first',
  },
];

rootTest('each kernel error maps to its kind and code, with the op and object in the message', async (t) => {
  const b = setUp(t, 'nlerr');
  const before = await b.snap();
  for (const c of CASES) {
    const err = await t.throwsAsync(b.driver.execute(c.op), { instanceOf: WirestateError }, c.title);
    t.is(err?.kind, c.kind, c.title);
    t.is(err?.code, c.code, c.title);
    t.is(err?.message, c.message, c.title);
  }
  t.deepEqual(await b.snap(), before, 'failed ops leave nothing behind');
});
