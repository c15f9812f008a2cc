/**
 * How a batch is sent whole: its ops are independent, so the driver sends creations first,
 * then link changes, then addresses and routes (the kernel runs a run of like requests
 * faster), and still answers each op at its own position; links it has not seen are looked
 * up in one batch first. Over a fake port.
 */
import test from 'ava';
import type { Op } from '@wirestate/core';
import type { NetlinkPort, NlRequest } from '../../src/netlink/index.ts';
import { fakePort } from './fake-port.ts';
import { createNetlinkDriver } from '../../src/netlink/index.ts';
import { parseAttrs } from '../../src/netlink/attrs.ts';
import { IFINFOMSG_LEN, IFLA, RTM } from '../../src/netlink/constants.ts';

const ENODEV = 19;
const NLM_F_CREATE = 0x400;
const NLM_F_ECHO = 0x8;
const NAMES: Readonly<Record<number, string>> = {
  [RTM.NEWLINK]: 'link',
  [RTM.GETLINK]: 'link show',
  [RTM.NEWADDR]: 'addr add',
  [RTM.DELADDR]: 'addr del',
  [RTM.NEWROUTE]: 'route add',
};
/** Links that exist in the fake kernel without the driver having made them: name → ifindex. */
const MADE_BY_OTHERS: ReadonlyMap<string, number> = new Map([['virbr7', 70], ['eth1', 71]]);

/** The name a link request carries (IFLA_IFNAME). */
function ifname(payload: Uint8Array): string {
  return parseAttrs(payload, IFINFOMSG_LEN).get(IFLA.IFNAME)!.toString('utf8').replace(/\0$/, '');
}

/** A link message like `payload` with `index` as its ifindex, as the kernel answers a lookup. */
function withIndex(payload: Uint8Array, index: number): Buffer {
  const b = Buffer.from(payload);
  b.writeInt32LE(index, 4);
  return b;
}

/** A port that logs each batch's request kinds and refuses address removals with ENODEV. */
function loggingPort(): { port: NetlinkPort; batches: string[][] } {
  const batches: string[][] = [];
  let lastIndex = 1;
  const port = fakePort({
    requestBatch: async (reqs: readonly NlRequest[]) => {
      batches.push(reqs.map((r) => `${NAMES[r.type] ?? r.type}${r.type === RTM.NEWLINK && (r.flags & NLM_F_CREATE) !== 0 ? ' create' : ''}`));
      const errnos = new Int32Array(reqs.length);
      const echoes = new Array<Uint8Array | undefined>(reqs.length);
      reqs.forEach((r, k) => {
        errnos[k] = r.type === RTM.DELADDR ? ENODEV : 0;
        // A creation asking for it is echoed (NLM_F_ECHO) with its new ifindex, as the
        // kernel does; a lookup is answered with the link, or ENODEV.
        if ((r.flags & NLM_F_ECHO) !== 0) {
          const echo = Buffer.from(r.payload);
          echo.writeInt32LE(++lastIndex, 4);
          echoes[k] = echo;
        } else if (r.type === RTM.GETLINK) {
          const index = MADE_BY_OTHERS.get(ifname(r.payload));
          if (index === undefined) errnos[k] = ENODEV;
          else echoes[k] = withIndex(r.payload, index);
        }
      });
      return { errnos, echoes, errors: new Map() };
    },
  });
  return { port, batches };
}

test('a batch sends its creations first, then link changes, then address and route requests, and answers each op at its position', async (t) => {
  const { port, batches } = loggingPort();
  const driver = createNetlinkDriver({ scopes: [{ name: 'pod' }], portFactory: () => port });
  // The fast path needs the ifindexes it refers to: a first batch creates the links it uses.
  await driver.executeBatch!([{ type: 'link.create', link: { scope: 'pod', name: 'eth0', kind: 'bridge' } }]);
  batches.length = 0;
  const ops: Op[] = [
    { type: 'address.delete', address: { scope: 'pod', dev: 'eth0', cidr: '10.0.0.5/24' } },
    { type: 'link.set', scope: 'pod', name: 'eth0', attrs: { mtu: 1400 } },
    { type: 'link.create', link: { scope: 'pod', name: 'br0', kind: 'bridge', up: true } },
    { type: 'route.add', route: { scope: 'pod', dst: '10.1.0.0/16', dev: 'eth0', gateway: '10.0.0.1' } },
    { type: 'link.set', scope: 'pod', name: 'eth0', attrs: { up: true } },
  ];
  const outcomes = await driver.executeBatch!(ops);
  t.deepEqual(batches[0], ['link create', 'link', 'link', 'addr del', 'route add']);
  // The refused removal is reported at its own position, whatever the order sent.
  t.deepEqual(
    outcomes.map((o) => (o.ok ? 'ok' : o.error.code)),
    ['ENODEV', 'ok', 'ok', 'ok', 'ok'],
  );
});

test('links the driver has not seen are looked up in one batch, then their ops take the batch path', async (t) => {
  const { port, batches } = loggingPort();
  const driver = createNetlinkDriver({ scopes: [{ name: 'pod' }], portFactory: () => port });
  const outcomes = await driver.executeBatch!([
    { type: 'link.set', scope: 'pod', name: 'eth1', attrs: { master: 'virbr7' } },
    { type: 'address.add', address: { scope: 'pod', dev: 'eth1', cidr: '10.0.0.5/24' } },
    { type: 'address.add', address: { scope: 'pod', dev: 'ghost0', cidr: '10.0.1.5/24' } },
  ]);
  // One lookup batch for the three names, one batch for the two ops it resolved; the op on a
  // link that does not exist fails alone, on the op-by-op path (which looks it up once more).
  t.deepEqual(batches.slice(0, 2), [['link show', 'link show', 'link show'], ['link', 'addr add']]);
  t.deepEqual(
    outcomes.map((o) => (o.ok ? 'ok' : o.error.code)),
    ['ok', 'ok', 'ENODEV'],
  );
});
