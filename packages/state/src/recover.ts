/**
 * Settling a session backwards: undo what it left in effect, then check the scopes are as
 * the session found them. Used by `recover`, `rollback`, the confirm timer and a failed apply.
 */
import type { DriverSet, State } from '@wirestate/core';
import { compareStates, type StateDifference } from './compare.ts';
import type { JournalWriter } from './journal-file.ts';
import { selfId } from './process-id.ts';
import type { SessionEventRecord } from './records.ts';
import type { SessionView } from './session.ts';
import { undoSession, type UndoResult } from './undo.ts';

/** What a backward settlement did. */
export interface SettleResult extends UndoResult {
  /** Differences between the state before the session and after the undo (empty: restored exactly). */
  readonly differences: readonly StateDifference[];
  /** True when it recorded the session as settled. */
  readonly settled: boolean;
}

/**
 * Undoes the session's outstanding steps; when every inverse succeeded, re-snapshots,
 * compares with the pre-session state and records the session settled as `how`.
 */
export async function settleBack(
  view: SessionView,
  drivers: DriverSet,
  journal: JournalWriter,
  snapshot: () => Promise<State>,
  how: Extract<SessionEventRecord, { t: 'resolved' }>['how'],
): Promise<SettleResult> {
  const undo = await undoSession(view, drivers, journal, snapshot);
  if (undo.failures.length > 0) return { ...undo, differences: [], settled: false };
  const differences = compareStates(view.session.pre, await snapshot());
  journal.append({ t: 'resolved', how, at: new Date().toISOString(), by: selfId() });
  return { ...undo, differences, settled: true };
}
