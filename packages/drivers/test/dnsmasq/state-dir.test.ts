/** The standalone dnsmasq refuses a state dir its unprivileged user could not traverse. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { createDnsmasqDriver } from '@wirestate/drivers';

test('starting dnsmasq under a 0700 directory fails as invalid_argument before any process runs', async (t) => {
  const closed = mkdtempSync(join(tmpdir(), 'wirestate-closed-'));
  t.teardown(() => rmSync(closed, { recursive: true, force: true }));
  const calls: string[] = [];
  const driver = createDnsmasqDriver({
    stateDir: join(closed, 'state'),
    scopes: [{ name: 'pod', netns: 'pod1' }],
    runner: async (file) => {
      calls.push(file);
      return { stdout: '', stderr: '', code: 0 };
    },
  });
  const err = await t.throwsAsync(
    driver.execute({ type: 'dhcpServer.start', server: { scope: 'pod', name: 'br-eth42', interface: 'br-eth42', subnet: '10.244.0.0/24' } }),
  );
  t.is((err as { kind?: string }).kind, 'invalid_argument');
  t.regex(err?.message ?? '', /does not let others traverse it/);
  t.deepEqual(calls, []);
});
