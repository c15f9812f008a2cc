/**
 * A `Runner` that plays a recorded libvirt capture back the way virsh would print it,
 * markers included, so the driver's snapshot path runs without root or libvirtd.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult, Runner } from '../../src/exec.ts';
import type { LibvirtCapture } from '../../src/libvirt/snapshot.ts';

/** Loads `recorded/libvirt/<scenario>/` into a capture. */
export function loadCapture(dir: string): LibvirtCapture {
  const lists = JSON.parse(readFileSync(join(dir, 'lists.json'), 'utf8')) as Omit<LibvirtCapture, 'networkXml' | 'domainXml'>;
  const read = (sub: string): Record<string, string> =>
    Object.fromEntries(
      readdirSync(join(dir, sub))
        .filter((f) => f.endsWith('.xml'))
        .map((f) => [f.slice(0, -4), readFileSync(join(dir, sub, f), 'utf8').trimEnd()]),
    );
  return { ...lists, networkXml: read('networks'), domainXml: read('domains') };
}

/** Splits a virsh script on `;` outside quotes, the way virsh's tokenizer does. */
function splitScript(script: string): string[][] {
  const cmds: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let quote = false;
  for (let i = 0; i < script.length; i++) {
    const ch = script[i] as string;
    if (quote) {
      if (ch === "'") quote = false;
      else word += ch;
    } else if (ch === "'") {
      quote = true;
      inWord = true;
    } else if (ch === '\\') {
      word += script[++i] ?? '';
      inWord = true;
    } else if (ch === ' ' || ch === ';') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      if (ch === ';') {
        cmds.push(words);
        words = [];
      }
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  if (words.length > 0) cmds.push(words);
  return cmds;
}

/** A runner answering `virsh -c URI 'script'` from a capture; `calls` records every script. */
export function recordedRunner(cap: LibvirtCapture): { run: Runner; calls: string[][] } {
  const calls: string[][] = [];
  const run: Runner = async (_file, args): Promise<RunResult> => {
    calls.push([...args]);
    const script = args[args.length - 1] ?? '';
    let stdout = '';
    let stderr = '';
    const missing = (what: string, name: string): void => {
      stderr += `error: failed to get ${what} '${name}'\nerror: ${what === 'network' ? 'Network' : 'Domain'} not found: no ${what} with matching name '${name}'\n`;
    };
    for (const [cmd, ...rest] of splitScript(script)) {
      const flags = new Set(rest.filter((w) => w.startsWith('--')));
      const name = rest.find((w) => !w.startsWith('--'));
      if (cmd === 'echo') stdout += `${rest.join(' ')}\n`;
      else if (cmd === 'net-list') {
        const list = !flags.has('--all') ? cap.activeNetworks : flags.has('--autostart') ? cap.autostartNetworks : cap.networks;
        stdout += `${list.join('\n')}\n\n`;
      } else if (cmd === 'list') stdout += `${(flags.has('--all') ? cap.domains : cap.runningDomains).join('\n')}\n\n`;
      else if (cmd === 'net-dumpxml' && name !== undefined && cap.networkXml[name] !== undefined) stdout += `${cap.networkXml[name]}\n\n`;
      else if (cmd === 'dumpxml' && name !== undefined && cap.domainXml[name] !== undefined) stdout += `${cap.domainXml[name]}\n\n`;
      else if (cmd === 'dumpxml') missing('domain', name ?? '');
      else missing('network', name ?? '');
    }
    return { stdout, stderr, code: 1 };
  };
  return { run, calls };
}
