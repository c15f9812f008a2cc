/**
 * The CNI result a plugin prints after ADD, read into wirestate's `CniResult`. Pure:
 * tested on recorded plugin output. Accepts the result shapes of spec 0.3.x, 0.4.0 and
 * 1.0.0 (0.3.0 added `interfaces`; 1.0.0 dropped `ips[].version`).
 */
import { WirestateError, type CniResult } from '@wirestate/core';

interface RawInterface {
  readonly name?: unknown;
  readonly mac?: unknown;
  readonly sandbox?: unknown;
}

interface RawIp {
  readonly address?: unknown;
  readonly gateway?: unknown;
  readonly interface?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function bad(context: string, what: string): WirestateError {
  return new WirestateError('driver_failure', `${context}: the plugin printed an invalid result (${what})`);
}

/**
 * The index of the pod-side interface: the one named `ifname` in a sandbox, else the one an
 * IP points at, else none (IPAM-only results name no interface).
 */
function podInterface(interfaces: readonly RawInterface[], ips: readonly RawIp[], ifname: string | undefined): number | undefined {
  const named = interfaces.findIndex((i) => typeof i.sandbox === 'string' && i.sandbox !== '' && (ifname === undefined || i.name === ifname));
  if (named >= 0) return named;
  const pointed = ips.map((ip) => ip.interface).find((n): n is number => typeof n === 'number' && n >= 0 && n < interfaces.length);
  return pointed;
}

/**
 * Reads a plugin's ADD output; `ifname` picks the pod interface when the result lists
 * several (bridge, host veth, pod NIC). Throws `driver_failure` when it is not a result.
 */
export function parseCniResult(text: string, ifname?: string, context = 'reading the CNI result'): CniResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw bad(context, 'not JSON');
  }
  if (!isObject(raw)) throw bad(context, 'not an object');
  if (typeof raw.cniVersion !== 'string') throw bad(context, 'no cniVersion');
  const interfaces = (Array.isArray(raw.interfaces) ? raw.interfaces : []).filter(isObject) as RawInterface[];
  const rawIps = (Array.isArray(raw.ips) ? raw.ips : []).filter(isObject) as RawIp[];
  const ips: string[] = [];
  let gateway: string | undefined;
  for (const ip of rawIps) {
    if (typeof ip.address !== 'string' || !ip.address.includes('/')) throw bad(context, 'an IP without address/prefix');
    ips.push(ip.address);
    if (gateway === undefined && typeof ip.gateway === 'string' && ip.gateway !== '') gateway = ip.gateway;
  }
  const routes = (Array.isArray(raw.routes) ? raw.routes : []).filter(isObject).map((r) => {
    if (typeof r.dst !== 'string') throw bad(context, 'a route without dst');
    return { dst: r.dst, ...(typeof r.gw === 'string' && r.gw !== '' ? { gw: r.gw } : {}) };
  });
  const pod = podInterface(interfaces, rawIps, ifname);
  const mac = pod === undefined ? undefined : interfaces[pod]?.mac;
  const dnsRaw = isObject(raw.dns) ? raw.dns : {};
  const nameservers = strings(dnsRaw.nameservers);
  const search = strings(dnsRaw.search);
  const dns = {
    ...(nameservers.length > 0 ? { nameservers } : {}),
    ...(search.length > 0 ? { search } : {}),
  };
  return {
    cniVersion: raw.cniVersion,
    ...(typeof mac === 'string' && mac !== '' ? { mac: mac.toLowerCase() } : {}),
    ips,
    ...(gateway !== undefined ? { gateway } : {}),
    routes,
    ...(Object.keys(dns).length > 0 ? { dns } : {}),
    raw,
  };
}

/** A plugin's error as the CNI spec prints it: `{cniVersion, code, msg, details}` on stdout. */
export interface CniPluginError {
  /** Error code: 1–99 reserved by the spec, 100+ plugin-specific. */
  readonly code: number;
  /** Short message. */
  readonly msg: string;
  /** Longer explanation, if any. */
  readonly details?: string;
}

/** Reads a plugin error from stdout, or `undefined` when stdout is not one. */
export function parseCniError(text: string): CniPluginError | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(raw) || typeof raw.code !== 'number' || typeof raw.msg !== 'string') return undefined;
  return { code: raw.code, msg: raw.msg, ...(typeof raw.details === 'string' && raw.details !== '' ? { details: raw.details } : {}) };
}
