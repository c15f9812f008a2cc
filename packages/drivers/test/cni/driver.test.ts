/**
 * The CNI driver over an injected runner (no root): what each plugin receives (argv, CNI_*
 * variables, config with prevResult), chain order, the record's life, and failures.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import type { CniAttachment } from '@wirestate/core';
import type { RunOptions, RunResult, Runner } from '../../src/exec.ts';
import { createCniDriver } from '../../src/cni/index.ts';
import { recordPath } from '../../src/cni/records.ts';

interface Call {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly conf: Record<string, unknown> | undefined;
}

const RESULT = (ifname: string, ip: string) => JSON.stringify({ cniVersion: '1.0.0', interfaces: [{ name: ifname, mac: '0A:58:0A:F4:00:05', sandbox: '/var/run/netns/p' }], ips: [{ address: ip, gateway: '10.244.0.1', interface: 0 }], routes: [{ dst: '0.0.0.0/0' }], dns: {} });

/** A runner answering the NIC-exists probe with "no" and each plugin with `reply`. */
function fakeRunner(reply: (call: Call) => RunResult): { run: Runner; calls: Call[] } {
  const calls: Call[] = [];
  const run: Runner = async (file: string, args: readonly string[], opts: RunOptions = {}) => {
    if (args.includes('link') && args.includes('show')) return { stdout: '', stderr: 'Device does not exist', code: 1 };
    const call = { file, args, env: opts.env ?? {}, conf: opts.input ? (JSON.parse(opts.input) as Record<string, unknown>) : undefined };
    calls.push(call);
    return reply(call);
  };
  return { run, calls };
}

