/** Routes of the main table. Routes wirestate adds carry protocol `WIRESTATE_RTPROT`. */
import { WIRESTATE_RTPROT, type Route } from '../model/state.ts';
import type { Descriptor, StepDraft } from './descriptor.ts';
import { linkId } from './link.ts';
import { bare, ipCmd } from './shared.ts';
import { addressed, exists, gone, linkUp, ref, unrouted, unused } from './tokens.ts';

const KIND = 'routes';

/** Whether a route destination is IPv6. */
export function isV6Route(r: Pick<Route, 'dst' | 'gateway'>): boolean {
  return r.dst === 'default6' || r.dst.includes(':') || (r.gateway?.includes(':') ?? false);
}

/** The metric the kernel fills when none is given: 0 for IPv4, 1024 for IPv6. */
export function effectiveMetric(r: Pick<Route, 'dst' | 'gateway' | 'metric'>): number {
  return r.metric ?? (isV6Route(r) ? 1024 : 0);
}

/** Id of a route: `scope/dst/dev/metric`. */
export const routeId = (r: Pick<Route, 'scope' | 'dst' | 'dev' | 'gateway' | 'metric'>): string =>
  `${r.scope}/${r.dst}/${r.dev}/${effectiveMetric(r)}`;

/** The route as it is added: metric and protocol filled. */
function concrete(r: Route): Route {
  return { ...bare(r), metric: effectiveMetric(r), protocol: r.protocol ?? WIRESTATE_RTPROT };
}

function routeArgs(r: Route): string {
  const dst = r.dst === 'default6' ? '-6 default' : r.dst;
  const parts = [dst];
  if (r.gateway !== undefined) parts.push(`via ${r.gateway}`);
  parts.push(`dev ${r.dev}`);
  if (r.metric !== undefined) parts.push(`metric ${r.metric}`);
  if (r.routeScope !== undefined) parts.push(`scope ${r.routeScope === 'universe' ? 'global' : r.routeScope}`);
  if (r.protocol !== undefined) parts.push(`proto ${r.protocol}`);
  if (r.prefsrc !== undefined) parts.push(`src ${r.prefsrc}`);
  return parts.join(' ');
}

/** The route descriptor. */
export const routeDescriptor: Descriptor<'routes'> = {
  kind: KIND,
  noun: 'route',
  key: routeId,
  label: (r) => `${r.dst}${r.gateway !== undefined ? ` via ${r.gateway}` : ''} dev ${r.dev}`,
  lifecycle: () => 'managed',
  fields: [
    { name: 'gateway', immutable: true },
    { name: 'routeScope', immutable: true },
    { name: 'protocol', immutable: true },
    { name: 'prefsrc', immutable: true },
  ],
  parents: (r) => [ref('links', linkId(r.scope, r.dev))],
  create(r): StepDraft[] {
    const route = concrete(r);
    const id = routeId(r);
    return [
      {
        op: { type: 'route.add', route },
        inverse: { type: 'route.delete', route },
        reason: `route ${routeDescriptor.label(r)} is desired`,
        requires: [gone(KIND, id), exists('links', linkId(r.scope, r.dev)), addressed(r.scope, r.dev), linkUp(r.scope, r.dev)],
        provides: [exists(KIND, id)],
      },
    ];
  },
  delete(r): StepDraft[] {
    const route = bare(r);
    const id = routeId(r);
    return [
      {
        op: { type: 'route.delete', route },
        inverse: { type: 'route.add', route },
        reason: r.owned ? 'route is owned by wirestate and no longer desired' : `route ${routeDescriptor.label(r)} is declared absent`,
        requires: [unused(KIND, id)],
        provides: [gone(KIND, id), unrouted(r.scope, r.dev), unused('links', linkId(r.scope, r.dev))],
      },
    ];
  },
  update: () => [],
  commands: {
    'route.add': (op, s) => `${ipCmd(s)} route add ${routeArgs(op.route)}`,
    'route.delete': (op, s) => `${ipCmd(s)} route delete ${routeArgs(op.route)}`,
  },
};
