/**
 * libvirt domain XML → `Domain` + `VmInterface`s, and `VmInterface` → the `<interface>`
 * element `virsh attach-device` takes. Pure: tested on recorded `virsh dumpxml` output.
 * Domains are the user's: everything read here is `owned: false`.
 */
import type { Domain, MacvlanMode, VmInterface, VmInterfaceType } from '@wirestate/core';
import { Checker } from '../dnsmasq/validate.ts';
import { attr, buildXml, child, children, parseXml, text } from './xml.ts';

/** A domain read from XML with the interfaces wirestate models. */
export interface ParsedDomain {
  readonly domain: Domain;
  readonly interfaces: readonly VmInterface[];
}

const SOURCE_ATTR: Readonly<Record<VmInterfaceType, string>> = { network: 'network', bridge: 'bridge', direct: 'dev' };

const MODES: readonly MacvlanMode[] = ['private', 'vepa', 'bridge', 'passthru', 'source'];

/** Reads `virsh dumpxml` output; interface types other than network, bridge and direct are skipped. */
export function parseDomainXml(xml: string, scope: string, running: boolean): ParsedDomain {
  const { tag, root } = parseXml(xml);
  if (tag !== 'domain') throw new Error(`expected <domain>, got <${tag}>`);
  const name = text(root, 'name') ?? '';
  const interfaces: VmInterface[] = [];
  for (const el of children(child(root, 'devices'), 'interface')) {
    const type = attr(el, 'type') as VmInterfaceType | undefined;
    if (type === undefined || !(type in SOURCE_ATTR)) continue;
    const mac = attr(child(el, 'mac'), 'address')?.toLowerCase();
    if (mac === undefined) continue;
    const src = child(el, 'source');
    const mode = attr(src, 'mode') as MacvlanMode | undefined;
    const model = attr(child(el, 'model'), 'type');
    const mtu = attr(child(el, 'mtu'), 'size');
    const target = attr(child(el, 'target'), 'dev');
    interfaces.push({
      scope,
      domain: name,
      mac,
      type,
      source: attr(src, SOURCE_ATTR[type]) ?? '',
      ...(type === 'direct' && mode !== undefined && MODES.includes(mode) ? { sourceMode: mode } : {}),
      ...(model !== undefined ? { model } : {}),
      ...(mtu !== undefined ? { mtu: Number(mtu) } : {}),
      ...(target !== undefined ? { target } : {}),
      owned: false,
    });
  }
  return { domain: { scope, name, running, owned: false }, interfaces };
}

/** Checks every string of an interface that would reach XML or argv; throws `invalid_argument` with the paths. */
export function validateInterface(i: VmInterface, context: string, path: readonly (string | number)[] = ['iface']): void {
  const c = new Checker();
  c.safe(i.scope, [...path, 'scope']);
  c.name(i.domain, [...path, 'domain']);
  c.mac(i.mac, [...path, 'mac']);
  if (!(i.type in SOURCE_ATTR)) c.fail('invalid_type', [...path, 'type'], `${JSON.stringify(i.type)} is not network, bridge or direct`);
  if (i.type === 'network') c.name(i.source, [...path, 'source']);
  else c.ifname(i.source, [...path, 'source']);
  if (i.sourceMode !== undefined && !MODES.includes(i.sourceMode)) {
    c.fail('invalid_mode', [...path, 'sourceMode'], `${JSON.stringify(i.sourceMode)} is not a macvtap mode`);
  }
  if (i.model !== undefined && c.safe(i.model, [...path, 'model']) && !/^[A-Za-z0-9_-]{1,32}$/.test(i.model)) {
    c.fail('invalid_model', [...path, 'model'], `${JSON.stringify(i.model)} is not a device model`);
  }
  if (i.mtu !== undefined) c.int(i.mtu, [...path, 'mtu'], 68, 65535);
  c.throwIfAny(context);
}

/**
 * The `<interface>` element for `virsh attach-device`/`detach-device`; libvirt finds the
 * device to detach by its MAC. The live-only `target` is left out: libvirt picks it.
 */
export function interfaceXml(i: VmInterface): string {
  const source: Record<string, string> = { [SOURCE_ATTR[i.type]]: i.source };
  if (i.type === 'direct' && i.sourceMode !== undefined) source.mode = i.sourceMode;
  const el: Record<string, unknown> = {
    $: { type: i.type },
    mac: [{ $: { address: i.mac.toLowerCase() } }],
    source: [{ $: source }],
  };
  if (i.model !== undefined) el.model = [{ $: { type: i.model } }];
  if (i.mtu !== undefined) el.mtu = [{ $: { size: String(i.mtu) } }];
  return buildXml('interface', el);
}
