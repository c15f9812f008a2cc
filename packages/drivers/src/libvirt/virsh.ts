/**
 * Many virsh commands in one process. virsh takes a whole script as one argv word
 * (`virsh -c URI 'net-start a; net-start b'`), runs every command even after one fails,
 * and writes each command's output to stdout and its errors to stderr. To tell which
 * command printed what, each command is preceded by an `echo` marker (stdout) and followed
 * by a lookup of a network that cannot exist, whose error names a marker (stderr).
 */
import { randomBytes } from 'node:crypto';
import type { ErrorKind } from '@wirestate/core';
import type { Runner } from '../exec.ts';

/** One virsh command as argv words, e.g. `['net-start', 'pod-eth42']`. */
export type VirshCommand = readonly string[];

/** What one command of a batch printed. */
export interface CommandResult {
  /** Its stdout, trimmed. */
  readonly stdout: string;
  /** Its error lines, trimmed; empty when it succeeded. */
  readonly stderr: string;
  /** Whether it succeeded (wrote no error). */
  readonly ok: boolean;
}

/** argv words longer than this do not fit one exec (Linux limits one word to 128 KiB). */
const MAX_SCRIPT = 100_000;

/**
 * Quotes a word for virsh's own tokenizer, which splits on blanks and `;` and honours
 * single quotes like a shell: `it's` → `'it'\''s'`.
 */
export function quoteVirsh(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The script virsh reads for the commands, with the markers that split its output. */
export function virshScript(commands: readonly VirshCommand[], tag: string): string {
  return commands
    .map((cmd, i) => `echo ${tag}-o${i}; ${cmd.map(quoteVirsh).join(' ')}; net-uuid ${tag}-e${i}`)
    .join('; ');
}

/** Splits the output of `virshScript` back into one result per command. */
export function splitVirshOutput(stdout: string, stderr: string, count: number, tag: string): CommandResult[] {
  const outs: string[][] = Array.from({ length: count }, () => []);
  let cur = -1;
  for (const line of stdout.split('\n')) {
    const m = new RegExp(`^${tag}-o(\\d+)$`).exec(line);
    if (m) cur = Number(m[1]);
    else if (cur >= 0 && cur < count) outs[cur]?.push(line);
  }
  const errs: string[][] = Array.from({ length: count }, () => []);
  let pending: string[] = [];
  let seen = -1;
  const markerRe = new RegExp(`${tag}-e(\\d+)`);
  for (const line of stderr.split('\n')) {
    const m = markerRe.exec(line);
    if (m) {
      const i = Number(m[1]);
      if (i !== seen) {
        errs[i] = pending;
        pending = [];
        seen = i;
      }
    } else if (line.trim() !== '') pending.push(line);
  }
  const results: CommandResult[] = [];
  for (let i = 0; i < count; i++) {
    // A command whose error marker never came did not run to completion (virsh died).
    const finished = i <= seen;
    const err = finished ? (errs[i] ?? []).join('\n').trim() : [...(errs[i] ?? []), ...pending].join('\n').trim() || 'virsh stopped before this command finished';
    results.push({ stdout: (outs[i] ?? []).join('\n').trim(), stderr: err, ok: finished && err === '' });
  }
  return results;
}

/** Runs virsh commands against one connection in as few processes as argv allows. */
export async function runVirsh(
  run: Runner,
  virsh: string,
  uri: string,
  commands: readonly VirshCommand[],
): Promise<CommandResult[]> {
  const results: CommandResult[] = [];
  let start = 0;
  while (start < commands.length) {
    const tag = `wirestate-mark-${randomBytes(4).toString('hex')}`;
    let end = start + 1;
    while (end < commands.length && virshScript(commands.slice(start, end + 1), tag).length <= MAX_SCRIPT) end += 1;
    const chunk = commands.slice(start, end);
    // libvirtd does the work (bridges, firewall rules, dnsmasq): allow for it per command.
    const out = await run(virsh, ['-c', uri, virshScript(chunk, tag)], { timeoutMs: 60_000 + 10_000 * chunk.length });
    results.push(...splitVirshOutput(out.stdout, out.stderr, chunk.length, tag));
    start = end;
  }
  return results;
}

/** The error kind a virsh error message means: a state conflict, rejected input, or anything else. */
export function classifyVirshError(stderr: string): ErrorKind {
  if (
    /already exists|already active|already in use|not found|no (?:network|domain) with matching|is not active|not running|existing dhcp host entry|couldn't locate|no matching|there is an existing|already defined/i.test(
      stderr,
    )
  ) {
    return 'conflict';
  }
  if (/XML error|XML document|failed to parse|invalid argument|unsupported configuration|\bexpected\b|schema|malformed|not a valid/i.test(stderr)) {
    return 'invalid_argument';
  }
  return 'driver_failure';
}

/** The first line of virsh's error text, lowercased at the start and without `error: `. */
export function virshErrorText(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.replace(/^error:\s*/, '').trim())
    .filter((l) => l !== '');
  return lines.join(': ');
}
