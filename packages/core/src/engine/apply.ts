/**
 * apply(plan, drivers): run the steps, roll back in reverse on the first failure, then
 * verify by a fresh snapshot and re-plan. The original error is rethrown with the
 * rollback's own failures attached (STYLE 9).
 */
import { WirestateError } from '../errors.ts';
import { executeInOrder, type Driver, type DriverSet, type OpOutcome } from '../driver.ts';
import { driverOf, scopeOf, type DriverName, type Op } from '../model/ops.ts';
import type { State } from '../model/state.ts';
import type { Change } from './diff.ts';
import { NULL_JOURNAL, type Journal, type Lock } from './hooks.ts';
import { plan as makePlan, type Plan, type Step } from './plan.ts';

/** How verification after an apply went. */
export interface Verification {
  /** True when a fresh snapshot needs no further change. */
  readonly converged: boolean;
  /** Changes still needed after the last attempt. */
  readonly remaining: readonly Change[];
  /** Snapshots taken. */
  readonly attempts: number;
}

/** Options of `apply`. */
export interface ApplyOptions {
  /** Durable record of progress; default: none. */
  readonly journal?: Journal;
  /** Exclusion per scope; default: none. */
  readonly lock?: Lock;
  /** Run independent steps of one driver as a batch (pipelined). Default true. */
  readonly pipeline?: boolean;
  /** Verification: re-snapshot and re-plan against `desired`. */
  readonly verify?: {
    readonly desired: State;
    readonly snapshot: () => Promise<State>;
    /** Extra attempts when something is left (kernel and libvirt settle asynchronously). Default 2. */
    readonly retries?: number;
    /** Waits between attempts; default: none (tests inject a sleep). */
    readonly sleep?: (attempt: number) => Promise<void>;
  };
}

/** The result of a successful apply. */
export interface ApplyResult {
  /** Steps that ran, in completion order. */
  readonly completed: readonly Step[];
  /** Present when verification was asked for. */
  readonly verification?: Verification;
}

/** What an apply failure carries besides the original error. */
export interface ApplyFailure {
  /** The step that failed. */
  readonly failedStep: Step;
  /** Steps whose inverse ran successfully, in undo order. */
  readonly rolledBack: readonly Step[];
  /** Inverses that failed: the system is not back where it was. */
  readonly rollbackFailures: readonly { readonly step: Step; readonly error: WirestateError }[];
}

/** Whether an error is an apply failure (the original error, with rollback details). */
export function isApplyFailure(err: unknown): err is WirestateError & ApplyFailure {
  return err instanceof WirestateError && 'failedStep' in err && 'rollbackFailures' in err;
}

function driverFor(drivers: DriverSet, op: Op): Driver {
  const name: DriverName = driverOf(op);
  const d = drivers[name];
  if (d === undefined) throw new WirestateError('not_supported', `no ${name} driver for ${op.type} in scope ${scopeOf(op)}`);
  return d;
}

async function runOne(drivers: DriverSet, op: Op): Promise<OpOutcome> {
  const [outcome] = await executeInOrder((o) => driverFor(drivers, o).execute(o), [op]);
  return outcome!;
}

/** Runs steps that do not depend on each other: a batch per driver, drivers in parallel. */
async function runWave(drivers: DriverSet, wave: readonly Step[], pipeline: boolean): Promise<OpOutcome[]> {
  const outcomes: OpOutcome[] = new Array(wave.length);
  const groups = new Map<Driver | undefined, number[]>();
  wave.forEach((s, i) => {
    let d: Driver | undefined;
    try {
      d = driverFor(drivers, s.op);
    } catch {
      d = undefined;
    }
    const g = groups.get(d);
    if (g) g.push(i);
    else groups.set(d, [i]);
  });
  await Promise.all(
    [...groups].map(async ([driver, idx]) => {
      if (driver?.executeBatch !== undefined && pipeline && idx.length > 1) {
        const res = await driver.executeBatch(idx.map((i) => wave[i]!.op));
        idx.forEach((i, k) => (outcomes[i] = res[k] ?? { ok: false, error: new WirestateError('bug', 'driver returned too few outcomes') }));
        return;
      }
      const res = await executeInOrder((op) => driverFor(drivers, op).execute(op), idx.map((i) => wave[i]!.op));
      idx.forEach((i, k) => (outcomes[i] = res[k]!));
    }),
  );
  return outcomes;
}

