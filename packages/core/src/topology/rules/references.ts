/**
 * References between parts of a topology must resolve: VMs, libvirt networks, DHCP servers,
 * masters and lower devices. Names count as declared even on elements with other problems,
 * so one mistake does not cascade into unknown-reference noise.
 */
import type { Collector, Path } from '../collector.ts';
import { ScopedMap } from '../scoped.ts';
// The expansion step's own defaults, so validation and expansion can never disagree.
import { defaultBridge as defaultBridgeName, defaultNetwork as defaultNetworkName } from '../../expand/names.ts';
import { rawScope, rawString, type View } from '../view.ts';

/**
 * Names declared per scope, with what declared them. A lookup without a scope (the element
 * left it out among several scopes, which is its own issue) matches the name in any scope.
 */
class Names {
  private readonly byScope = new ScopedMap<string, string>();
  private readonly names: string[] = [];
  private readonly whats: string[] = [];
  private anyScope: Map<string, string> | undefined;
  /** With exactly one scope every element has one (its own or the only one): no scope-less lookups. */
  constructor(private readonly scopeless: boolean) {}
  add(scope: string | undefined, name: string | undefined, what: string): void {
    if (name === undefined) return;
    this.byScope.claim(scope, name, what);
    if (!this.scopeless) return;
    this.names.push(name);
    this.whats.push(what);
  }
  get(scope: string | undefined, name: string): string | undefined {
    if (scope !== undefined || !this.scopeless) return this.byScope.get(scope, name);
    // Built on the first scope-less lookup only: valid topologies never make one.
    if (this.anyScope === undefined) {
      this.anyScope = new Map();
      for (let i = this.names.length - 1; i >= 0; i--) this.anyScope.set(this.names[i]!, this.whats[i]!);
    }
    return this.anyScope.get(name);
  }
}

/** Checks that every reference resolves. */
export function checkReferences(view: View, issues: Collector): void {
  const { raw, lists } = view;
  const vms = new Names(view.onlyScope === undefined);
  const networks = new Names(view.onlyScope === undefined);
  const servers = new Names(view.onlyScope === undefined);
  const bridges = new Names(view.onlyScope === undefined);
  const lowers = new Names(view.onlyScope === undefined);
  const links = new Names(view.onlyScope === undefined);

  for (const v of raw.vms) vms.add(rawScope(view, v), rawString(v, 'name'), 'vm');
  for (const n of raw.networks) {
    networks.add(rawScope(view, n), rawString(n, 'name'), 'network');
    bridges.add(rawScope(view, n), rawString(n, 'bridge'), 'network bridge');
  }
  for (const s of raw.dhcpServers) servers.add(rawScope(view, s), rawString(s, 'name'), 'server');
  for (const b of raw.bindings) {
    const podNic = rawString(b, 'podNic');
    const mode = rawString(b, 'mode');
    if (podNic === undefined) continue;
    const scope = rawScope(view, b);
    lowers.add(scope, podNic, 'binding pod NIC');
    if (mode !== 'macvtap') bridges.add(scope, rawString(b, 'bridge') ?? defaultBridgeName(podNic), 'binding bridge');
    if (mode === 'libvirt-network') networks.add(scope, rawString(b, 'network') ?? defaultNetworkName(podNic), 'binding network');
  }
  for (const p of raw.podNics) lowers.add(rawScope(view, p), rawString(p, 'ifname'), 'pod NIC');
  for (const l of raw.links) {
    links.add(rawScope(view, l), rawString(l, 'name'), rawString(l, 'kind') ?? '?');
  }

  const vmExists = (scope: string | undefined, name: string, path: Path) => {
    if (vms.get(scope, name) === undefined) {
      issues.add('unknown_reference', path, `VM ${JSON.stringify(name)} is not listed in vms${scope === undefined ? '' : ` of scope ${scope}`}`);
    }
  };
  for (const e of lists.bindings) vmExists(e.scope, e.value.vm, [...e.path, 'vm']);
  for (const e of lists.vmInterfaces) {
    vmExists(e.scope, e.value.domain, [...e.path, 'domain']);
    if (e.value.type === 'network' && networks.get(e.scope, e.value.source) === undefined) {
      issues.add('unknown_reference', [...e.path, 'source'], `libvirt network ${JSON.stringify(e.value.source)} is not declared in networks or made by a libvirt-network binding`);
    }
  }
  for (const e of lists.dhcpHosts) {
    if (e.value.network !== undefined && networks.get(e.scope, e.value.network) === undefined) {
      issues.add('unknown_reference', [...e.path, 'network'], `libvirt network ${JSON.stringify(e.value.network)} is not declared in networks or made by a libvirt-network binding`);
    }
    if (e.value.server !== undefined && servers.get(e.scope, e.value.server) === undefined) {
      issues.add('unknown_reference', [...e.path, 'server'], `DHCP server ${JSON.stringify(e.value.server)} is not declared in dhcpServers`);
    }
  }
  for (const e of lists.links) {
    // Deleting a link needs neither its master nor its lower device.
    if (e.value.state === 'absent') continue;
    const { master, parent } = e.value;
    if (typeof master === 'string' && master !== e.value.name) {
      const kind = links.get(e.scope, master);
      if (kind !== undefined) {
        if (kind !== 'bridge' && kind !== 'device' && kind !== '?') {
          issues.add('invalid_reference', [...e.path, 'master'], `master ${master} is a ${kind} link; a master must be a bridge`);
        }
      } else if (bridges.get(e.scope, master) === undefined) {
        issues.add('unknown_reference', [...e.path, 'master'], `master ${JSON.stringify(master)} is not a declared link, a network's bridge or a binding's bridge`);
      }
    }
    if (parent !== undefined && links.get(e.scope, parent) === undefined && lowers.get(e.scope, parent) === undefined) {
      issues.add('unknown_reference', [...e.path, 'parent'], `parent ${JSON.stringify(parent)} is not a declared link or pod NIC; declare it (kind: device) if something else made it`);
    }
  }
}
