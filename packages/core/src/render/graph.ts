/** The plan as a Graphviz digraph: one node per step, an edge for each `after` dependency. */
import type { Plan, Step } from '../engine/plan.ts';
import { ACTION_SYMBOL } from './symbols.ts';

const COLOUR: Readonly<Record<Step['action'], string>> = {
  create: 'darkgreen',
  update: 'darkgoldenrod',
  delete: 'firebrick',
  replace: 'darkmagenta',
};

/** Quotes a string as a dot ID (double quotes, backslash and newlines escaped). */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Renders the plan in dot; nodes are `s<index>`, labelled with symbol, op and resource, the command as tooltip. */
export function renderGraph(plan: Plan): string {
  const out: string[] = ['digraph plan {', '  rankdir=TB;', '  node [shape=box, fontname="monospace", fontsize=10];'];
  for (const s of plan.steps) {
    const attrs = [
      `label=${quote(`${s.index} ${ACTION_SYMBOL[s.action]} ${s.op.type}${s.disruptive ? ' !' : ''}\n${s.resourceId}`)}`,
      `tooltip=${quote(`${s.command}\n# ${s.reason}`)}`,
      `color=${COLOUR[s.action]}`,
      ...(s.disruptive ? ['penwidth=2', 'style=bold'] : []),
    ];
    out.push(`  s${s.index} [${attrs.join(', ')}];`);
  }
  for (const s of plan.steps) for (const a of s.after) out.push(`  s${a} -> s${s.index};`);
  out.push('}');
  return `${out.join('\n')}\n`;
}
