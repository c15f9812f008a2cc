/**
 * Lookups over the live state that descriptors would otherwise answer by scanning it once
 * per resource (quadratic in large plans): the ports of a bridge, the libvirt network that
 * owns a bridge. Each descriptor says under which keys its live records are found
 * (`lookupKeys`); diff feeds the index the live records it walks anyway, and a kind it did
 * not walk is scanned on first use. One index per plan.
 */
import type { Resource, ResourceKind, State } from '../model/state.ts';
import { descriptorOf } from './registry.ts';

/** A live record found by key. */
export interface Found {
  readonly id: string;
  readonly r: Resource;
}

/** The key of a bridge in a scope: a port hangs on it, a libvirt network owns it. */
export function bridgeKey(scope: string, bridge: string): string {
  return `bridge\0${scope}\0${bridge}`;
}

/** Lookups over one live state. */
export class LiveIndex {
  private readonly found = new Map<string, Found[]>();
  private readonly seen = new Set<ResourceKind>();

  constructor(readonly state: State) {}

  /** Records one live resource of `kind` (diff calls this for every live record it walks). */
  note(kind: ResourceKind, id: string, r: Resource): void {
    const keys = (descriptorOf(kind).lookupKeys as ((x: Resource) => readonly string[]) | undefined)?.(r);
    if (keys === undefined) return;
    for (const key of keys) {
      const at = `${kind}\0${key}`;
      const list = this.found.get(at);
      if (list === undefined) this.found.set(at, [{ id, r }]);
      else list.push({ id, r });
    }
  }

  /** Marks every record of `kind` as noted. */
  complete(kind: ResourceKind): void {
    this.seen.add(kind);
  }

  /** Live records of `kind` found under `key`, in snapshot order. */
  find(kind: ResourceKind, key: string): readonly Found[] {
    if (!this.seen.has(kind)) {
      for (const [id, r] of Object.entries(this.state[kind] as Readonly<Record<string, Resource>>)) this.note(kind, id, r);
      this.seen.add(kind);
    }
    return this.found.get(`${kind}\0${key}`) ?? [];
  }
}
