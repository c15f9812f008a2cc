/**
 * Lookups over the live state that descriptors would otherwise answer by scanning it once
 * per resource (quadratic in large plans): the ports of a bridge, the libvirt network that
 * owns a bridge. Built on first use, once per plan.
 */
import type { Link, State } from '../model/state.ts';

/** Lookups over one live state. */
export class LiveIndex {
  private ports: Map<string, Link[]> | undefined;
  private bridgeNetworks: Map<string, string> | undefined;

  constructor(readonly state: State) {}

  /** Links of `scope` whose master is `bridge`, in snapshot order. */
  portsOf(scope: string, bridge: string): readonly Link[] {
    if (this.ports === undefined) {
      this.ports = new Map();
      for (const l of Object.values(this.state.links)) {
        if (!l.master) continue;
        const key = `${l.scope}\0${l.master}`;
        const list = this.ports.get(key);
        if (list === undefined) this.ports.set(key, [l]);
        else list.push(l);
      }
    }
    return this.ports.get(`${scope}\0${bridge}`) ?? [];
  }

  /** The id of the libvirt network of `scope` whose bridge is `bridge` (the first one). */
  networkOfBridge(scope: string, bridge: string): string | undefined {
    if (this.bridgeNetworks === undefined) {
      this.bridgeNetworks = new Map();
      for (const [id, n] of Object.entries(this.state.networks)) {
        const key = `${n.scope}\0${n.bridge}`;
        if (!this.bridgeNetworks.has(key)) this.bridgeNetworks.set(key, id);
      }
    }
    return this.bridgeNetworks.get(`${scope}\0${bridge}`);
  }
}
