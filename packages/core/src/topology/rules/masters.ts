/** Master relations must form trees: a link enslaved to itself, directly or around a loop, cannot exist. */
import type { Collector } from '../collector.ts';
import { ScopedMap } from '../scoped.ts';
import type { Entry, Item, View } from '../view.ts';

type LinkEntry = Entry<Item<'links'>>;

/** Reports each master cycle once, at its first member in document order. */
export function checkMasterCycles(view: View, issues: Collector): void {
  if (!view.lists.links.some((e) => typeof e.value.master === 'string')) return;
  const byName = new ScopedMap<string, LinkEntry>();
  for (const e of view.lists.links) byName.claim(e.scope, e.value.name, e);
  const next = (e: LinkEntry): LinkEntry | undefined => {
    const master: string | null | undefined = e.value.master;
    return typeof master === 'string' ? byName.get(e.scope, master) : undefined;
  };
  // Each link is walked once: `walkOf` (by list index) tells which walk first reached it.
  const walkOf = new Int32Array(view.raw.links.length).fill(-1);
  const onWalk: LinkEntry[] = [];
  view.lists.links.forEach((start, walk) => {
    onWalk.length = 0;
    let cur: LinkEntry | undefined = start;
    while (cur !== undefined && walkOf[cur.index] === -1) {
      walkOf[cur.index] = walk;
      onWalk.push(cur);
      cur = next(cur);
    }
    // Meeting a link of this very walk closes a cycle; meeting an older walk's link does not.
    if (cur === undefined || walkOf[cur.index] !== walk) return;
    const cycle = onWalk.slice(onWalk.indexOf(cur));
    const first = cycle.reduce((a, b) => (b.index < a.index ? b : a));
    const at = cycle.indexOf(first);
    const names = [...cycle.slice(at), ...cycle.slice(0, at)].map((e) => e.value.name);
    const message =
      cycle.length === 1
        ? `link ${first.value.name} is its own master`
        : `master cycle ${[...names, names[0]].join(' → ')}: no link can be enslaved to itself through others`;
    issues.add('master_cycle', [...first.path, 'master'], message);
  });
}
