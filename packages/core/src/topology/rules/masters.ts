/** Master relations must form trees: a link enslaved to itself, directly or around a loop, cannot exist. */
import type { Collector } from '../collector.ts';
import type { Entry, Item, View } from '../view.ts';

/** Reports each master cycle once, at its first member in document order. */
export function checkMasterCycles(view: View, issues: Collector): void {
  const byName = new Map<string, Entry<Item<'links'>>>();
  for (const e of view.lists.links) {
    const key = `${e.scope ?? ''}/${e.value.name}`;
    if (!byName.has(key)) byName.set(key, e);
  }
  const done = new Set<Entry<Item<'links'>>>();
  for (const start of view.lists.links) {
    if (done.has(start)) continue;
    // Walk the master chain; a link seen twice on this walk closes a cycle.
    const onWalk: Entry<Item<'links'>>[] = [];
    const seen = new Set<Entry<Item<'links'>>>();
    let cur: Entry<Item<'links'>> | undefined = start;
    while (cur !== undefined && !done.has(cur) && !seen.has(cur)) {
      onWalk.push(cur);
      seen.add(cur);
      const master: string | null | undefined = cur.value.master;
      cur = typeof master === 'string' ? byName.get(`${cur.scope ?? ''}/${master}`) : undefined;
    }
    if (cur !== undefined && seen.has(cur)) {
      const cycle = onWalk.slice(onWalk.indexOf(cur));
      const first = cycle.reduce((a, b) => (b.index < a.index ? b : a));
      const at = cycle.indexOf(first);
      const names = [...cycle.slice(at), ...cycle.slice(0, at)].map((e) => e.value.name);
      const message =
        cycle.length === 1
          ? `link ${first.value.name} is its own master`
          : `master cycle ${[...names, names[0]].join(' → ')}: no link can be enslaved to itself through others`;
      issues.add('master_cycle', [...first.path, 'master'], message);
    }
    for (const e of onWalk) done.add(e);
  }
}
