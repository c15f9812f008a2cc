/**
 * The CNI driver against the real plugins (bridge, ptp, host-local, tuning) in namespaces
 * the test makes: a "node" netns where the plugins run and a "pod" netns they wire.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import type { CniAttachment, Scope } from '@wirestate/core';
import { createCniDriver } from '../../src/cni/index.ts';
import { recordPath } from '../../src/cni/records.ts';
import { cniTempDir, ipamReservations, writeBridgeConf, writePtpConf } from '../helpers/cni.ts';
import { ROOT_SKIP_REASON, ipIn, isRoot, makeNetns } from '../helpers/netns.ts';

// Skipped unless root: ROOT_SKIP_REASON (namespaces, real plugins).
const rootTest = isRoot ? test : test.skip;
if (!isRoot) console.warn(`skipping CNI plugin tests on the real kernel: ${ROOT_SKIP_REASON}`);

function setup(t: ExecutionContext) {
  const node = makeNetns(t, 'cninode');
  const pod = makeNetns(t, 'cnipod');
  const dir = cniTempDir(t);
  const scope: Scope = { name: 'pod', netns: pod, resolvConf: join(dir, 'resolv.conf') };
  writeFileSync(scope.resolvConf as string, 'nameserver 10.96.0.10\nsearch default.svc.cluster.local svc.cluster.local\n');
  const driver = createCniDriver({ stateDir: join(dir, 'state'), scopes: [scope], nodeNetns: node });
  return { node, pod, dir, scope, driver };
}

const attachment = (config: string, ifname = 'eth42'): CniAttachment => ({ scope: 'pod', ifname, containerId: 'pod-1234', config });

rootTest('ADD with bridge + host-local gives the pod NIC the IPAM address and records the result', async (t) => {
  const { node, pod, dir, scope, driver } = setup(t);
  const config = writeBridgeConf(dir, { name: 'pods', bridge: 'cni-t0', subnet: '10.244.0.0/24', gateway: '10.244.0.1', rangeStart: '10.244.0.5', routes: ['10.96.0.0/12'] });
  await driver.execute({ type: 'cni.add', attachment: attachment(config) });

  t.regex(ipIn(pod, '-4', 'addr', 'show', 'dev', 'eth42'), /inet 10\.244\.0\.5\/24/);
  t.regex(ipIn(pod, 'route', 'show', '10.96.0.0/12'), /via 10\.244\.0\.1 dev eth42/);
  t.regex(ipIn(node, '-4', 'addr', 'show', 'dev', 'cni-t0'), /inet 10\.244\.0\.1\/24/);
  const mac = /link\/ether ([0-9a-f:]+)/.exec(ipIn(pod, 'link', 'show', 'eth42'))?.[1];

  const record = JSON.parse(readFileSync(recordPath(join(dir, 'state'), 'pod', 'eth42'), 'utf8'));
  t.like(record, { pending: false, containerId: 'pod-1234', netns: `/var/run/netns/${pod}`, result: { ips: ['10.244.0.5/24'], gateway: '10.244.0.1', mac } });
  const snap = await driver.snapshot([scope]);
  t.like(snap.cniAttachments['pod/eth42'], { ifname: 'eth42', config, owned: true, result: { ips: ['10.244.0.5/24'], routes: [{ dst: '10.96.0.0/12' }] } });
  t.deepEqual(snap.resolvers.pod, { scope: 'pod', servers: ['10.96.0.10'], search: ['default.svc.cluster.local', 'svc.cluster.local'], owned: false });
  t.deepEqual(ipamReservations(dir, 'pods'), ['10.244.0.5']);
});

rootTest('a second ADD of the same pod NIC is refused as a conflict without running the plugin', async (t) => {
  const { pod, dir, driver } = setup(t);
  const config = writeBridgeConf(dir, { name: 'pods', bridge: 'cni-t1', subnet: '10.244.1.0/24', gateway: '10.244.1.1' });
  await driver.execute({ type: 'cni.add', attachment: attachment(config) });
  const before = ipIn(pod, '-4', 'addr', 'show', 'dev', 'eth42');
  const err = await t.throwsAsync(driver.execute({ type: 'cni.add', attachment: attachment(config) }));
  t.is((err as { kind?: string }).kind, 'conflict');
  t.regex(err?.message ?? '', /a second ADD is refused/);
  t.is(ipIn(pod, '-4', 'addr', 'show', 'dev', 'eth42'), before);
  t.is(ipamReservations(dir, 'pods').length, 1);
});

rootTest('DEL releases the host-local address, removes the pod NIC and the record', async (t) => {
  const { pod, dir, scope, driver } = setup(t);
  const config = writeBridgeConf(dir, { name: 'pods', bridge: 'cni-t2', subnet: '10.244.2.0/24', gateway: '10.244.2.1' });
  await driver.execute({ type: 'cni.add', attachment: attachment(config) });
  t.deepEqual(ipamReservations(dir, 'pods'), ['10.244.2.2']);
  // DEL uses the recorded config even when the file has gone meanwhile.
  writeFileSync(config, 'gone');
  await driver.execute({ type: 'cni.del', attachment: attachment(config) });
  t.deepEqual(ipamReservations(dir, 'pods'), []);
  t.notRegex(ipIn(pod, 'link', 'show'), /eth42/);
  const snap = await driver.snapshot([scope]);
  t.deepEqual(snap.cniAttachments, {});
  const again = await t.throwsAsync(driver.execute({ type: 'cni.del', attachment: attachment(config) }));
  t.is((again as { kind?: string }).kind, 'conflict');
});

rootTest('a plugin error surfaces with the plugin message and leaves no record or reservation', async (t) => {
  const { pod, dir, scope, driver } = setup(t);
  const config = writeBridgeConf(dir, { name: 'tiny', bridge: 'cni-t3', subnet: '10.244.3.0/24', gateway: '10.244.3.1', rangeStart: '10.244.3.9', rangeEnd: '10.244.3.9' });
  await driver.execute({ type: 'cni.add', attachment: attachment(config, 'eth42') });
  const err = await t.throwsAsync(driver.execute({ type: 'cni.add', attachment: attachment(config, 'eth43') }));
  t.is((err as { kind?: string }).kind, 'driver_failure');
  t.regex(err?.message ?? '', /no IP addresses available/);
  const snap = await driver.snapshot([scope]);
  t.deepEqual(Object.keys(snap.cniAttachments), ['pod/eth42']);
  t.notRegex(ipIn(pod, 'link', 'show'), /eth43/);
  t.deepEqual(ipamReservations(dir, 'tiny'), ['10.244.3.9']);
});

rootTest('a conflist chain runs in order with prevResult: ptp then tuning sets the MTU', async (t) => {
  const { pod, dir, driver } = setup(t);
  const config = join(dir, 'chain.conflist');
  writeFileSync(
    config,
    JSON.stringify({
      cniVersion: '1.0.0',
      name: 'chain',
      plugins: [
        { type: 'ptp', ipMasq: false, ipam: { type: 'host-local', dataDir: join(dir, 'ipam'), ranges: [[{ subnet: '10.88.4.0/24' }]], routes: [{ dst: '0.0.0.0/0' }] } },
        { type: 'tuning', mtu: 1400 },
      ],
    }),
  );
  await driver.execute({ type: 'cni.add', attachment: attachment(config, 'eth0') });
  t.regex(ipIn(pod, 'link', 'show', 'eth0'), /mtu 1400/);
  t.regex(ipIn(pod, 'route', 'show', 'default'), /default via 10\.88\.4\.1 dev eth0/);
  await driver.execute({ type: 'cni.del', attachment: attachment(config, 'eth0') });
  t.deepEqual(ipamReservations(dir, 'chain'), []);
});

rootTest('CHECK passes on the NIC as added and fails once its address is gone', async (t) => {
  const { pod, dir, driver } = setup(t);
  const config = writePtpConf(dir, 'primary', '10.88.5.0/24');
  await driver.execute({ type: 'cni.add', attachment: attachment(config, 'eth0') });
  await t.notThrowsAsync(driver.check('pod', 'eth0'));
  ipIn(pod, 'addr', 'flush', 'dev', 'eth0');
  const err = await t.throwsAsync(driver.check('pod', 'eth0'));
  t.regex(err?.message ?? '', /CNI CHECK of eth0/);
});

rootTest('ADD of a NIC name that already exists in the pod is refused and that NIC is left alone', async (t) => {
  const { pod, dir, scope, driver } = setup(t);
  ipIn(pod, 'link', 'add', 'eth42', 'type', 'veth', 'peer', 'name', 'other42');
  const config = writeBridgeConf(dir, { name: 'pods', bridge: 'cni-t6', subnet: '10.244.6.0/24', gateway: '10.244.6.1' });
  const err = await t.throwsAsync(driver.execute({ type: 'cni.add', attachment: attachment(config) }));
  t.is((err as { kind?: string }).kind, 'conflict');
  t.regex(err?.message ?? '', /already exists in the pod netns/);
  t.regex(ipIn(pod, 'link', 'show', 'eth42'), /eth42@other42/);
  t.deepEqual((await driver.snapshot([scope])).cniAttachments, {});
  t.deepEqual(ipamReservations(dir, 'pods'), []);
});
