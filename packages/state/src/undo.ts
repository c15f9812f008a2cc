/**
 * Undoing a session from its journal: the inverse of every step that started and is not
 * undone, latest first. A step whose outcome the journal does not know (started, not
 * recorded done — the process may have died between the kernel's answer and the record)
 * may or may not be in effect. It is checked against a fresh snapshot first: when the
 * reference semantics refuse its inverse there (the link is not there, the network is
 * not running), the step never happened and is skipped; otherwise the inverse runs, and
 * a conflict answer ("no such device", "exists") still means there was nothing to undo.
 */
import { asWirestateError, canRetry, driverOf, WirestateError, type DriverSet, type Op, type State } from '@wirestate/core';
import { applyOp } from '@wirestate/drivers';
import { errorRecord } from './engine-journal.ts';
import type { JournalWriter } from './journal-file.ts';
import { outstanding, type SessionView, type StepProgress } from './session.ts';

/** Errno codes meaning the inverse found the step not in effect. */
export const ALREADY_UNDONE_CODES: ReadonlySet<string> = new Set(['ENOENT', 'ENODEV', 'ESRCH', 'EADDRNOTAVAIL', 'EEXIST']);

/**
 * Whether an error of an inverse says there is nothing to undo: a conflict with one of
 * those codes, or a conflict without a code (virsh reports "not found", "not active" so).
 */
export function isAlreadyUndone(err: WirestateError): boolean {
  return err.kind === 'conflict' && (err.code === undefined || ALREADY_UNDONE_CODES.has(err.code));
}

/** The reason the inverse cannot apply to `live`, if the reference semantics refuse it. */
function refusedOn(live: State, op: Op): WirestateError | undefined {
  try {
    applyOp(live, op);
    return undefined;
  } catch (err) {
    return asWirestateError(err, `checking ${op.type} against a fresh snapshot`);
  }
}

/** What an undo did. */
export interface UndoResult {
  /** Steps whose inverse ran. */
  readonly undone: readonly StepProgress[];
  /** Uncertain steps found not in effect. */
  readonly skipped: readonly StepProgress[];
  /** Inverses that failed: the system is not back. */
  readonly failures: readonly { readonly step: StepProgress; readonly error: WirestateError }[];
}

/** Attempts per inverse when the failure's kind says a retry may succeed (a busy device, a restarted worker). */
const ATTEMPTS = 3;

async function run(drivers: DriverSet, op: Op): Promise<WirestateError | undefined> {
  const name = driverOf(op);
  const d = drivers[name];
  if (d === undefined) return new WirestateError('not_supported', `no ${name} driver for ${op.type}`);
  let last: WirestateError | undefined;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      await d.execute(op);
      return undefined;
    } catch (err) {
      last = asWirestateError(err, `running ${op.type}`);
      if (!canRetry(last.kind)) return last;
    }
  }
  return last;
}

/**
 * Runs the inverses of the session's outstanding steps, recording `undo` before and
 * `undone` after each. Idempotent: steps recorded undone are never run again.
 */
export async function undoSession(view: SessionView, drivers: DriverSet, journal: JournalWriter, snapshot: () => Promise<State>): Promise<UndoResult> {
  const undone: StepProgress[] = [];
  const skipped: StepProgress[] = [];
  const failures: { step: StepProgress; error: WirestateError }[] = [];
  for (const s of outstanding(view)) {
    // Certain only when the step is recorded done and no earlier inverse may have run.
    const uncertain = !s.done || s.undoStarted;
    journal.append({ t: 'undo', p: s.p, i: s.step.index });
    s.undoStarted = true;
    const refused = uncertain ? refusedOn(await snapshot(), s.step.inverse) : undefined;
    if (refused !== undefined) {
      journal.append({ t: 'undone', p: s.p, i: s.step.index, skipped: errorRecord(refused) });
      s.undone = true;
      skipped.push(s);
      continue;
    }
    const error = await run(drivers, s.step.inverse);
    if (error === undefined) {
      journal.append({ t: 'undone', p: s.p, i: s.step.index });
      s.undone = true;
      undone.push(s);
    } else if (uncertain && isAlreadyUndone(error)) {
      journal.append({ t: 'undone', p: s.p, i: s.step.index, skipped: errorRecord(error) });
      s.undone = true;
      skipped.push(s);
    } else {
      journal.append({ t: 'undone', p: s.p, i: s.step.index, error: errorRecord(error) });
      s.undoFailed = errorRecord(error);
      failures.push({ step: s, error });
    }
  }
  return { undone, skipped, failures };
}
