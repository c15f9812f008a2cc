/**
 * The `wirestate` binary run as a subprocess on the seed scenario and on broken input:
 * exit codes, what goes to stdout and stderr, and the documented JSON shapes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { CLI_DIR, tempDir, wirestate } from './helpers/cli.ts';

const SEED = '../fixtures/scenarios/seed-extra-pod-nic';
const CONVERGED = '../fixtures/scenarios/converged-seed-plans-nothing';
const seedArgs = ['-f', `${SEED}/topology.yaml`, '--snapshot', `${SEED}/live.json`];
const convergedArgs = ['-f', `${CONVERGED}/topology.yaml`, '--snapshot', `${CONVERGED}/live.json`, '--facts', `${CONVERGED}/facts.json`];

/** Lines of the plan that name the seed's steps, in the order the seed describes them. */
const SEED_STEPS = [
  /- ip -n pod1 route delete 10\.96\.0\.0\/12 via 10\.244\.0\.1 dev eth42/,
  /- ip -n pod1 address delete 10\.244\.0\.5\/24 dev eth42/,
  /~ ip -n pod1 link set eth42 address (?!0a:58:0a:f4:00:05)[0-9a-f:]{17}/,
  /\+ virsh net-define pod-eth42\.xml/,
  /\+ virsh net-start pod-eth42/,
  /~ ip -n pod1 link set eth42 master br-eth42/,
  /\+ virsh net-update pod-eth42 add ip-dhcp-host "<host mac='0a:58:0a:f4:00:05' ip='10\.244\.0\.5'\/>"/,
  /\+ virsh attach-device vm1 .*<mac address='0a:58:0a:f4:00:05'\/><source network='pod-eth42'\/>/,
];

test('plan of the seed prints its steps in a valid order, each with a reason, and exits 0', async (t) => {
  const r = await wirestate(['plan', ...seedArgs]);
  t.is(r.code, 0, r.stderr);
  t.is(r.stderr, '');
  const lines = r.stdout.split('\n');
  let at = -1;
  for (const re of SEED_STEPS) {
    const i = lines.findIndex((l) => re.test(l));
    t.true(i > at, `${re} should come after line ${at}`);
    t.regex(lines[i + 1] ?? '', /^\s+# \S/, `step ${re} has its reason under it`);
    at = i;
  }
  t.regex(r.stdout, /^Plan: 3 to add, 1 to change, 2 to destroy, 0 to replace \(9 steps\)\.$/m);
  t.false(r.stdout.includes('\u001b['), 'no colours when not a terminal');
  t.snapshot(r.stdout);
});

test('plan --detailed-exitcode exits 2 when there are changes', async (t) => {
  const r = await wirestate(['plan', ...seedArgs, '--detailed-exitcode']);
  t.is(r.code, 2, r.stderr);
  t.regex(r.stdout, /^Plan: /m);
});

test('plan --detailed-exitcode exits 0 on a converged system with its recorded facts', async (t) => {
  const r = await wirestate(['plan', ...convergedArgs, '--detailed-exitcode']);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, 'No changes. The live state matches the topology.\n');
});

test('plan --detailed-exitcode exits 1 on malformed input', async (t) => {
  const r = await wirestate(['plan', '-f', 'test/fixtures/malformed.yaml', '--snapshot', `${SEED}/live.json`, '--detailed-exitcode']);
  t.is(r.code, 1);
  t.is(r.stdout, '');
});

