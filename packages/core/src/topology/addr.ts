/**
 * MAC, IP and prefix parsing with strict forms (no `10.1`, `0x0a.0.0.1`, zone ids or
 * leading zeros) and canonical text: lowercase MACs, RFC 5952 IPv6.
 */
import ipaddr from 'ipaddr.js';
import type { StringRule } from './text.ts';

/** IP family. */
export type Family = 4 | 6;

/** A parsed address. */
export interface Ip {
  readonly family: Family;
  readonly bytes: readonly number[];
  /** Canonical text: dotted quad, or RFC 5952 for IPv6. */
  readonly text: string;
}

/** A parsed address with prefix length. */
export interface Cidr {
  readonly ip: Ip;
  readonly prefix: number;
}

const IPV4 = /^(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})$/;

// Rules parse the same addresses several times (format, duplicates, subnets, normalization);
// parsing is pure, so results are shared. Bounded (a few tens of MB) so that hostile input
// cannot grow it forever, and large enough that a 100,000-resource topology never thrashes.
const CACHE_MAX = 300_000;
const ipCache = new Map<string, Ip | null>();
const cidrCache = new Map<string, Cidr | null>();

function memo<T>(cache: Map<string, T | null>, v: string, parse: (v: string) => T | undefined): T | undefined {
  const hit = cache.get(v);
  if (hit !== undefined) return hit ?? undefined;
  const value = parse(v);
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(v, value ?? null);
  return value;
}

/** Parses an IP address strictly; undefined when it is not one. */
export function parseIp(v: string): Ip | undefined {
  return memo(ipCache, v, parseIpUncached);
}

function parseIpUncached(v: string): Ip | undefined {
  const m = IPV4.exec(v);
  if (m) {
    const bytes = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
    return bytes.every((b) => b <= 255) ? { family: 4, bytes, text: v } : undefined;
  }
  if (v.length <= 45 && v.includes(':') && !v.includes('%') && ipaddr.IPv6.isValid(v)) {
    const a = ipaddr.IPv6.parse(v);
    return { family: 6, bytes: a.toByteArray(), text: a.toRFC5952String() };
  }
  return undefined;
}

/** Parses `address/prefix`; undefined when malformed. */
export function parseCidr(v: string): Cidr | undefined {
  return memo(cidrCache, v, parseCidrUncached);
}

function parseCidrUncached(v: string): Cidr | undefined {
  const slash = v.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(v.slice(0, slash));
  const p = v.slice(slash + 1);
  if (ip === undefined || !/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
  const prefix = Number(p);
  if (prefix > (ip.family === 4 ? 32 : 128)) return undefined;
  return { ip, prefix };
}

/** Whether `ip` lies in the prefix `net` (false across families). */
export function contains(net: Cidr, ip: Ip): boolean {
  if (net.ip.family !== ip.family) return false;
  let bits = net.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((net.ip.bytes[i] ?? 0) & mask) !== ((ip.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}

/** The network address of a prefix (host bits cleared). */
export function networkOf(net: Cidr): Ip {
  const bytes = net.ip.bytes.map((b, i) => {
    const bits = net.prefix - i * 8;
    return bits >= 8 ? b : bits <= 0 ? 0 : b & ((0xff << (8 - bits)) & 0xff);
  });
  return fromBytes(net.ip.family, bytes);
}

/** The IPv4 broadcast address of a prefix (host bits set). */
export function broadcastOf(net: Cidr): Ip {
  const bytes = net.ip.bytes.map((b, i) => {
    const bits = net.prefix - i * 8;
    return bits >= 8 ? b : bits <= 0 ? 0xff : b | (0xff >> bits);
  });
  return fromBytes(net.ip.family, bytes);
}

function fromBytes(family: Family, bytes: readonly number[]): Ip {
  const a = ipaddr.fromByteArray([...bytes]);
  const text = a.kind() === 'ipv6' ? (a as ipaddr.IPv6).toRFC5952String() : a.toString();
  return { family, bytes, text };
}

/** Compares two addresses byte by byte (same family). */
export function compareIp(a: Ip, b: Ip): number {
  for (let i = 0; i < a.bytes.length; i++) {
    const d = (a.bytes[i] ?? 0) - (b.bytes[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Renders a prefix canonically. */
export function cidrText(c: Cidr): string {
  return `${c.ip.text}/${c.prefix}`;
}

const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

/** A unicast, non-zero MAC as `aa:bb:cc:dd:ee:ff` (any case). */
export const mac: StringRule = (v) => {
  if (!MAC.test(v)) return { code: 'invalid_mac', message: `${JSON.stringify(v)} is not a MAC address like 52:54:00:12:34:56` };
  if (parseInt(v.slice(0, 2), 16) & 1) return { code: 'invalid_mac', message: `${v} is a multicast MAC (lowest bit of the first byte set); an interface needs a unicast one` };
  if (/^00(:00){5}$/.test(v)) return { code: 'invalid_mac', message: 'the all-zero MAC is not a valid interface address' };
  return undefined;
};

/** An IP address, optionally of one family. */
export function ip(family?: Family): StringRule {
  return (v) => {
    const a = parseIp(v);
    if (a === undefined) return { code: 'invalid_ip', message: `${JSON.stringify(v)} is not an IP${family === undefined ? '' : `v${family}`} address` };
    if (family !== undefined && a.family !== family) return { code: 'invalid_ip', message: `${v} is IPv${a.family}; an IPv${family} address is needed here` };
    return undefined;
  };
}

/** An address with prefix length (host bits allowed: `10.244.0.5/24`). */
export const cidr: StringRule = (v) => {
  if (parseCidr(v) === undefined) return { code: 'invalid_cidr', message: `${JSON.stringify(v)} is not an address with prefix like 10.244.0.5/24` };
  return undefined;
};

/** A network prefix (host bits clear: `10.244.0.0/24`), optionally of one family. */
export function prefix(family?: Family): StringRule {
  return (v) => {
    const c = parseCidr(v);
    if (c === undefined) return { code: 'invalid_cidr', message: `${JSON.stringify(v)} is not a prefix like 10.244.0.0/24` };
    if (family !== undefined && c.ip.family !== family) return { code: 'invalid_cidr', message: `${v} is IPv${c.ip.family}; an IPv${family} prefix is needed here` };
    const net = networkOf(c);
    if (compareIp(net, c.ip) !== 0) return { code: 'invalid_cidr', message: `${v} has host bits set; the prefix is ${net.text}/${c.prefix}` };
    return undefined;
  };
}

/** A route destination: `default`, `default6` or a prefix. */
export const routeDst: StringRule = (v) => (v === 'default' || v === 'default6' ? undefined : prefix()(v));

/** Canonical MAC text. */
export function normalizeMac(v: string): string {
  return v.toLowerCase();
}

/** Canonical IP text; unchanged when not an IP. */
export function normalizeIp(v: string): string {
  return parseIp(v)?.text ?? v;
}

/** Canonical `address/prefix` text; unchanged when malformed. */
export function normalizeCidr(v: string): string {
  const c = parseCidr(v);
  return c === undefined ? v : cidrText(c);
}

/** Canonical route destination: the zero prefixes become `default`/`default6`. */
export function normalizeRouteDst(v: string): string {
  const c = parseCidr(v);
  if (c === undefined) return v;
  if (c.prefix === 0) return c.ip.family === 4 ? 'default' : 'default6';
  return cidrText(c);
}
