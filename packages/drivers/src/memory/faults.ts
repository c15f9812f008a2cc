/** Fault injection for the memory driver (and any driver, through `withFaults`). */
import { executeInOrder, WirestateError, type Driver, type Op, type OpOutcome, type OpType } from '@wirestate/core';

/** When to fail an op. */
export interface Fault {
  /** Fail the k-th op executed (0-based, counting every op including rollback inverses). */
  readonly atCall?: number;
  /** Fail ops of this type. */
  readonly opType?: OpType;
  /** Fail only the n-th matching op (0-based); absent: every matching op. */
  readonly nth?: number;
  /** Errno to report; default `EFAULT` (a retryable driver failure). */
  readonly code?: string;
}

/** Counts ops and decides which ones fail; shared by every driver of one set. */
export class FaultPlan {
  private calls = 0;
  private readonly matches = new Map<Fault, number>();
  constructor(readonly faults: readonly Fault[]) {}

  /** Returns the error for this op if a fault fires, and counts the call either way. */
  check(op: Op): WirestateError | undefined {
    const call = this.calls++;
    for (const f of this.faults) {
      if (f.atCall !== undefined && f.atCall !== call) continue;
      if (f.opType !== undefined && f.opType !== op.type) continue;
      const n = this.matches.get(f) ?? 0;
      this.matches.set(f, n + 1);
      if (f.nth !== undefined && f.nth !== n) continue;
      const code = f.code ?? 'EFAULT';
      return new WirestateError(code === 'EFAULT' ? 'driver_failure' : 'conflict', `injected fault on ${op.type} (call ${call}): ${code}`, { code });
    }
    return undefined;
  }
}

/** Wraps a driver so that the faults of `plan` fire before its ops reach it. */
export function withFaults(driver: Driver, plan: FaultPlan): Driver {
  const execute = async (op: Op): Promise<void> => {
    const err = plan.check(op);
    if (err) throw err;
    await driver.execute(op);
  };
  return {
    name: driver.name,
    snapshot: (scopes) => driver.snapshot(scopes),
    execute,
    executeBatch: (ops: readonly Op[]): Promise<readonly OpOutcome[]> => executeInOrder(execute, ops),
    ...(driver.close ? { close: () => driver.close!() } : {}),
  };
}
