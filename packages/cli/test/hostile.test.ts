/**
 * Hostile input through the command line, in-process: every hand-written case under
 * packages/fixtures/hostile, every generated one and the parser's malformed corpus is
 * rejected by `validate`, `plan` and `apply` with exit 1, nothing on stdout, every
 * expected issue located with its path — while spawning a process throws (so none can
 * start), the state directory is never created, and a file-backed system is unchanged.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { generateHostile } from '../../fixtures/hostile/generate.ts';
import { run } from '../src/index.ts';
import type { Io } from '../src/io.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

interface Case {
  readonly name: string;
  readonly file: string;
  /** `[code, path]`; code `*` matches any. */
  readonly expects: readonly (readonly [string, string])[];
}

function regexEscape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function handWritten(): Case[] {
  const dir = join(FIXTURES, 'hostile');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const file = join(dir, f);
      const line = /^# expect: (.*)$/m.exec(readFileSync(file, 'utf8'))![1]!;
      return { name: f, file, expects: line.split('; ').map((e) => e.split(' ') as [string, string]) };
    });
}

function malformed(): Case[] {
  const dir = join(FIXTURES, 'malformed');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const exp = JSON.parse(readFileSync(join(dir, f.replace(/\.yaml$/, '.expect.json')), 'utf8')) as { code: string; path: (string | number)[] }[];
      return { name: `malformed/${f}`, file: join(dir, f), expects: exp.map((e) => [e.code, '*'] as const) };
    });
}

const tmp = mkdtempSync(join(tmpdir(), 'wirestate-hostile-'));
test.after.always(() => rmSync(tmp, { recursive: true, force: true }));

function generated(): Case[] {
  return generateHostile().map((c, i) => {
    const file = join(tmp, `generated-${i}.yaml`);
    writeFileSync(file, c.text);
    return { name: c.name, file, expects: [['*', c.path ?? '*']] };
  });
}

/** Makes every way of starting a process throw, and counts attempts. */
function trapProcesses(): { attempts: () => number; restore: () => void } {
  // The CommonJS module object: what `import { spawn }` bindings are synced from.
  const cp = createRequire(import.meta.url)('node:child_process') as Record<string, unknown>;
  const names = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'];
  const saved = Object.fromEntries(names.map((n) => [n, cp[n]]));
  let attempts = 0;
  for (const n of names) {
    cp[n] = () => {
      attempts++;
      throw new Error(`hostile input made wirestate call child_process.${n}`);
    };
  }
  syncBuiltinESMExports();
  return {
    attempts: () => attempts,
    restore: () => {
      Object.assign(cp, saved);
      syncBuiltinESMExports();
    },
  };
}

async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (s) => void (stdout += s), err: (s) => void (stderr += s), isTty: false, env: { NO_COLOR: '1' } };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

let tried = 0;
let leftSomething = 0;

async function check(t: ExecutionContext, c: Case, stateDir: string, systemFile: string, systemText: string): Promise<void> {
  for (const [mode, argv] of [
    ['validate', ['validate', '-f', c.file]],
    ['plan', ['--state-dir', stateDir, 'plan', '-f', c.file]],
    ['apply', ['--state-dir', stateDir, 'apply', '-f', c.file]],
    ['apply (file-backed system)', ['--state-dir', stateDir, 'apply', '-f', c.file]],
  ] as const) {
    if (mode === 'apply (file-backed system)') process.env.WIRESTATE_TEST_SYSTEM_FILE = systemFile;
    const r = await cli(argv);
    delete process.env.WIRESTATE_TEST_SYSTEM_FILE;
    tried++;
    const where = `${c.name} (${mode})`;
    t.is(r.code, 1, `${where}: exit code`);
    t.is(r.stdout, '', `${where}: stdout`);
    t.regex(r.stderr, /^wirestate: /, where);
    for (const [code, path] of c.expects) {
      const re = new RegExp(`^ {2}${regexEscape(c.file)}:\\d+:\\d+: ${path === '*' ? '.*' : regexEscape(path)}: .* \\[${code === '*' ? '[a-z_]+' : regexEscape(code)}\\]$`, 'm');
      t.regex(r.stderr, re, `${where}: no located issue ${code} at ${path}`);
    }
    const changed = existsSync(stateDir) || readFileSync(systemFile, 'utf8') !== systemText;
    if (changed) leftSomething++;
    t.false(changed, `${where}: something changed`);
  }
}

for (const [label, cases] of [
  ['hand-written hostile', handWritten],
  ['generated hostile', generated],
  ['parser malformed corpus', malformed],
] as const) {
  test.serial(`every ${label} topology is rejected by validate, plan and apply: exit 1, located issues, no process, nothing changed`, async (t) => {
    const list = cases();
    t.true(list.length > 0);
    const stateDir = join(tmp, 'state');
    const systemFile = join(tmp, 'system.json');
    const systemText = '{"links":{}}';
    writeFileSync(systemFile, systemText);
    const trap = trapProcesses();
    try {
      for (const c of list) await check(t, c, stateDir, systemFile, systemText);
    } finally {
      trap.restore();
    }
    t.is(trap.attempts(), 0, 'a process was started');
    t.log(`${list.length} ${label} inputs`);
  });
}

test.serial('control: with the same trap, a valid apply is stopped at its first process (the lock), so the trap can fail the tests above', async (t) => {
  const systemFile = join(tmp, 'control.json');
  writeFileSync(systemFile, '{}');
  const trap = trapProcesses();
  process.env.WIRESTATE_TEST_SYSTEM_FILE = systemFile;
  try {
    const r = await cli(['--state-dir', join(tmp, 'control-state'), 'apply', '-f', join(import.meta.dirname, 'fixtures', 'durable', 'low-level.yaml')]);
    t.is(r.code, 1);
    t.regex(r.stderr, /hostile input made wirestate call child_process\.spawn/);
  } finally {
    delete process.env.WIRESTATE_TEST_SYSTEM_FILE;
    trap.restore();
  }
  t.true(trap.attempts() > 0);
});

test.after(() => {
  process.stdout.write(`hostile input: ${tried} command runs over the corpus, ${leftSomething} left anything behind\n`);
});
