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

// IPv4 is parsed by hand (no regex, no cache): it is cheaper than a cache lookup, and a
// 100,000-resource topology parses every address several times (format, rules, normalize).
// IPv6 goes through ipaddr.js, whose parse is costly, so its results are shared in a cache
// bounded so that hostile input cannot grow it forever.
const V6_CACHE_MAX = 50_000;
const v6Cache = new Map<string, Ip | null>();

/**
 * A strict dotted quad in `v[from, to)` as an unsigned 32-bit number (decimal parts, no
 * leading zeros, each at most 255); -1 when it is not one.
 */
function dottedQuad(v: string, from: number, to: number): number {
  let n = 0;
  let part = 0;
  let digits = 0;
  let value = 0;
  for (let i = from; i < to; i++) {
    const c = v.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || part === 3) return -1;
      n = n * 256 + value;
      part++;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && value === 0) return -1;
      value = value * 10 + (c - 48);
      if (value > 255) return -1;
      digits++;
    } else {
      return -1;
    }
  }
  if (part !== 3 || digits === 0) return -1;
  return n * 256 + value;
}

function v4(n: number, text: string): Ip {
  return { family: 4, bytes: [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255], text };
}

/**
 * What identifies the address in `v[from, to)` for equality checks, without building an
 * object: IPv4 as its 32-bit number, IPv6 as its canonical text, anything else as written.
 */
export function ipIdentity(v: string, from: number, to: number): number | string {
  const n = dottedQuad(v, from, to);
  if (n >= 0) return n;
  const text = from === 0 && to === v.length ? v : v.slice(from, to);
  return parseIp(text)?.text ?? text;
}

/** Parses an IP address strictly; undefined when it is not one. */
export function parseIp(v: string): Ip | undefined {
  const n = dottedQuad(v, 0, v.length);
  if (n >= 0) return v4(n, v);
  if (v.length > 45 || !v.includes(':')) return undefined;
  const hit = v6Cache.get(v);
  if (hit !== undefined) return hit ?? undefined;
  const parsed = parseV6(v);
  if (v6Cache.size >= V6_CACHE_MAX) v6Cache.clear();
  v6Cache.set(v, parsed ?? null);
  return parsed;
}

function parseV6(v: string): Ip | undefined {
  if (v.includes('%') || !ipaddr.IPv6.isValid(v)) return undefined;
  const a = ipaddr.IPv6.parse(v);
  return { family: 6, bytes: a.toByteArray(), text: a.toRFC5952String() };
}

/** The prefix length after the slash at `slash`: decimal, no leading zeros, at most three digits; -1 otherwise. */
function prefixLength(v: string, slash: number): number {
  const digits = v.length - slash - 1;
  if (digits < 1 || digits > 3 || (digits > 1 && v.charCodeAt(slash + 1) === 48)) return -1;
  let prefix = 0;
  for (let i = slash + 1; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    prefix = prefix * 10 + (c - 48);
  }
  return prefix;
}

/** The prefix length of a valid IPv4 `address/prefix`, or -1 when it is not one (no allocation). */
export function ipv4PrefixLength(v: string): number {
  const slash = v.indexOf('/');
  if (slash < 0 || dottedQuad(v, 0, slash) < 0) return -1;
  const prefix = prefixLength(v, slash);
  return prefix > 32 ? -1 : prefix;
}

/** Parses `address/prefix`; undefined when malformed. */
export function parseCidr(v: string): Cidr | undefined {
  const slash = v.indexOf('/');
  if (slash < 0) return undefined;
  const prefix = prefixLength(v, slash);
  if (prefix < 0) return undefined;
  const n = dottedQuad(v, 0, slash);
  if (n >= 0) return prefix > 32 ? undefined : { ip: v4(n, v.slice(0, slash)), prefix };
  const ip = parseIp(v.slice(0, slash));
  if (ip === undefined || prefix > (ip.family === 4 ? 32 : 128)) return undefined;
  return { ip, prefix };
}

/** The family of an address, without building it for IPv4; undefined when it is not one. */
export function familyOf(v: string): Family | undefined {
  return dottedQuad(v, 0, v.length) >= 0 ? 4 : parseIp(v)?.family;
}

