/** What an apply did: the steps that ran and how verification went. */
import type { Verification } from '../engine/apply.ts';
import type { Plan, Step } from '../engine/plan.ts';
import { paintOf, type ColorOptions } from './paint.ts';
import { ACTION_SYMBOL, actionStyle } from './symbols.ts';
import { padStart, plural } from './text.ts';

/** Options of the apply renderers. */
export type ApplyTextOptions = ColorOptions;

/** The step log: one `✓` line per completed step, in completion order; ends with a newline. */
export function renderStepLog(plan: Plan, completed: readonly Step[], options: ApplyTextOptions = {}): string {
  const paint = paintOf(options);
  const width = String(Math.max(0, plan.steps.length - 1)).length;
  const lines = completed.map(
    (s) => `  ${paint.green('✓')} ${paint.dim(padStart(String(s.index), width))} ${actionStyle(paint, s.action)(padStart(ACTION_SYMBOL[s.action], 3))} ${s.command}`,
  );
  lines.push(`${plural(completed.length, 'step')} of ${plan.steps.length} completed.`);
  return `${lines.join('\n')}\n`;
}

/** The verification: converged, or the changes still needed; ends with a newline. */
export function renderVerification(v: Verification, options: ApplyTextOptions = {}): string {
  const paint = paintOf(options);
  if (v.converged) return `${paint.green('Converged')}: a fresh snapshot needs no further change (${plural(v.attempts, 'snapshot')}).\n`;
  const lines = [`${paint.red('Not converged')} after ${plural(v.attempts, 'snapshot')}; still needed:`];
  for (const c of v.remaining) lines.push(`  ${actionStyle(paint, c.action)(ACTION_SYMBOL[c.action])} ${c.kind} ${c.id}: ${c.reason}`);
  return `${lines.join('\n')}\n`;
}
