/** Where wirestate keeps its durable state: one directory, a fixed layout under it. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** The default state directory. */
export const DEFAULT_STATE_DIR = '/var/lib/wirestate';

/** Paths inside a state directory. */
export interface StateLayout {
  /** The state directory itself. */
  readonly root: string;
  /** Recorded pod NIC facts. */
  readonly factsFile: string;
  /** Journals, one folder per scope set, one file per apply session. */
  readonly journalsDir: string;
  /** One lock file per scope. */
  readonly locksDir: string;
  /** Logs of confirm-or-revert timers. */
  readonly timersDir: string;
}

/** The layout of `root`. */
export function stateLayout(root: string): StateLayout {
  return {
    root,
    factsFile: join(root, 'facts.json'),
    journalsDir: join(root, 'journals'),
    locksDir: join(root, 'locks'),
    timersDir: join(root, 'timers'),
  };
}

/**
 * A file-name-safe word for a scope name: scope names are validated, but a state path
 * must never be steerable by input, so anything beyond `[A-Za-z0-9_-]` is %-escaped
 * and a leading dot cannot survive.
 */
export function fileWord(name: string): string {
  const escaped = [...Buffer.from(name, 'utf8')]
    .map((b) => (/[A-Za-z0-9_-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`))
    .join('');
  return escaped === '' ? '%' : escaped;
}

/** The folder name of a scope set: its sorted, escaped names joined with `+`. */
export function scopeSetKey(scopes: readonly string[]): string {
  return [...new Set(scopes)].sort().map(fileWord).join('+') || '%none';
}

/** The scope names of a scope-set key. */
export function scopesOfKey(key: string): string[] {
  if (key === '%none') return [];
  return key.split('+').map((w) => (w === '%' ? '' : decodeURIComponent(w)));
}

/**
 * Makes a private folder under the state dir: the root itself stays 0755 because the
 * standalone dnsmasq reads its reservations below it after dropping root; what is
 * private (journals, locks, timers) is 0700 one level down.
 */
export function makePrivateDir(layout: StateLayout, dir: string): void {
  mkdirSync(layout.root, { recursive: true, mode: 0o755 });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}
