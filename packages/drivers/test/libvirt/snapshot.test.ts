/**
 * Snapshot of networks, reservations, domains and domain interfaces made with plain virsh
 * (and one network made by the driver), against a private libvirtd. With
 * WIRESTATE_RECORD=1 the raw capture is written to packages/fixtures/recorded/libvirt/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { createLibvirtDriver } from '../../src/libvirt/index.ts';
import { captureLibvirt, stateFromCapture } from '../../src/libvirt/snapshot.ts';
import { execRunner } from '../../src/exec.ts';
import { startLibvirtd } from '../helpers/libvirtd.ts';
import { isRoot, makeNetns } from '../helpers/netns.ts';
import { POD_MAC, domainXml, scopeFor, seedHost, seedNetwork } from './seed.ts';
import { EXPECTED_STATE, PLAIN_NAT_XML, PLAIN_ISOLATED_XML, VM_INTERFACES_XML } from './plain.ts';

// Skipped unless root (ROOT_SKIP_REASON): namespaces, bind mounts and a real libvirtd.
const rootTest = isRoot ? test : test.skip;

const RECORD_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/recorded/libvirt/networks-and-domain-interfaces');

rootTest('a snapshot of networks and domain interfaces made with plain virsh equals the expected state', async (t) => {
  const ns = makeNetns(t, 'lvsnap');
  const lv = await startLibvirtd(t, ns);
  const { virsh } = lv;
  const tmp = join(lv.dir, 'xml');
  mkdirSync(tmp);
  writeFileSync(join(tmp, 'nat.xml'), PLAIN_NAT_XML);
  writeFileSync(join(tmp, 'iso.xml'), PLAIN_ISOLATED_XML);
  writeFileSync(join(tmp, 'vm1.xml'), domainXml('vm1', VM_INTERFACES_XML));
  virsh('net-define', join(tmp, 'nat.xml'));
  virsh('net-start', 'default');
  virsh('net-autostart', 'default');
  virsh('net-define', join(tmp, 'iso.xml'));
  virsh('define', join(tmp, 'vm1.xml'));

  const scope = scopeFor(ns, lv.uri);
  const driver = createLibvirtDriver({ scopes: [scope] });
  const seed = { ...seedNetwork(), mac: '52:54:00:42:42:42' };
  await driver.execute({ type: 'network.define', network: seed });
  await driver.execute({ type: 'dhcpHost.add', host: seedHost(), live: false });

  const snap = await driver.snapshot([scope]);
  t.deepEqual(snap, EXPECTED_STATE);
  t.is(snap.dhcpHosts[`pod/pod-eth42/${POD_MAC}`]?.owned, true);

  if (process.env.WIRESTATE_RECORD === '1') {
    const cap = await captureLibvirt(execRunner, 'virsh', lv.uri, 'pod');
    mkdirSync(join(RECORD_DIR, 'networks'), { recursive: true });
    mkdirSync(join(RECORD_DIR, 'domains'), { recursive: true });
    for (const [n, xml] of Object.entries(cap.networkXml)) writeFileSync(join(RECORD_DIR, 'networks', `${n}.xml`), `${xml}\n`);
    for (const [d, xml] of Object.entries(cap.domainXml)) writeFileSync(join(RECORD_DIR, 'domains', `${d}.xml`), `${xml}\n`);
    const { networkXml: _n, domainXml: _d, ...lists } = cap;
    writeFileSync(join(RECORD_DIR, 'lists.json'), `${JSON.stringify(lists, null, 2)}\n`);
    writeFileSync(join(RECORD_DIR, 'expected.json'), `${JSON.stringify(stateFromCapture('pod', cap), null, 2)}\n`);
    t.log(`recorded into ${RECORD_DIR}`);
  }
});
