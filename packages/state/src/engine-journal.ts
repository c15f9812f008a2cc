/** The engine's `Journal` hooks written to a journal file: each event one fsynced record. */
import type { Journal, Plan, WirestateError } from '@wirestate/core';
import type { JournalWriter } from './journal-file.ts';
import type { ErrorRecord } from './records.ts';

/** The journal form of an error. */
export function errorRecord(error: WirestateError): ErrorRecord {
  return { kind: error.kind, ...(error.code !== undefined ? { code: error.code } : {}), message: error.message };
}

/** A `Journal` appending to `writer`; plans are numbered in the order they begin, from `firstPlan`. */
export function engineJournal(writer: JournalWriter, firstPlan = 0): Journal & { readonly plans: number } {
  let p = firstPlan - 1;
  const append = async (r: Parameters<JournalWriter['append']>[0]) => writer.append(r);
  return {
    get plans() {
      return p + 1;
    },
    begin: async (plan: Plan) => {
      p++;
      await append({ t: 'begin', p, plan });
    },
    stepStarted: (s) => append({ t: 'start', p, i: s.index }),
    stepDone: (s) => append({ t: 'done', p, i: s.index }),
    stepFailed: (s, e) => append({ t: 'failed', p, i: s.index, error: errorRecord(e) }),
    undoStarted: (s) => append({ t: 'undo', p, i: s.index }),
    undoDone: (s, e) => append(e === undefined ? { t: 'undone', p, i: s.index } : { t: 'undone', p, i: s.index, error: errorRecord(e) }),
    end: (outcome) => append({ t: 'end', p, outcome }),
  };
}
