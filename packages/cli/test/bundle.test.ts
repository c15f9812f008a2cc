/**
 * The bundle `pnpm build` makes (what the bin runs when it is fresh) behaves as the sources:
 * it prints the same plans, and its netlink worker — a second bundle, started beside it
 * without any TypeScript loader — reads a real namespace (root only).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { ipIn, isRoot, makeNetns } from '../../drivers/test/helpers/netns.ts';
import { CLI_DIR } from './helpers/cli.ts';

const ROOT = join(CLI_DIR, '..', '..');
const SEED = ['-f', join(ROOT, 'docs/examples/seed/topology.yaml'), '--snapshot', join(ROOT, 'docs/examples/seed/live.json')];

/** A fresh build in a folder of its own beside dist/ (so `netlink` and ../package.json resolve the same). */
const built = (async () => {
  const dir = mkdtempSync(join(CLI_DIR, '.bundle-test-'));
  const { buildCli } = (await import(join(CLI_DIR, 'build.mjs'))) as { buildCli: (outdir: string) => Promise<void> };
  await buildCli(dir);
  return dir;
})();
test.after.always(async () => rmSync(await built, { recursive: true, force: true }));

function node(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', maxBuffer: 1 << 26 }, (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr }),
    );
  });
}

for (const extra of [[], ['--json']]) {
  test(`the bundle prints the seed plan${extra.length ? ' as JSON' : ''} exactly as the sources do`, async (t) => {
    const dir = await built;
    const fromBundle = await node([join(dir, 'wirestate.js'), 'plan', ...SEED, ...extra]);
    const fromSource = await node([join(CLI_DIR, 'bin', 'wirestate.js'), 'plan', ...SEED, ...extra], { WIRESTATE_FROM_SOURCE: '1' });
    t.is(fromBundle.code, 0, fromBundle.stderr);
    t.is(fromSource.code, 0, fromSource.stderr);
    t.regex(fromBundle.stdout, /eth42/);
    t.is(fromBundle.stdout, fromSource.stdout);
  });
}

(isRoot ? test : test.skip)('the bundled netlink worker, started without a TypeScript loader, snapshots a namespace', async (t) => {
  const dir = await built;
  const ns = makeNetns(t, 'bundle');
  ipIn(ns, 'link', 'add', 'name', 'brb0', 'type', 'bridge');
  const out = join(dir, `live-${ns}.json`);
  const r = await node([join(dir, 'wirestate.js'), '--drivers', 'netlink', 'snapshot', '--netns', ns, '-o', out]);
  t.is(r.code, 0, r.stderr);
  const links = (JSON.parse(readFileSync(out, 'utf8')) as { links: Record<string, { name: string; kind: string }> }).links;
  t.like(Object.values(links).find((l) => l.name === 'brb0'), { kind: 'bridge' });
});
