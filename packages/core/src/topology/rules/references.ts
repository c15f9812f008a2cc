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
 * The names are gathered on the first lookup: a topology whose links name no master or
 * parent never indexes its (possibly 100,000) link names.
 */
class Names {
  private byScope: ScopedMap<string, string> | undefined;
  private readonly names: string[] = [];
  private readonly whats: string[] = [];
  private anyScope: Map<string, string> | undefined;
  /**
   * With exactly one scope every element has one (its own or the only one): no scope-less
   * lookups. `gather` declares every name through `add`.
   */
  constructor(
    private readonly scopeless: boolean,
    private readonly gather: (names: Names) => void,
  ) {}
  add(scope: string | undefined, name: string | undefined, what: string): void {
    if (name === undefined) return;
    this.byScope!.claim(scope, name, what);
    if (!this.scopeless) return;
    this.names.push(name);
    this.whats.push(what);
  }
  get(scope: string | undefined, name: string): string | undefined {
    if (this.byScope === undefined) {
      this.byScope = new ScopedMap();
      this.gather(this);
    }
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
  const scopeless = view.onlyScope === undefined;
  const vms = new Names(scopeless, (names) => {
    for (const v of raw.vms) names.add(rawScope(view, v), rawString(v, 'name'), 'vm');
  });
  const networks = new Names(scopeless, (names) => {
    for (const n of raw.networks) names.add(rawScope(view, n), rawString(n, 'name'), 'network');
    eachBinding(view, (scope, podNic, mode, b) => {
      if (mode === 'libvirt-network') names.add(scope, rawString(b, 'network') ?? defaultNetworkName(podNic), 'binding network');
    });
  });
  const servers = new Names(scopeless, (names) => {
    for (const s of raw.dhcpServers) names.add(rawScope(view, s), rawString(s, 'name'), 'server');
  });
  const bridges = new Names(scopeless, (names) => {
    for (const n of raw.networks) names.add(rawScope(view, n), rawString(n, 'bridge'), 'network bridge');
    eachBinding(view, (scope, podNic, mode, b) => {
      if (mode !== 'macvtap') names.add(scope, rawString(b, 'bridge') ?? defaultBridgeName(podNic), 'binding bridge');
    });
  });
  const lowers = new Names(scopeless, (names) => {
    eachBinding(view, (scope, podNic) => names.add(scope, podNic, 'binding pod NIC'));
    for (const p of raw.podNics) names.add(rawScope(view, p), rawString(p, 'ifname'), 'pod NIC');
  });
  const links = new Names(scopeless, (names) => {
    for (const l of raw.links) names.add(rawScope(view, l), rawString(l, 'name'), rawString(l, 'kind') ?? '?');
  });

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

/** Calls `f` for each binding that names its pod NIC, sound or not. */
function eachBinding(view: View, f: (scope: string | undefined, podNic: string, mode: string | undefined, b: unknown) => void): void {
  for (const b of view.raw.bindings) {
    const podNic = rawString(b, 'podNic');
    if (podNic !== undefined) f(rawScope(view, b), podNic, rawString(b, 'mode'), b);
  }
}
