/** What a journal says: the plans, where each step got to, and whether the session is settled. */
import type { Plan, Step } from '@wirestate/core';
import { isAlive } from './process-id.ts';
import type { ErrorRecord, JournalRecord, SessionEventRecord, SessionRecord } from './records.ts';

/** Where one step got to. */
export interface StepProgress {
  readonly p: number;
  readonly step: Step;
  started: boolean;
  done: boolean;
  failed?: ErrorRecord;
  undoStarted: boolean;
  /** The inverse ran (or found nothing to undo). */
  undone: boolean;
  /** The last inverse attempt failed. */
  undoFailed?: ErrorRecord;
}

/**
 * The state of a session:
 * - `running`: its writer is alive and has not finished;
 * - `interrupted`: its writer died before finishing, or a rollback failed — `recover` must settle it;
 * - `awaiting-confirm`: applied with `--confirm-within`, neither confirmed nor reverted yet;
 * - `applied`: finished (or recovered forward) and kept; `rollback` can undo it;
 * - `settled`: nothing is in effect or left to do (rolled back, recovered, or failed cleanly).
 */
export type SessionStatus = 'running' | 'interrupted' | 'awaiting-confirm' | 'applied' | 'settled';

/** A parsed session. */
export interface SessionView {
  readonly file: string;
  readonly session: SessionRecord;
  readonly plans: readonly Plan[];
  /** Steps in the order they started. */
  readonly started: readonly StepProgress[];
  readonly finish?: Extract<SessionEventRecord, { t: 'finish' }>;
  readonly confirmPending?: Extract<SessionEventRecord, { t: 'confirm-pending' }>;
  readonly confirmed?: Extract<SessionEventRecord, { t: 'confirmed' }>;
  readonly resolved?: Extract<SessionEventRecord, { t: 'resolved' }>;
  readonly status: SessionStatus;
}

/**
 * Steps that may be in effect, latest first: started, not undone, and not answered with
 * a failure (a refused op changed nothing; undoing it could remove what it collided with).
 */
export function outstanding(view: SessionView): StepProgress[] {
  return view.started.filter(isOutstanding).reverse();
}

function isOutstanding(s: StepProgress): boolean {
  return !s.undone && s.failed === undefined;
}

/** Parses records into a view; `alive` is injectable for tests. */
export function viewOf(file: string, records: readonly JournalRecord[], alive = isAlive): SessionView {
  const session = records[0] as SessionRecord;
  const plans: Plan[] = [];
  const progress = new Map<string, StepProgress>();
  const started: StepProgress[] = [];
  const view: {
    finish?: SessionView['finish'];
    confirmPending?: SessionView['confirmPending'];
    confirmed?: SessionView['confirmed'];
    resolved?: SessionView['resolved'];
  } = {};
  const at = (p: number, i: number): StepProgress => {
    const key = `${p}:${i}`;
    let s = progress.get(key);
    if (s === undefined) {
      s = { p, step: plans[p]!.steps[i]!, started: false, done: false, undoStarted: false, undone: false };
      progress.set(key, s);
    }
    return s;
  };
  for (const r of records.slice(1)) {
    switch (r.t) {
      case 'begin':
        plans[r.p] = r.plan;
        break;
      case 'start': {
        const s = at(r.p, r.i);
        if (!s.started) started.push(s);
        s.started = true;
        break;
      }
      case 'done':
        at(r.p, r.i).done = true;
        break;
      case 'failed':
        at(r.p, r.i).failed = r.error;
        break;
      case 'undo':
        at(r.p, r.i).undoStarted = true;
        break;
      case 'undone': {
        const s = at(r.p, r.i);
        if (r.error === undefined) {
          s.undone = true;
          delete s.undoFailed;
        } else s.undoFailed = r.error;
        break;
      }
      case 'finish':
        view.finish = r;
        break;
      case 'confirm-pending':
        view.confirmPending = r;
        break;
      case 'confirmed':
        view.confirmed = r;
        break;
      case 'resolved':
        view.resolved = r;
        break;
      default:
        break;
    }
  }
  const pending = started.some(isOutstanding);
  let status: SessionStatus;
  // A session completed by `recover --forward` is an apply like any other: `rollback` can undo it.
  if (view.resolved !== undefined) status = view.resolved.how === 'recovered-forward' ? 'applied' : 'settled';
  else if (view.finish === undefined) status = alive(session.writer) ? 'running' : 'interrupted';
  else if (view.finish.outcome === 'applied') status = view.confirmPending !== undefined && view.confirmed === undefined ? 'awaiting-confirm' : 'applied';
  else status = pending ? 'interrupted' : 'settled';
  return { file, session, plans, started, ...view, status };
}
