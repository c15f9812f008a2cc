/**
 * Writing and reading journal files: append-only JSON lines, each record written with
 * one `write` and fsynced before the caller goes on, the file and its folder fsynced
 * when created, so that after a crash every record the engine was told is written is on disk.
 */
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { WirestateError } from '@wirestate/core';
import type { StateLayout } from './layout.ts';
import { makePrivateDir, scopeSetKey } from './layout.ts';
import type { JournalRecord, SessionRecord } from './records.ts';

/** Called around each append; tests use it to die at exact points. */
export type RecordHook = (record: JournalRecord, index: number, when: 'before' | 'after') => void;

/** An open journal file. */
export interface JournalWriter {
  /** The file. */
  readonly file: string;
  /** Records written so far (the session record is 0). */
  readonly count: number;
  /** Appends one record and fsyncs it. */
  append(record: JournalRecord): void;
  /** Closes the file. */
  close(): void;
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writer(file: string, fd: number, count: number, hook: RecordHook | undefined): JournalWriter {
  let n = count;
  let open = true;
  return {
    file,
    get count() {
      return n;
    },
    append(record) {
      if (!open) throw new WirestateError('bug', `journal ${file} is closed`);
      hook?.(record, n, 'before');
      writeSync(fd, `${JSON.stringify(record)}\n`);
      fsyncSync(fd);
      n++;
      hook?.(record, n - 1, 'after');
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

/** The folder of a scope set's journals. */
export function journalDir(layout: StateLayout, scopes: readonly string[]): string {
  return join(layout.journalsDir, scopeSetKey(scopes));
}

/** Starts a new session file for the session's scopes and writes its first record. */
export function createJournal(layout: StateLayout, session: SessionRecord, hook?: RecordHook): JournalWriter {
  const dir = journalDir(layout, session.scopes.map((s) => s.name));
  makePrivateDir(layout, dir);
  const file = join(dir, `${session.id}.jsonl`);
  const fd = openSync(file, 'wx', 0o600);
  fsyncDir(dir);
  const w = writer(file, fd, 0, hook);
  w.append(session);
  return w;
}

/** Reopens an existing journal to append to it (recovery, rollback, confirmation). */
export function reopenJournal(file: string, hook?: RecordHook): JournalWriter {
  const count = readJournal(file).length;
  return writer(file, openSync(file, 'a', 0o600), count, hook);
}

/**
 * Reads a journal. A last line without its newline is a record the crash cut short: it
 * was never acknowledged, so it is dropped. Any other unreadable line is corruption.
 */
export function readJournal(file: string): JournalRecord[] {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const complete = text.endsWith('\n') ? lines.slice(0, -1) : lines.slice(0, -1);
  const out: JournalRecord[] = [];
  complete.forEach((line, n) => {
    try {
      out.push(JSON.parse(line) as JournalRecord);
    } catch {
      throw new WirestateError('bug', `journal ${file} is corrupt at line ${n + 1}: not a JSON record`);
    }
  });
  if (out.length > 0 && out[0]!.t !== 'session') throw new WirestateError('bug', `journal ${file} does not start with a session record`);
  return out;
}

/** A session id that sorts by time: milliseconds, then pid. */
export function newSessionId(now = Date.now(), pid = process.pid): string {
  return `${String(now).padStart(15, '0')}-${pid}`;
}

/** Every journal file in the state directory: `{ key, file }`, oldest first within a key. */
export function listJournals(layout: StateLayout): { readonly key: string; readonly file: string; readonly id: string }[] {
  let keys: string[];
  try {
    keys = readdirSync(layout.journalsDir).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: { key: string; file: string; id: string }[] = [];
  for (const key of keys) {
    for (const f of readdirSync(join(layout.journalsDir, key)).filter((n) => n.endsWith('.jsonl')).sort()) {
      out.push({ key, file: join(layout.journalsDir, key, f), id: f.slice(0, -'.jsonl'.length) });
    }
  }
  return out;
}