function setup(t: ExecutionContext, config: object, reply: (call: Call) => RunResult) {
  const dir = mkdtempSync(join(tmpdir(), 'wirestate-cniunit-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'net.conf');
  writeFileSync(file, JSON.stringify(config));
  const fake = fakeRunner(reply);
  // The driver looks plugins up in the CNI path before running them through the runner.
  const driver = createCniDriver({ stateDir: join(dir, 'state'), cniPath: [dir], runner: fake.run, scopes: [{ name: 'pod', netns: 'p' }], nodeNetns: 'node' });
  for (const type of ['ptp', 'tuning']) writeFileSync(join(dir, type), '#!/bin/true\n', { mode: 0o755 });
  const attachment: CniAttachment = { scope: 'pod', ifname: 'eth0', containerId: 'c1', config: file };
  return { dir, driver, calls: fake.calls, attachment };
}

const chain = { cniVersion: '1.0.0', name: 'net', plugins: [{ type: 'ptp', ipam: { type: 'host-local' } }, { type: 'tuning', mtu: 1400 }] };

test('ADD runs each plugin of a chain from the node netns with the CNI variables, passing the previous result on', async (t) => {
  const { dir, driver, calls, attachment } = setup(t, chain, () => ({ stdout: RESULT('eth0', '10.244.0.5/24'), stderr: '', code: 0 }));
  await driver.execute({ type: 'cni.add', attachment });
  t.deepEqual(calls.map((c) => [c.file, ...c.args]), [
    ['nsenter', '--net=/var/run/netns/node', '--', join(dir, 'ptp')],
    ['nsenter', '--net=/var/run/netns/node', '--', join(dir, 'tuning')],
  ]);
  t.deepEqual(calls[0]?.env, { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c1', CNI_NETNS: '/var/run/netns/p', CNI_IFNAME: 'eth0', CNI_PATH: dir });
  t.like(calls[0]?.conf, { name: 'net', cniVersion: '1.0.0', type: 'ptp' });
  t.is(calls[0]?.conf?.prevResult, undefined);
  t.deepEqual(calls[1]?.conf?.prevResult, JSON.parse(RESULT('eth0', '10.244.0.5/24')));
  const record = JSON.parse(readFileSync(recordPath(join(dir, 'state'), 'pod', 'eth0'), 'utf8'));
  t.like(record, { pending: false, result: { ips: ['10.244.0.5/24'], mac: '0a:58:0a:f4:00:05' } });
});

test('DEL runs the chain in reverse with the recorded result as prevResult, then drops the record', async (t) => {
  const { dir, driver, calls, attachment } = setup(t, chain, (c) => ({ stdout: c.env.CNI_COMMAND === 'ADD' ? RESULT('eth0', '10.244.0.5/24') : '', stderr: '', code: 0 }));
  await driver.execute({ type: 'cni.add', attachment });
  calls.length = 0;
  await driver.execute({ type: 'cni.del', attachment });
  t.deepEqual(calls.map((c) => [c.env.CNI_COMMAND, c.args.at(-1)]), [
    ['DEL', join(dir, 'tuning')],
    ['DEL', join(dir, 'ptp')],
  ]);
  for (const c of calls) t.deepEqual(c.conf?.prevResult, JSON.parse(RESULT('eth0', '10.244.0.5/24')));
  t.false(existsSync(recordPath(join(dir, 'state'), 'pod', 'eth0')));
});

test('a plugin error on ADD is thrown with its message, cleaned up by DEL, and leaves no record', async (t) => {
  const { dir, driver, calls, attachment } = setup(t, chain, (c) =>
    c.env.CNI_COMMAND === 'ADD' && c.args.at(-1)?.endsWith('tuning')
      ? { stdout: JSON.stringify({ cniVersion: '1.0.0', code: 7, msg: 'invalid mtu' }), stderr: '', code: 1 }
      : { stdout: c.env.CNI_COMMAND === 'ADD' ? RESULT('eth0', '10.244.0.5/24') : '', stderr: '', code: 0 },
  );
  const err = await t.throwsAsync(driver.execute({ type: 'cni.add', attachment }));
  t.like(err, { kind: 'invalid_argument', code: 'CNI_7' });
  t.regex(err?.message ?? '', /CNI ADD of eth0 \(plugin tuning\): invalid mtu/);
  t.deepEqual(calls.map((c) => c.env.CNI_COMMAND), ['ADD', 'ADD', 'DEL', 'DEL']);
  t.false(existsSync(recordPath(join(dir, 'state'), 'pod', 'eth0')));
});

test('a pending record left by a crash makes the next ADD a conflict and shows in the snapshot without result', async (t) => {
  const { dir, driver, calls, attachment } = setup(t, chain, () => ({ stdout: '', stderr: '', code: 0 }));
  const path = recordPath(join(dir, 'state'), 'pod', 'eth0');
  mkdirSync(join(dir, 'state', 'cni', 'pod'), { recursive: true });
  writeFileSync(path, JSON.stringify({ version: 1, scope: 'pod', ifname: 'eth0', containerId: 'c1', config: attachment.config, network: { name: 'net', cniVersion: '1.0.0', plugins: [] }, netns: '/var/run/netns/p', pending: true }));
  const err = await t.throwsAsync(driver.execute({ type: 'cni.add', attachment }));
  t.like(err, { kind: 'conflict' });
  t.regex(err?.message ?? '', /did not finish/);
  t.is(calls.length, 0);
  const snap = await driver.snapshot([{ name: 'pod', netns: 'p' }]);
  t.deepEqual(snap.cniAttachments['pod/eth0'], { scope: 'pod', ifname: 'eth0', containerId: 'c1', config: attachment.config, owned: true });
});

test('a plugin that is not in the CNI path, or prints no result, fails without a record', async (t) => {
  const missing = setup(t, { cniVersion: '1.0.0', name: 'n', type: 'nosuch' }, () => ({ stdout: '', stderr: '', code: 0 }));
  const e1 = await t.throwsAsync(missing.driver.execute({ type: 'cni.add', attachment: missing.attachment }));
  t.like(e1, { kind: 'not_supported' });
  t.regex(e1?.message ?? '', /CNI plugin nosuch not found/);
  const silent = setup(t, { cniVersion: '1.0.0', name: 'n', type: 'ptp' }, () => ({ stdout: 'oops', stderr: 'panic', code: 0 }));
  const e2 = await t.throwsAsync(silent.driver.execute({ type: 'cni.add', attachment: silent.attachment }));
  t.like(e2, { kind: 'driver_failure' });
  t.false(existsSync(recordPath(join(silent.dir, 'state'), 'pod', 'eth0')));
  const crashed = setup(t, { cniVersion: '1.0.0', name: 'n', type: 'ptp' }, () => ({ stdout: '', stderr: 'segfault', code: 139 }));
  const e3 = await t.throwsAsync(crashed.driver.execute({ type: 'cni.add', attachment: crashed.attachment }));
  t.regex(e3?.message ?? '', /exit 139: segfault/);
});

test('a container id or interface name a plugin cannot take is refused before anything runs', async (t) => {
  const { driver, calls, attachment } = setup(t, chain, () => ({ stdout: '', stderr: '', code: 0 }));
  for (const bad of [{ containerId: '../x' }, { ifname: 'a/b' }, { ifname: 'sixteen-chars-xx' }]) {
    const err = await t.throwsAsync(driver.execute({ type: 'cni.add', attachment: { ...attachment, ...bad } }));
    t.like(err, { kind: 'invalid_argument' });
  }
  t.is(calls.length, 0);
});

test('CHECK is refused for a 0.3.1 network, which has no CHECK', async (t) => {
  const { driver, attachment } = setup(t, { ...chain, cniVersion: '0.3.1' }, () => ({ stdout: JSON.stringify({ cniVersion: '0.3.1', ips: [], routes: [] }), stderr: '', code: 0 }));
  await driver.execute({ type: 'cni.add', attachment });
  const err = await t.throwsAsync(driver.check('pod', 'eth0'));
  t.like(err, { kind: 'not_supported' });
});
