/** Finding sessions in the state directory: which are unsettled, which was the last apply; pruning old ones. */
import { rmSync } from 'node:fs';
import { WirestateError } from '@wirestate/core';
import { listJournals, readJournal } from './journal-file.ts';
import type { StateLayout } from './layout.ts';
import { scopesOfKey } from './layout.ts';
import { viewOf, type SessionView } from './session.ts';

/** Views of every session over a scope set that shares a scope with `scopes` (all sessions when absent), oldest first. */
export function sessionsTouching(layout: StateLayout, scopes?: readonly string[]): SessionView[] {
  const wanted = scopes === undefined ? undefined : new Set(scopes);
  return listJournals(layout)
    .filter((j) => wanted === undefined || scopesOfKey(j.key).some((s) => wanted.has(s)))
    .map((j) => viewOf(j.file, readJournal(j.file)))
    .filter((v) => v.session !== undefined)
    .sort((a, b) => (a.session.id < b.session.id ? -1 : a.session.id > b.session.id ? 1 : 0));
}

/** Sessions that block a new change: running, interrupted, or waiting for confirmation. */
export function unsettled(views: readonly SessionView[]): SessionView[] {
  return views.filter((v) => v.status === 'running' || v.status === 'interrupted' || v.status === 'awaiting-confirm');
}

/** One line saying why a session blocks and what resolves it. */
export function blockingReason(v: SessionView): string {
  const scopes = v.session.scopes.map((s) => s.name).join(',');
  const what = `${v.session.command} ${v.session.id} over scope(s) ${scopes}`;
  switch (v.status) {
    case 'running':
      return `${what} is in progress (pid ${v.session.writer.pid})`;
    case 'awaiting-confirm':
      return `${what} awaits confirmation until ${v.confirmPending?.deadline}: run \`wirestate confirm\` to keep it or \`wirestate rollback\` to undo it`;
    default:
      return `${what} was interrupted (${v.file}): run \`wirestate recover\` to roll it back, or \`wirestate recover --forward\` to complete it`;
  }
}

/** Throws a `conflict` naming every unsettled session touching `scopes`. */
export function assertSettled(layout: StateLayout, scopes?: readonly string[]): void {
  const blocking = unsettled(sessionsTouching(layout, scopes));
  if (blocking.length === 0) return;
  throw new WirestateError('conflict', `refusing to start: ${blocking.map(blockingReason).join('; ')}`);
}

/** The latest apply that changed something (a step started), over any of `scopes`; applies with nothing to do do not count. */
export function latestApply(layout: StateLayout, scopes?: readonly string[]): SessionView | undefined {
  const views = sessionsTouching(layout, scopes).filter((v) => v.session.command === 'apply' && v.started.length > 0);
  return views.at(-1);
}

/**
 * Removes the journals of settled sessions beyond the newest `keep` of each scope set,
 * so the state directory does not grow with every apply. Unsettled sessions and applied
 * ones that changed something (still undoable by `rollback`) are never removed.
 */
export function pruneJournals(layout: StateLayout, keep = 50): string[] {
  const removed: string[] = [];
  const byKey = new Map<string, { file: string }[]>();
  for (const j of listJournals(layout)) byKey.set(j.key, [...(byKey.get(j.key) ?? []), j]);
  for (const files of byKey.values()) {
    for (const j of files.slice(0, Math.max(0, files.length - keep))) {
      const v = viewOf(j.file, readJournal(j.file));
      const nothingToUndo = v.status === 'applied' && v.started.length === 0;
      if (v.status !== 'settled' && !nothingToUndo) continue;
      rmSync(j.file, { force: true });
      removed.push(j.file);
    }
  }
  return removed;
}