test('plan --json prints the documented schema, steps in execution order', async (t) => {
  const r = await wirestate(['plan', ...seedArgs, '--json']);
  t.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as Record<string, unknown>;
  t.deepEqual(Object.keys(doc).sort(), ['basis', 'changes', 'conflicts', 'formatVersion', 'planVersion', 'steps', 'summary']);
  t.is(doc.formatVersion, 1);
  t.is(doc.planVersion, 1);
  t.is(typeof doc.basis, 'string');
  t.deepEqual(doc.summary, { create: 3, update: 1, delete: 2, replace: 0, steps: 9, disruptive: 0 });
  const steps = doc.steps as Record<string, unknown>[];
  t.is(steps.length, 9);
  steps.forEach((s, i) => {
    t.deepEqual(Object.keys(s).sort(), ['action', 'after', 'command', 'disruptive', 'id', 'index', 'inverse', 'inverseCommand', 'kind', 'op', 'reason', 'resourceId', 'symbol']);
    t.is(s.index, i);
    t.true((s.after as number[]).every((a) => a < i), 'a step only waits for earlier steps');
    t.is(typeof (s.op as { type: unknown }).type, 'string');
  });
  t.deepEqual(
    steps.map((s) => (s.op as { type: string }).type),
    ['route.delete', 'address.delete', 'link.set', 'network.define', 'network.start', 'link.set', 'dhcpHost.add', 'network.autostart', 'vmInterface.attach'],
  );
  const changes = doc.changes as { kind: string; action: string; fields: { from: unknown }[] }[];
  t.true(changes.some((c) => c.kind === 'links' && c.action === 'update' && c.fields.every((f) => f.from !== undefined)));
  t.deepEqual(doc.conflicts, []);
});

test('plan -o saves the plan, desired state, facts and topology file', async (t) => {
  const out = join(tempDir(t), 'plan.json');
  const r = await wirestate(['plan', ...seedArgs, '-o', out]);
  t.is(r.code, 0, r.stderr);
  const saved = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
  t.deepEqual(Object.keys(saved).sort(), ['desired', 'facts', 'formatVersion', 'plan', 'scopes', 'topologyFile']);
  t.regex(saved.topologyFile as string, /seed-extra-pod-nic\/topology\.yaml$/);
  t.is((saved.plan as { steps: unknown[] }).steps.length, 9);
  t.is((saved.facts as { podNics: Record<string, { mac: string }> }).podNics['pod/eth42']?.mac, '0a:58:0a:f4:00:05');
});

test('plan with a facts file that does not exist gathers the facts from the snapshot', async (t) => {
  const r = await wirestate(['plan', ...seedArgs, '--facts', join(tempDir(t), 'none.json')]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /\(9 steps\)/);
});

test('plan of a converged system without its facts fails naming the binding', async (t) => {
  const r = await wirestate(['plan', '-f', `${CONVERGED}/topology.yaml`, '--snapshot', `${CONVERGED}/live.json`]);
  t.is(r.code, 1);
  t.regex(r.stderr, /^wirestate: cannot record the pod NIC facts/);
  t.regex(r.stderr, /topology\.yaml: bindings\[0\]\.podNic: .* \[facts_missing\]/);
});

test('plan without --snapshot reads the live system through the drivers (here the file-backed test system)', async (t) => {
  const dir = tempDir(t);
  const system = join(dir, 'system.json');
  writeFileSync(system, readFileSync(join(CLI_DIR, SEED, 'live.json')));
  const r = await wirestate(['--state-dir', join(dir, 'state'), 'plan', '-f', `${SEED}/topology.yaml`], undefined, { NO_COLOR: '1', WIRESTATE_TEST_SYSTEM_FILE: system });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /virsh net-define pod-eth42\.xml/);
});

test('malformed topology: plan exits 1, prints nothing on stdout, every issue located', async (t) => {
  const r = await wirestate(['plan', '-f', 'test/fixtures/malformed.yaml', '--snapshot', `${SEED}/live.json`]);
  t.is(r.code, 1);
  t.is(r.stdout, '');
  const [head, ...issues] = r.stderr.trimEnd().split('\n');
  t.regex(head!, /^wirestate: test\/fixtures\/malformed\.yaml is invalid: \d+ problems$/);
  t.true(issues.length >= 4);
  for (const line of issues) t.regex(line, /^ {2}test\/fixtures\/malformed\.yaml:\d+:\d+: \S+: .+ \[[a-z_]+\]$/);
  t.regex(r.stderr, /malformed\.yaml:9:\d+: bindings\[0\]\.podNic: /);
  t.regex(r.stderr, /malformed\.yaml:15:\d+: links\[0\]\.mac: /);
});

