/** `wirestate snapshot`: read the live system, print or save it, optionally record the raw dumps. */
import { join } from 'node:path';
import type { Command } from 'commander';
import writeFileAtomic from 'write-file-atomic';
import { canonicalJson, DEFAULT_LIBVIRT_URI } from '@wirestate/core';
import { captureLibvirt, recordSnapshot } from '@wirestate/drivers';
import { fileWord } from '@wirestate/state';
import { mkdir, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { EXIT, type Context } from '../context.ts';
import { globalsOf } from '../globals.ts';
import { liveSnapshot } from '../live.ts';
import { scopesFromArgs } from '../scopes.ts';

interface SnapshotOptions {
  readonly file?: string;
  readonly netns?: string;
  readonly record?: string;
  readonly out?: string;
}

/** `execFile` without a shell, as the libvirt capture's runner port wants it (the drivers do not export theirs). */
function runner(file: string, args: readonly string[], opts: { input?: string } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, [...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err !== null && typeof (err as NodeJS.ErrnoException).code === 'string') reject(err);
      else resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stdout, stderr });
    });
    child.stdin?.end(opts.input);
  });
}

/** Registers the command. */
export function registerSnapshot(program: Command, ctx: Context): void {
  program
    .command('snapshot')
    .description('read the live state of the scopes and print it as JSON (the format --snapshot reads)')
    .option('-f, --file <topology.yaml>', 'read the scopes of this topology')
    .option('--netns <name>', 'without -f: read this network namespace (default: the current one)')
    .option('-o, --out <live.json>', 'save the snapshot to this file instead of printing it')
    .option('--record <dir>', 'also record the raw netlink dumps (and libvirt XML, with the libvirt driver) per scope under this folder')
    .addHelpText('after', '\nExit codes: 0 success, 1 error.')
    .action(async (opts: SnapshotOptions, cmd: Command) => {
      const globals = globalsOf(cmd);
      const scopes = await scopesFromArgs(opts);
      const state = await liveSnapshot(scopes, globals);
      if (opts.record !== undefined) {
        for (const scope of Object.values(scopes)) {
          const dir = join(opts.record, fileWord(scope.name));
          if (globals.drivers.includes('netlink')) await recordSnapshot(scope, join(dir, 'netlink'));
          if (globals.drivers.includes('libvirt')) {
            const capture = await captureLibvirt(runner, 'virsh', scope.libvirt ?? DEFAULT_LIBVIRT_URI, scope.name);
            await mkdir(dir, { recursive: true });
            await writeFile(join(dir, 'libvirt.json'), `${JSON.stringify(capture, null, 2)}\n`);
          }
        }
      }
      const text = `${JSON.stringify(JSON.parse(canonicalJson(state)), null, 2)}\n`;
      if (opts.out !== undefined) await writeFileAtomic(opts.out, text);
      else ctx.io.out(text);
      ctx.code = EXIT.ok;
    });
}
