/**
 * Hooks the apply engine calls so that durability lives outside the pure core: a journal
 * written before and after every step, and a lock per scope.
 */
import type { WirestateError } from '../errors.ts';
import type { Plan, Step } from './plan.ts';

/** How an apply ended. */
export type ApplyOutcome = 'applied' | 'rolled-back' | 'rollback-failed';

/** Records the progress of an apply; every call is awaited before the engine goes on. */
export interface Journal {
  /** The plan is about to run. */
  begin(plan: Plan): Promise<void>;
  /** A step is about to run (written before the driver is called). */
  stepStarted(step: Step): Promise<void>;
  /** A step completed. */
  stepDone(step: Step): Promise<void>;
  /** A step failed; rollback follows. */
  stepFailed(step: Step, error: WirestateError): Promise<void>;
  /** The inverse of a completed step is about to run. */
  undoStarted(step: Step): Promise<void>;
  /** The inverse of a step completed, or failed with `error`. */
  undoDone(step: Step, error?: WirestateError): Promise<void>;
  /** The apply is over. */
  end(outcome: ApplyOutcome): Promise<void>;
}

/** Takes exclusive ownership of scopes for the length of an apply. */
export interface Lock {
  /** Acquires all scopes (sorted, to avoid deadlocks) and returns the release function. */
  acquire(scopes: readonly string[]): Promise<() => Promise<void>>;
}

/** A journal that records nothing. */
export const NULL_JOURNAL: Journal = {
  begin: async () => {},
  stepStarted: async () => {},
  stepDone: async () => {},
  stepFailed: async () => {},
  undoStarted: async () => {},
  undoDone: async () => {},
  end: async () => {},
};

/** An in-memory journal for tests and dry runs: every event in order. */
export function memoryJournal(): Journal & { readonly events: readonly string[] } {
  const events: string[] = [];
  return {
    events,
    begin: async (p) => void events.push(`begin ${p.steps.length}`),
    stepStarted: async (s) => void events.push(`start ${s.index} ${s.id}`),
    stepDone: async (s) => void events.push(`done ${s.index}`),
    stepFailed: async (s, e) => void events.push(`failed ${s.index} ${e.kind}`),
    undoStarted: async (s) => void events.push(`undo ${s.index}`),
    undoDone: async (s, e) => void events.push(e ? `undo-failed ${s.index}` : `undone ${s.index}`),
    end: async (o) => void events.push(`end ${o}`),
  };
}
