/** Small hand-written states whose plan has one of every action, a disruptive step and a conflict. */
import { completeState, plan, type Link, type Plan, type State } from '../../src/index.ts';

const link = (l: Omit<Link, 'scope'>): Link => ({ scope: 's', ...l });

/** The live side. */
export const live: State = completeState({
  links: {
    's/eth0': link({ name: 'eth0', kind: 'device', mac: '0a:00:00:00:00:01', mtu: 1500, up: true, owned: false }),
    's/br0': link({ name: 'br0', kind: 'bridge', up: true, owned: true }),
    's/old0': link({ name: 'old0', kind: 'bridge', up: false, owned: true }),
    's/br9': link({ name: 'br9', kind: 'bridge', mtu: 1500, owned: false }),
  },
});

/** The desired side: eth0 changes MTU, br0 becomes a tap, br1 is new, old0 goes, br9 is not ours. */
export const desired: State = completeState({
  links: {
    's/eth0': link({ name: 'eth0', kind: 'device', mtu: 9000 }),
    's/br0': link({ name: 'br0', kind: 'tap' }),
    's/br1': link({ name: 'br1', kind: 'bridge', up: true }),
    's/br9': link({ name: 'br9', kind: 'bridge', mtu: 9000 }),
  },
});

/** The plan from `live` to `desired`. */
export function mixedPlan(): Plan {
  return plan(desired, live, { scopes: { s: { name: 's', netns: 'ns1' } } });
}

/** A plan with nothing to do. */
export function emptyPlan(): Plan {
  return plan(live, live);
}
