/**
 * Input safety for everything that reaches XML, a dnsmasq file or an argv: names,
 * hostnames, DNS strings, MACs and addresses are checked before anything is written, and
 * a bad value is reported with its field path (`network.dhcpOptions.searchDomains[1]`).
 */
import { toDotPath, WirestateError } from '@wirestate/core';
import type { DhcpOptions, Issue } from '@wirestate/core';
import ipaddr from 'ipaddr.js';

type Path = readonly (string | number)[];

/** Characters that would break out of an XML attribute, a config line or a quoted virsh token. */
const UNSAFE = /[\n\r\0'"<>&\\`]/;

/** Collects located problems, then throws them as one `invalid_argument` error. */
export class Checker {
  readonly issues: Issue[] = [];

  /** Records a problem at `path`. */
  fail(code: string, path: Path, message: string): void {
    this.issues.push({ code, path, message });
  }

  /** Throws a `WirestateError('invalid_argument')` naming every bad field, when there is one. */
  throwIfAny(context: string): void {
    if (this.issues.length === 0) return;
    const text = this.issues.map((i) => `${toDotPath(i.path)}: ${i.message}`).join('; ');
    throw new WirestateError('invalid_argument', `${context}: ${text}`, { code: this.issues[0]?.code });
  }

  /** A value free of quotes, newlines, `<`, `>`, `&` and backslashes. */
  safe(value: unknown, path: Path): value is string {
    if (typeof value !== 'string') {
      this.fail('not_a_string', path, `expected a string, got ${typeof value}`);
      return false;
    }
    const bad = UNSAFE.exec(value);
    if (bad !== null) {
      this.fail('unsafe_character', path, `contains the forbidden character ${JSON.stringify(bad[0])}`);
      return false;
    }
    return true;
  }

  /** A libvirt object name (network, domain) or a dnsmasq instance name. */
  name(value: unknown, path: Path): void {
    if (!this.safe(value, path)) return;
    if (!/^[A-Za-z0-9][A-Za-z0-9_.+:-]{0,63}$/.test(value)) {
      this.fail('invalid_name', path, `${JSON.stringify(value)} is not a name (letters, digits, _.+:- , at most 64)`);
    }
  }

  /** A Linux interface name: at most 15 bytes, no slash, no whitespace. */
  ifname(value: unknown, path: Path): void {
    if (!this.safe(value, path)) return;
    if (!/^[A-Za-z0-9_.-]{1,15}$/.test(value)) {
      this.fail('invalid_ifname', path, `${JSON.stringify(value)} is not an interface name (at most 15 of A-Za-z0-9_.-)`);
    }
  }

  /** A unicast-format MAC, `aa:bb:cc:dd:ee:ff` (either case). */
  mac(value: unknown, path: Path): void {
    if (!this.safe(value, path)) return;
    if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(value)) this.fail('invalid_mac', path, `${JSON.stringify(value)} is not a MAC address`);
  }

  /** A dotted-quad IPv4 address. */
  ipv4(value: unknown, path: Path): void {
    if (!this.safe(value, path)) return;
    if (!ipaddr.IPv4.isValidFourPartDecimal(value)) this.fail('invalid_ip', path, `${JSON.stringify(value)} is not an IPv4 address`);
  }

  /** An IPv4 prefix `a.b.c.d/n`. */
  cidr4(value: unknown, path: Path): void {
    if (!this.safe(value, path)) return;
    const [addr, len, ...rest] = value.split('/');
    const n = Number(len);
    if (rest.length > 0 || addr === undefined || !ipaddr.IPv4.isValidFourPartDecimal(addr) || !/^\d{1,2}$/.test(len ?? '') || n > 32) {
      this.fail('invalid_cidr', path, `${JSON.stringify(value)} is not an IPv4 prefix a.b.c.d/n`);
    }
  }

  /** A DNS name (hostname or search domain): dot-separated labels of letters, digits and hyphens. */
  dnsName(value: unknown, path: Path): void {
    if (!this.safe(value, path)) return;
    const label = '[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?';
    if (value.length > 253 || !new RegExp(`^${label}(\\.${label})*\\.?$`).test(value)) {
      this.fail('invalid_dns_name', path, `${JSON.stringify(value)} is not a DNS name`);
    }
  }

  /** A positive integer in a range. */
  int(value: unknown, path: Path, min: number, max: number): void {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail('invalid_number', path, `${JSON.stringify(value)} is not an integer in ${min}..${max}`);
    }
  }

  /** Every field of a set of DHCP options. */
  dhcpOptions(o: DhcpOptions | undefined, path: Path): void {
    if (o === undefined) return;
    if (o.router !== undefined) this.ipv4(o.router, [...path, 'router']);
    o.routes?.forEach((r, i) => {
      this.cidr4(r.dst, [...path, 'routes', i, 'dst']);
      this.ipv4(r.gateway, [...path, 'routes', i, 'gateway']);
    });
    if (o.mtu !== undefined) this.int(o.mtu, [...path, 'mtu'], 68, 65535);
    o.dnsServers?.forEach((s, i) => this.ipv4(s, [...path, 'dnsServers', i]));
    o.searchDomains?.forEach((s, i) => this.dnsName(s, [...path, 'searchDomains', i]));
    if (o.leaseTime !== undefined && o.leaseTime !== 'infinite') this.int(o.leaseTime, [...path, 'leaseTime'], 120, 2 ** 31);
  }
}
