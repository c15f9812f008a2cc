/**
 * The journal's records: one JSON object per line, appended and fsynced one by one. A
 * session is one command that changes the system (an apply, a recovery, a rollback);
 * its first record says what was there before, the rest say what happened, in order.
 */
import type { ApplyOutcome, ErrorKind, Plan, Scope, State } from '@wirestate/core';
import type { ProcessId } from './process-id.ts';

/** Version of the journal format. */
export const JOURNAL_VERSION = 1;

/** An error as the journal keeps it. */
export interface ErrorRecord {
  readonly kind: ErrorKind;
  readonly code?: string;
  readonly message: string;
}

/** The first record: who writes, over which scopes, and the state before any change. */
export interface SessionRecord {
  readonly t: 'session';
  readonly version: number;
  /** Unique id of the session (also the file name's stem). */
  readonly id: string;
  /** The command that started it, e.g. `apply`. */
  readonly command: string;
  /** The scopes it locks and may change, complete (netns, libvirt URI), so recovery needs no topology. */
  readonly scopes: readonly Scope[];
  /** The process writing the journal. */
  readonly writer: ProcessId;
  /** ISO time. */
  readonly at: string;
  /** Live state of the scopes before the first change. */
  readonly pre: State;
  /** The topology applied, so `recover --forward` can re-plan to it. */
  readonly topology?: { readonly file: string; readonly text: string };
  /** The desired state of a saved plan (when no topology is recorded). */
  readonly desired?: State;
  /** Where recorded facts live, for a forward recovery. */
  readonly factsFile?: string;
}

/** Step-level records: `p` is the plan's position in the session, `i` the step index. */
export type StepRecord =
  | { readonly t: 'begin'; readonly p: number; readonly plan: Plan }
  | { readonly t: 'start'; readonly p: number; readonly i: number }
  | { readonly t: 'done'; readonly p: number; readonly i: number }
  | { readonly t: 'failed'; readonly p: number; readonly i: number; readonly error: ErrorRecord }
  | { readonly t: 'undo'; readonly p: number; readonly i: number }
  | {
      readonly t: 'undone';
      readonly p: number;
      readonly i: number;
      /** The inverse failed: the step is still in effect. */
      readonly error?: ErrorRecord;
      /** The inverse found the step not in effect (it never happened, or was undone before a crash). */
      readonly skipped?: ErrorRecord;
    }
  | { readonly t: 'end'; readonly p: number; readonly outcome: ApplyOutcome };

/** How a session's own command ended. */
export type FinishOutcome = 'applied' | 'rolled-back' | 'rollback-failed';

/** Session-level records after the steps. */
export type SessionEventRecord =
  | { readonly t: 'finish'; readonly outcome: FinishOutcome; readonly converged?: boolean; readonly at: string }
  | { readonly t: 'confirm-pending'; readonly deadline: string; readonly timer?: ProcessId }
  | { readonly t: 'confirmed'; readonly at: string; readonly by: ProcessId }
  | {
      readonly t: 'resolved';
      /** What put the system in a settled state. */
      readonly how: 'recovered-back' | 'recovered-forward' | 'rolled-back' | 'reverted';
      readonly at: string;
      readonly by: ProcessId;
    }
  | { readonly t: 'note'; readonly text: string; readonly at: string };

/** Any journal record. */
export type JournalRecord = SessionRecord | StepRecord | SessionEventRecord;
