/**
 * The port between the pure engine and the systems it changes. Drivers split reads
 * (`snapshot`) from writes (`execute`); the engine never does I/O itself.
 */
import { asWirestateError, type WirestateError } from './errors.ts';
import type { DriverName, Op } from './model/ops.ts';
import type { Scope } from './model/scope.ts';
import type { State } from './model/state.ts';

/** Outcome of one op of a batch. */
export type OpOutcome = { readonly ok: true } | { readonly ok: false; readonly error: WirestateError };

/** A backend that reads and changes one part of the live system. */
export interface Driver {
  /** Which ops this driver executes. */
  readonly name: DriverName;
  /** Reads the live state of the given scopes: only the kinds this driver knows. */
  snapshot(scopes: readonly Scope[]): Promise<Partial<State>>;
  /** Executes one op; throws a `WirestateError` whose kind says whether to retry. */
  execute(op: Op): Promise<void>;
  /**
   * Executes ops that do not depend on each other, possibly pipelined; never throws,
   * reports each op's outcome in order. Absent: the engine calls `execute` one by one.
   */
  executeBatch?(ops: readonly Op[]): Promise<readonly OpOutcome[]>;
  /** Releases sockets and processes. */
  close?(): Promise<void>;
}

/** The drivers of one run, by name; a missing driver makes ops for it fail as `not_supported`. */
export type DriverSet = Partial<Record<DriverName, Driver>>;

/** Runs ops one after the other through `execute`, reporting each outcome: a batch without pipelining. */
export async function executeInOrder(execute: (op: Op) => Promise<void>, ops: readonly Op[]): Promise<OpOutcome[]> {
  const out: OpOutcome[] = [];
  for (const op of ops) {
    try {
      await execute(op);
      out.push({ ok: true });
    } catch (err) {
      out.push({ ok: false, error: asWirestateError(err, `running ${op.type}`) });
    }
  }
  return out;
}