test('validate reports the issues of a malformed topology and exits 1', async (t) => {
  const r = await wirestate(['validate', '-f', 'test/fixtures/malformed.yaml']);
  t.is(r.code, 1);
  t.regex(r.stderr, /bindings\[0\]\.colour: .*\[unknown_field\]/);
});

test('validate reports YAML syntax errors with their position', async (t) => {
  const r = await wirestate(['validate', '-f', 'test/fixtures/broken-yaml.yaml']);
  t.is(r.code, 1);
  t.regex(r.stderr, /broken-yaml\.yaml:\d+:\d+: .*\[yaml_syntax\]/);
});

test('validate of the seed prints ok with counts', async (t) => {
  const r = await wirestate(['validate', '-f', `${SEED}/topology.yaml`]);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, 'ok: 1 binding, 0 resources, 1 VM, 1 scope\n');
});

test('a missing topology file is one clear error line', async (t) => {
  const r = await wirestate(['validate', '-f', 'test/fixtures/nope.yaml']);
  t.is(r.code, 1);
  t.is(r.stderr, 'wirestate: cannot read topology test/fixtures/nope.yaml: no such file\n');
});

test('apply --dry-run on the seed runs every step on the memory driver and reports converged', async (t) => {
  const r = await wirestate(['apply', '--dry-run', ...seedArgs]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /9 steps of 9 completed\./);
  t.regex(r.stdout, /^~ links pod\/eth42: /m);
  t.regex(r.stdout, /^ {4}~ master: \(none\) → br-eth42$/m);
  t.regex(r.stdout, /^- addresses pod\/eth42\/10\.244\.0\.5\/24: /m);
  t.regex(r.stdout, /^\+ vmInterfaces pod\/vm1\/0a:58:0a:f4:00:05: /m);
  t.regex(r.stdout, /^Converged: /m);
});