/**
 * Whether the address `ip` lies in the prefix of `cidr` (both as text; false across families
 * and for malformed text). IPv4 is decided without allocating.
 */
export function cidrContains(cidr: string, ip: string): boolean {
  const prefix = ipv4PrefixLength(cidr);
  const a = dottedQuad(ip, 0, ip.length);
  if (prefix >= 0 && a >= 0) {
    const net = dottedQuad(cidr, 0, cidr.indexOf('/'));
    // 2^(32-prefix) as a float: exact for every prefix, no 32-bit shift pitfalls.
    const size = 2 ** (32 - prefix);
    return Math.floor(net / size) === Math.floor(a / size);
  }
  const c = parseCidr(cidr);
  const i = parseIp(ip);
  return c !== undefined && i !== undefined && contains(c, i);
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
    // A valid IPv4 address is checked without building it (a large topology has many).
    if (family !== 6 && dottedQuad(v, 0, v.length) >= 0) return undefined;
    const a = parseIp(v);
    if (a === undefined) return { code: 'invalid_ip', message: `${JSON.stringify(v)} is not an IP${family === undefined ? '' : `v${family}`} address` };
    if (family !== undefined && a.family !== family) return { code: 'invalid_ip', message: `${v} is IPv${a.family}; an IPv${family} address is needed here` };
    return undefined;
  };
}

/** An address with prefix length (host bits allowed: `10.244.0.5/24`). */
export const cidr: StringRule = (v) => {
  if (ipv4PrefixLength(v) < 0 && parseCidr(v) === undefined) return { code: 'invalid_cidr', message: `${JSON.stringify(v)} is not an address with prefix like 10.244.0.5/24` };
  return undefined;
};

/** A network prefix (host bits clear: `10.244.0.0/24`), optionally of one family. */
export function prefix(family?: Family): StringRule {
  return (v) => {
    if (family !== 6 && isIpv4Prefix(v)) return undefined;
    const c = parseCidr(v);
    if (c === undefined) return { code: 'invalid_cidr', message: `${JSON.stringify(v)} is not a prefix like 10.244.0.0/24` };
    if (family !== undefined && c.ip.family !== family) return { code: 'invalid_cidr', message: `${v} is IPv${c.ip.family}; an IPv${family} prefix is needed here` };
    const net = networkOf(c);
    if (compareIp(net, c.ip) !== 0) return { code: 'invalid_cidr', message: `${v} has host bits set; the prefix is ${net.text}/${c.prefix}` };
    return undefined;
  };
}

/** Whether `v` is an IPv4 prefix with its host bits clear, decided without allocating. */
function isIpv4Prefix(v: string): boolean {
  const prefix = ipv4PrefixLength(v);
  if (prefix < 0) return false;
  // 2^(32-prefix) as a float: exact for every prefix, no 32-bit shift pitfalls.
  return dottedQuad(v, 0, v.indexOf('/')) % 2 ** (32 - prefix) === 0;
}

/** A route destination: `default`, `default6` or a prefix. */
export const routeDst: StringRule = (v) => (v === 'default' || v === 'default6' ? undefined : prefix()(v));

/** Canonical MAC text. */
export function normalizeMac(v: string): string {
  return v.toLowerCase();
}

/** Canonical IP text; unchanged when not an IP. */
export function normalizeIp(v: string): string {
  // A valid IPv4 address is already canonical (the strict parse admits no other form).
  if (dottedQuad(v, 0, v.length) >= 0) return v;
  return parseIp(v)?.text ?? v;
}

/** Canonical `address/prefix` text; unchanged when malformed. */
export function normalizeCidr(v: string): string {
  if (ipv4PrefixLength(v) >= 0) return v;
  const c = parseCidr(v);
  // A valid IPv4 prefix is already canonical (the strict parse admits no other form).
  return c === undefined || c.ip.family === 4 ? v : cidrText(c);
}

/** Canonical route destination: the zero prefixes become `default`/`default6`. */
export function normalizeRouteDst(v: string): string {
  const p4 = ipv4PrefixLength(v);
  if (p4 >= 0) return p4 === 0 ? 'default' : v;
  const c = parseCidr(v);
  if (c === undefined) return v;
  if (c.prefix === 0) return c.ip.family === 4 ? 'default' : 'default6';
  return c.ip.family === 4 ? v : cidrText(c);
}
