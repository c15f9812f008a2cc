/**
 * Lookups over the live state that descriptors would otherwise answer by scanning it once
 * per resource (quadratic in large plans): the ports of a bridge, the libvirt network that
 * owns a bridge. Diff feeds it the live records it walks anyway; a kind it did not walk is
 * scanned on first use. One index per plan.
 */
import type { Link, Network, Resource, ResourceKind, State } from '../model/state.ts';

/** Lookups over one live state. */
export class LiveIndex {
  private readonly ports = new Map<string, Link[]>();
  private readonly bridgeNetworks = new Map<string, string>();
  private readonly seen = new Set<ResourceKind>();

  constructor(readonly state: State) {}

  /** Records one live resource of `kind` (diff calls this for every live record it walks). */
  note(kind: ResourceKind, id: string, r: Resource): void {
    if (kind === 'links') {
      const l = r as Link;
      if (!l.master) return;
      const key = `${l.scope}\0${l.master}`;
      const list = this.ports.get(key);
      if (list === undefined) this.ports.set(key, [l]);
      else list.push(l);
    } else if (kind === 'networks') {
      const n = r as Network;
      const key = `${n.scope}\0${n.bridge}`;
      if (!this.bridgeNetworks.has(key)) this.bridgeNetworks.set(key, id);
    }
  }

  /** Marks every record of `kind` as noted. */
  complete(kind: ResourceKind): void {
    this.seen.add(kind);
  }

  private ensure(kind: 'links' | 'networks'): void {
    if (this.seen.has(kind)) return;
    for (const [id, r] of Object.entries(this.state[kind])) this.note(kind, id, r);
    this.seen.add(kind);
  }

  /** Links of `scope` whose master is `bridge`, in snapshot order. */
  portsOf(scope: string, bridge: string): readonly Link[] {
    this.ensure('links');
    return this.ports.get(`${scope}\0${bridge}`) ?? [];
  }

  /** The id of the libvirt network of `scope` whose bridge is `bridge` (the first one). */
  networkOfBridge(scope: string, bridge: string): string | undefined {
    this.ensure('networks');
    return this.bridgeNetworks.get(`${scope}\0${bridge}`);
  }
}