/** Splits the plan into waves: each step runs once every step it comes after is done. */
function waves(steps: readonly Step[], pipeline: boolean): Step[][] {
  if (!pipeline) return steps.map((s) => [s]);
  const level = new Array<number>(steps.length).fill(0);
  const out: Step[][] = [];
  for (const s of steps) {
    const l = s.after.reduce((m, a) => Math.max(m, level[a]! + 1), 0);
    level[s.index] = l;
    (out[l] ??= []).push(s);
  }
  return out;
}

async function rollback(drivers: DriverSet, done: readonly Step[], journal: Journal): Promise<Pick<ApplyFailure, 'rolledBack' | 'rollbackFailures'>> {
  const rolledBack: Step[] = [];
  const rollbackFailures: { step: Step; error: WirestateError }[] = [];
  for (const step of [...done].reverse()) {
    await journal.undoStarted(step);
    const res = await runOne(drivers, step.inverse);
    if (res.ok) {
      rolledBack.push(step);
      await journal.undoDone(step);
    } else {
      rollbackFailures.push({ step, error: res.error });
      await journal.undoDone(step, res.error);
    }
  }
  return { rolledBack, rollbackFailures };
}

/** Re-snapshots and re-plans until nothing is left or the retries are spent. */
export async function verify(options: NonNullable<ApplyOptions['verify']>): Promise<Verification> {
  const retries = options.retries ?? 2;
  let remaining: readonly Change[] = [];
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    const live = await options.snapshot();
    remaining = makePlan(options.desired, live).changes;
    if (remaining.length === 0) return { converged: true, remaining, attempts: attempt };
    if (attempt <= retries) await options.sleep?.(attempt);
  }
  return { converged: false, remaining, attempts: retries + 1 };
}

/** Scopes a plan touches, sorted. */
export function scopesOf(plan: Plan): string[] {
  return [...new Set(plan.steps.map((s) => scopeOf(s.op)))].sort();
}

/** Executes a plan; on failure rolls back and rethrows the original error (see `isApplyFailure`). */
export async function apply(plan: Plan, drivers: DriverSet, options: ApplyOptions = {}): Promise<ApplyResult> {
  if (plan.conflicts.length > 0) {
    throw new WirestateError('conflict', `plan has ${plan.conflicts.length} conflict(s): ${plan.conflicts.map((c) => c.message).join('; ')}`);
  }
  const journal = options.journal ?? NULL_JOURNAL;
  const pipeline = options.pipeline ?? true;
  const release = options.lock ? await options.lock.acquire(scopesOf(plan)) : async () => {};
  try {
    await journal.begin(plan);
    const done: Step[] = [];
    for (const wave of waves(plan.steps, pipeline)) {
      for (const s of wave) await journal.stepStarted(s);
      const outcomes = await runWave(drivers, wave, pipeline);
      let failure: { step: Step; error: WirestateError } | undefined;
      for (let i = 0; i < wave.length; i++) {
        const o = outcomes[i]!;
        if (o.ok) {
          done.push(wave[i]!);
          await journal.stepDone(wave[i]!);
        } else if (failure === undefined) {
          failure = { step: wave[i]!, error: o.error };
          await journal.stepFailed(wave[i]!, o.error);
        } else {
          await journal.stepFailed(wave[i]!, o.error);
        }
      }
      if (failure !== undefined) {
        const rb = await rollback(drivers, done, journal);
        await journal.end(rb.rollbackFailures.length === 0 ? 'rolled-back' : 'rollback-failed');
        throw Object.assign(failure.error, { failedStep: failure.step, ...rb });
      }
    }
    await journal.end('applied');
    const verification = options.verify ? await verify(options.verify) : undefined;
    return verification === undefined ? { completed: done } : { completed: done, verification };
  } finally {
    await release();
  }
}