test('apply --dry-run --json reports the completed steps, the verification and the state after', async (t) => {
  const r = await wirestate(['apply', '--dry-run', '--json', ...seedArgs]);
  t.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { formatVersion: number; dryRun: boolean; completed: number[]; verification: { converged: boolean; remaining: unknown[] }; after: { links: Record<string, { master?: string }> } };
  t.is(doc.formatVersion, 1);
  t.true(doc.dryRun);
  t.deepEqual([...doc.completed].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  t.true(doc.verification.converged);
  t.deepEqual(doc.verification.remaining, []);
  t.is(doc.after.links['pod/eth42']?.master, 'br-eth42');
});

test('apply --dry-run --fail-op makes that step fail, rolls back to the snapshot and exits 1', async (t) => {
  const r = await wirestate(['apply', '--dry-run', ...seedArgs, '--fail-op', 'vmInterface.attach']);
  t.is(r.code, 1);
  t.regex(r.stdout, /failed at step 8; rolled back 8 step\(s\)/);
  t.regex(r.stdout, /State after rollback, compared with the snapshot:\nNo differences\.\n$/);
  t.regex(r.stderr, /^wirestate: step 8 failed \(virsh attach-device vm1 .*\): injected fault on vmInterface\.attach .*\[driver_failure\]\n {2}rolled back 8 completed step\(s\)\n$/);
});

test('apply --dry-run --fail-op with an op type the plan does not run is refused', async (t) => {
  const r = await wirestate(['apply', '--dry-run', ...seedArgs, '--fail-op', 'cni.add']);
  t.is(r.code, 1);
  t.regex(r.stderr, /^wirestate: --fail-op cni\.add: no step of this plan runs it; it runs address\.delete, /);
});

test('colours are used when forced and dropped by --no-color', async (t) => {
  const forced = await wirestate(['plan', ...seedArgs], undefined, { FORCE_COLOR: '1' });
  t.true(forced.stdout.includes('\u001b['));
  const off = await wirestate(['--no-color', 'plan', ...seedArgs], undefined, { FORCE_COLOR: '1' });
  t.false(off.stdout.includes('\u001b['));
  const after = await wirestate(['plan', ...seedArgs, '--no-color'], undefined, { FORCE_COLOR: '1' });
  t.false(after.stdout.includes('\u001b['), '--no-color works after the command too');
});

test('apply to the live system refuses dry-run-only flags such as --snapshot', async (t) => {
  const r = await wirestate(['apply', ...seedArgs]);
  t.is(r.code, 1);
  t.is(r.stdout, '');
  t.is(r.stderr, 'wirestate: --snapshot only goes with --dry-run\n');
});

test('show lists the snapshot per scope and kind', async (t) => {
  const r = await wirestate(['show', '--snapshot', `${SEED}/live.json`]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^scope pod$/m);
  t.regex(r.stdout, /^ {2}links$/m);
  t.regex(r.stdout, /eth42 \(device\) +mac=0a:58:0a:f4:00:05/);
  t.regex(r.stdout, /0 owned by wirestate/);
});

test('show --json prints the complete state', async (t) => {
  const r = await wirestate(['show', '--json', '--snapshot', `${SEED}/live.json`]);
  t.is(r.code, 0, r.stderr);
  const state = JSON.parse(r.stdout) as Record<string, unknown>;
  t.truthy(state.cniAttachments, 'kinds missing from the file are filled in');
  t.is((state.links as Record<string, { mac: string }>)['pod/eth42']?.mac, '0a:58:0a:f4:00:05');
});

test('show rejects a file that is not a state, naming each bad kind', async (t) => {
  const r = await wirestate(['show', '--snapshot', 'test/fixtures/not-a-state.json']);
  t.is(r.code, 1);
  t.regex(r.stderr, /^wirestate: snapshot test\/fixtures\/not-a-state\.json is not a wirestate state$/m);
  t.regex(r.stderr, /links: must be an object keyed by resource id \[invalid_type\]/);
  t.regex(r.stderr, /gadgets: unknown resource kind.*\[unknown_kind\]/);
});

test('graph prints a dot digraph with one node per step and the dependency edges', async (t) => {
  const r = await wirestate(['graph', ...seedArgs]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^digraph plan \{/);
  t.is(r.stdout.match(/^ {2}s\d+ \[/gm)?.length, 9);
  t.regex(r.stdout, /^ {2}s3 -> s4;$/m);
});

for (const command of ['plan', 'apply', 'validate', 'show', 'graph']) {
  test(`${command} --help prints its usage and exits 0`, async (t) => {
    const r = await wirestate([command, '--help']);
    t.is(r.code, 0);
    t.regex(r.stdout, new RegExp(`^Usage: wirestate ${command} \\[options\\]`));
  });
}

test('--version prints the package version', async (t) => {
  const r = await wirestate(['--version']);
  t.is(r.code, 0);
  t.regex(r.stdout, /^\d+\.\d+\.\d+\n$/);
});

test('an unknown option is one error line and exit 1', async (t) => {
  const r = await wirestate(['plan', '--frobnicate', ...seedArgs]);
  t.is(r.code, 1);
  t.regex(r.stderr, /^wirestate: unknown option '--frobnicate'/);
});

test('no command prints the usage on stderr and exits 1', async (t) => {
  const r = await wirestate([]);
  t.is(r.code, 1);
  t.regex(r.stderr, /^Usage: wirestate /);
});

test('the bin works from another working directory', async (t) => {
  const r = await wirestate(['validate', '-f', join(CLI_DIR, SEED, 'topology.yaml')], tempDir(t));
  t.is(r.code, 0, r.stderr);
});
