/** Identifying a process across time: pid plus kernel start time, so a reused pid is not mistaken for the original. */
import { readFileSync } from 'node:fs';

/** A process: its pid and its start time in clock ticks since boot (`/proc/<pid>/stat` field 22). */
export interface ProcessId {
  readonly pid: number;
  /** Start time; absent when /proc is not readable (then only the pid is compared). */
  readonly start?: number;
}

/** The start time of `pid`, or undefined when it does not exist. */
export function processStart(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = Number(rest[19]);
    return Number.isFinite(start) ? start : undefined;
  } catch {
    return undefined;
  }
}

/** This process. */
export function selfId(): ProcessId {
  const start = processStart(process.pid);
  return start === undefined ? { pid: process.pid } : { pid: process.pid, start };
}

/** Whether the process is still the one recorded (alive, and not a later process that got the same pid). */
export function isAlive(id: ProcessId): boolean {
  try {
    process.kill(id.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const start = processStart(id.pid);
  if (start === undefined) return false;
  // A zombie has exited; it only waits for its parent to reap it.
  try {
    const stat = readFileSync(`/proc/${id.pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
  } catch {
    return false;
  }
  return id.start === undefined || id.start === start;
}
