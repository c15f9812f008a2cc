/**
 * The EBUSY fallback of a MAC change (down, set, up) over a fake port. No link kind this
 * kernel can create refuses a live MAC change: bridge, veth, tap, macvlan/macvtap (also
 * passthru), vxlan accept it and ifb answers EOPNOTSUPP (tried in a netns on 6.18), so the
 * refusing driver is played by the port.
 */
import test from 'ava';
import type { WirestateError } from '@wirestate/core';
import type { NlRequest, NetlinkPort } from '../../src/netlink/index.ts';
import { createNetlinkDriver } from '../../src/netlink/index.ts';
import { parseAttrs } from '../../src/netlink/attrs.ts';
import { IFF_UP, IFINFOMSG_LEN, IFLA, RTM } from '../../src/netlink/constants.ts';
import { formatMac } from '../../src/netlink/normalize.ts';
import { rejection } from '../../src/netlink/socket-port.ts';
import { fakePort } from './fake-port.ts';

const EBUSY = 16;
const EADDRNOTAVAIL = 99;

/** The one link the fake kernel keeps. */
interface FakeLink {
  up: boolean;
  mac: string;
}

/**
 * A port whose only link refuses a MAC change while up (like a driver without
 * IFF_LIVE_ADDR_CHANGE) and refuses `refusedMac` even when down.
 */
function refusingPort(link: FakeLink, refusedMac?: string): { port: NetlinkPort; log: string[] } {
  // Each request as the words of its `ip link set`.
  const log: string[] = [];
  const request = async (req: NlRequest): Promise<Uint8Array[]> => {
    if (req.type !== RTM.NEWLINK) throw new Error(`unexpected request type ${req.type}`);
    const b = Buffer.from(req.payload);
    const flags = b.readUInt32LE(8);
    const change = b.readUInt32LE(12);
    const attrs = parseAttrs(b, IFINFOMSG_LEN);
    const mac = attrs.has(IFLA.ADDRESS) ? formatMac(attrs.get(IFLA.ADDRESS)!) : undefined;
    const up = (change & IFF_UP) !== 0 ? (flags & IFF_UP) !== 0 : undefined;
    log.push([mac !== undefined && `address ${mac}`, up !== undefined && (up ? 'up' : 'down')].filter(Boolean).join(' '));
    // The kernel sets the address before the flags within one request (do_setlink order).
    if (mac !== undefined) {
      if (link.up) throw rejection(EBUSY);
      if (mac === refusedMac) throw rejection(EADDRNOTAVAIL);
      link.mac = mac;
    }
    if (up !== undefined) link.up = up;
    return [];
  };
  return { port: fakePort({ request }), log };
}

test('a MAC change refused with EBUSY on an up link is retried down and brought back up with the new MAC', async (t) => {
  const link: FakeLink = { up: true, mac: '02:00:00:00:00:01' };
  const { port, log } = refusingPort(link);
  const driver = createNetlinkDriver({ scopes: [{ name: 'pod' }], portFactory: () => port });
  await driver.execute({ type: 'link.set', scope: 'pod', name: 'tap0', attrs: { mac: '02:00:00:00:00:02' } });
  t.deepEqual(link, { up: true, mac: '02:00:00:00:00:02' });
  t.deepEqual(log, ['address 02:00:00:00:00:02', 'down', 'address 02:00:00:00:00:02 up']);
});

test('a MAC change with up: false refused with EBUSY leaves the link down with the new MAC', async (t) => {
  const link: FakeLink = { up: true, mac: '02:00:00:00:00:01' };
  const { port } = refusingPort(link);
  const driver = createNetlinkDriver({ scopes: [{ name: 'pod' }], portFactory: () => port });
  const [outcome] = await driver.executeBatch!([{ type: 'link.set', scope: 'pod', name: 'tap0', attrs: { mac: '02:00:00:00:00:03', up: false } }]);
  t.true(outcome?.ok);
  t.deepEqual(link, { up: false, mac: '02:00:00:00:00:03' });
});

test('when the retry after EBUSY fails too, the link is brought back up and the retry error is reported', async (t) => {
  const link: FakeLink = { up: true, mac: '02:00:00:00:00:01' };
  const { port, log } = refusingPort(link, '02:00:00:00:00:04');
  const driver = createNetlinkDriver({ scopes: [{ name: 'pod' }], portFactory: () => port });
  const err = await t.throwsAsync<WirestateError>(driver.execute({ type: 'link.set', scope: 'pod', name: 'tap0', attrs: { mac: '02:00:00:00:00:04' } }));
  t.is(err?.code, 'EADDRNOTAVAIL');
  t.regex(err?.message ?? '', /setting mac of link tap0 in scope pod/);
  t.deepEqual(link, { up: true, mac: '02:00:00:00:00:01' });
  t.deepEqual(log, ['address 02:00:00:00:00:04', 'down', 'address 02:00:00:00:00:04 up', 'up']);
});

test('EBUSY for anything but a MAC change is reported as is, without taking the link down', async (t) => {
  const link: FakeLink = { up: true, mac: '02:00:00:00:00:01' };
  const busy: NetlinkPort = {
    ...refusingPort(link).port,
    request: async () => {
      throw rejection(EBUSY);
    },
  };
  const driver = createNetlinkDriver({ scopes: [{ name: 'pod' }], portFactory: () => busy });
  const err = await t.throwsAsync<WirestateError>(driver.execute({ type: 'link.set', scope: 'pod', name: 'tap0', attrs: { mtu: 1400 } }));
  t.is(err?.code, 'EBUSY');
  t.true(link.up);
});

test('in a batch sent whole (requestBatch), a MAC refused with EBUSY takes the same down, set, up path and the batch reports success', async (t) => {
  const link: FakeLink = { up: true, mac: '02:00:00:00:00:01' };
  const { port, log } = refusingPort(link);
  let batches = 0;
  const batching: NetlinkPort = {
    ...port,
    // The fake kernel answers each request of the batch in order, like the socket port.
    requestBatch: async (reqs) => {
      batches++;
      const errnos = new Int32Array(reqs.length);
      for (let k = 0; k < reqs.length; k++) {
        errnos[k] = await port.request(reqs[k]!).then(
          () => 0,
          (err: unknown) => (err as { errno: number }).errno,
        );
      }
      return { errnos, echoes: new Array<Uint8Array | undefined>(reqs.length), errors: new Map() };
    },
  };
  const driver = createNetlinkDriver({ scopes: [{ name: 'pod' }], portFactory: () => batching });
  const outcomes = await driver.executeBatch!([{ type: 'link.set', scope: 'pod', name: 'tap0', attrs: { mac: '02:00:00:00:00:02' } }]);
  t.deepEqual(outcomes, [{ ok: true }]);
  t.is(batches, 1);
  t.deepEqual(link, { up: true, mac: '02:00:00:00:00:02' });
  t.deepEqual(log, ['address 02:00:00:00:00:02', 'down', 'address 02:00:00:00:00:02 up']);
});
