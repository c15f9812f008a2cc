/**
 * The socket port's batching on a real socket: read-only RTM_GETLINK requests for `lo` and
 * for names that do not exist, in this process's namespace (nothing is changed, no root needed).
 */
import test from 'ava';
import { getLinkRequest, indexOfLinkPayload } from '../../src/netlink/messages.ts';
import { socketPort } from '../../src/netlink/socket-port.ts';

test('requests queued in one turn leave 32 to a datagram and each gets its own outcome, failures in the middle included', async (t) => {
  const port = socketPort();
  t.teardown(() => port.close());
  const names = Array.from({ length: 70 }, (_, i) => (i % 9 === 4 ? `wsmissing${i}` : 'lo'));
  const outcomes = await Promise.all(
    names.map((n) =>
      port.request(getLinkRequest(n)).then(
        (replies) => `index ${indexOfLinkPayload(replies[0]!)}`,
        (err: unknown) => (err as { code?: string }).code,
      ),
    ),
  );
  t.deepEqual(
    outcomes,
    names.map((n) => (n === 'lo' ? 'index 1' : 'ENODEV')),
  );
  t.is(port.stats.requests, 70);
  t.is(port.stats.datagrams, 3);
  t.true(port.stats.peakInFlight <= port.maxInFlight);
});

test('a request made after the previous batch was answered goes out in a datagram of its own', async (t) => {
  const port = socketPort();
  t.teardown(() => port.close());
  const [first] = await port.request(getLinkRequest('lo'));
  t.is(indexOfLinkPayload(first!), 1);
  const err = await t.throwsAsync(port.request(getLinkRequest('wsmissing0')));
  t.is((err as { code?: string } | undefined)?.code, 'ENODEV');
  t.is(port.stats.datagrams, 2);
});

test('a batch sent with requestBatch leaves 32 to a datagram and answers every request at its position with one promise', async (t) => {
  const port = socketPort();
  t.teardown(() => port.close());
  const names = Array.from({ length: 70 }, (_, i) => (i % 9 === 4 ? `wsmissing${i}` : 'lo'));
  const replies = await port.requestBatch!(names.map((n) => getLinkRequest(n)));
  t.deepEqual(
    names.map((_, k) => (replies.errnos[k] === 0 ? `index ${indexOfLinkPayload(replies.echoes[k]!)}` : replies.errnos[k])),
    names.map((n) => (n === 'lo' ? 'index 1' : 19)),
  );
  t.is(replies.errors.size, 0);
  t.is(port.stats.requests, 70);
  t.is(port.stats.datagrams, 3);
  // Single requests still work after a batch on the same socket.
  const [first] = await port.request(getLinkRequest('lo'));
  t.is(indexOfLinkPayload(first!), 1);
});
