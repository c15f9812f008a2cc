/**
 * The human plan, read like `terraform plan`: steps in execution order (the order
 * matters, so each shows its index), each with its symbol, equivalent command and
 * reason, then conflicts and a summary line.
 */
import { formatIssue } from '../errors.ts';
import type { Plan, Step } from '../engine/plan.ts';
import { scopeOf } from '../model/ops.ts';
import { DEFAULT_LIBVIRT_URI, type Scopes } from '../model/scope.ts';
import { paintOf, type ColorOptions, type Paint } from './paint.ts';
import { summarizePlan, summaryLine } from './summary.ts';
import { ACTION_SYMBOL, actionStyle, DISRUPTIVE_MARK } from './symbols.ts';
import { padStart, plural } from './text.ts';

/** Options of `renderPlanText`. */
export interface PlanTextOptions extends ColorOptions {
  /** Scopes of the topology, to say where the steps run (netns, libvirt URI). */
  readonly scopes?: Scopes;
}

/** Where each scope the plan touches lives, one line per scope. */
function scopeLines(plan: Plan, scopes: Scopes | undefined, paint: Paint): string[] {
  if (scopes === undefined) return [];
  const used = [...new Set(plan.steps.map((s) => scopeOf(s.op)))].sort();
  return used.map((name) => {
    const s = scopes[name];
    const netns = s?.netns === undefined ? 'own network namespace' : `netns ${s.netns}`;
    return `  ${paint.bold(name)}: ${netns}, libvirt ${s?.libvirt ?? DEFAULT_LIBVIRT_URI}`;
  });
}

/** One step: `  3 ! -/+ command` then its reason under the command. */
function stepLines(step: Step, indexWidth: number, paint: Paint): string[] {
  const style = actionStyle(paint, step.action);
  const mark = step.disruptive ? paint.red(paint.bold(DISRUPTIVE_MARK)) : ' ';
  const symbol = style(padStart(ACTION_SYMBOL[step.action], 3));
  const head = `  ${paint.dim(padStart(String(step.index), indexWidth))} ${mark}${symbol} ${step.command}`;
  const indent = ' '.repeat(2 + indexWidth + 1 + 1 + 3 + 1);
  return [head, `${indent}${paint.dim(`# ${step.reason}`)}`];
}

/** Renders a plan as text; ends with a newline. */
export function renderPlanText(plan: Plan, options: PlanTextOptions = {}): string {
  const paint = paintOf(options);
  const out: string[] = [];
  if (plan.steps.length > 0) {
    const where = scopeLines(plan, options.scopes, paint);
    if (where.length > 0) out.push('Scopes:', ...where, '');
    out.push(`wirestate will run these steps, in this order:`);
    const legend = [
      `${paint.green('+')} create`,
      `${paint.yellow('~')} update`,
      `${paint.red('-')} destroy`,
      `${paint.magenta('-/+')} replace`,
      `${paint.red(DISRUPTIVE_MARK)} disruptive`,
    ];
    out.push(paint.dim(`(${legend.join(', ')})`), '');
    const width = String(plan.steps.length - 1).length;
    for (const step of plan.steps) out.push(...stepLines(step, width, paint));
    out.push('');
  }
  if (plan.conflicts.length > 0) {
    out.push(paint.red(paint.bold(`${plural(plan.conflicts.length, 'conflict')}: the plan cannot be applied until resolved:`)));
    for (const c of plan.conflicts) out.push(`  ${paint.red('✗')} ${formatIssue(c)}`);
    out.push('');
  }
  out.push(paint.bold(summaryLine(plan)));
  const { disruptive } = summarizePlan(plan);
  if (disruptive > 0) out.push(paint.red(`${plural(disruptive, 'step')} marked ${DISRUPTIVE_MARK} ${disruptive === 1 ? 'interrupts' : 'interrupt'} traffic or a running service.`));
  return `${out.join('\n')}\n`;
}
