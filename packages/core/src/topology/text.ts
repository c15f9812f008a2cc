/**
 * Rules for string fields: what may reach a kernel call, libvirt XML, a dnsmasq file or an
 * argv. Each rule returns the first problem it finds, or undefined.
 */
import type { IssueCode } from './codes.ts';
import { LIMITS } from './limits.ts';

/** One problem with one value. */
export interface Finding {
  readonly code: IssueCode;
  readonly message: string;
}

/** A check of one string value. */
export type StringRule = (value: string) => Finding | undefined;

// Control characters (newline, tab, NUL, ESC…), DEL, quotes and the XML specials: each can
// break out of an XML attribute, a dnsmasq config line or a shell-quoted log line.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f"'<>&]/;
// The libvirt URI is only ever an argv element; `&` separates its query parameters.
// eslint-disable-next-line no-control-regex -- as above
const UNSAFE_IN_URI = /[\u0000-\u001f\u007f"'<>]/;
const PRINTABLE_ASCII = /^[\u0021-\u007e]*$/;

/** Names a character for a message: `a newline`, `"<"`, `U+200B`. */
export function describeChar(ch: string): string {
  const names: Record<string, string> = { '\n': 'a newline', '\r': 'a carriage return', '\t': 'a tab', '\u0000': 'NUL', ' ': 'a space' };
  const named = names[ch];
  if (named !== undefined) return named;
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x21 || cp >= 0x7f) return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return JSON.stringify(ch);
}

/** Length cap and injection characters; applies to every string. */
export function checkSafe(value: string, allowAmpersand = false): Finding | undefined {
  if (value.length > LIMITS.maxStringChars) {
    return { code: 'too_large', message: `string of ${value.length} characters exceeds the limit of ${LIMITS.maxStringChars}` };
  }
  const m = (allowAmpersand ? UNSAFE_IN_URI : UNSAFE).exec(value);
  if (m) return { code: 'unsafe_string', message: `contains ${describeChar(m[0])}, which is never allowed (it could inject into XML, a dnsmasq file or an argv)` };
  return undefined;
}

function firstNonPrintable(value: string): string | undefined {
  for (const ch of value) if (!PRINTABLE_ASCII.test(ch)) return ch;
  return undefined;
}

/** Why a character outside printable ASCII is refused: whitespace, or a possible look-alike. */
function oddMessage(ch: string, what: string): string {
  if (/\s/.test(ch)) return `contains ${describeChar(ch)}; ${what} have no whitespace`;
  return `contains ${describeChar(ch)}; ${what} are printable ASCII only (look-alike characters are refused)`;
}

const encoder = new TextEncoder();

function byteLength(value: string): number {
  return encoder.encode(value).length;
}

// Beyond what the kernel and libvirt refuse, names keep to characters that mean nothing in
// a dnsmasq option line (where "," separates values and "#" starts a comment), a shell or a
// file name: interface names to letters, digits, "_", "-" and "."; libvirt and server names
// may also hold "+", ":" and "@".
const NAME_CHARS = /^[A-Za-z0-9_.+:@-]+$/;

// The common forms, as module constants: a regex literal inside a rule would be a new
// RegExp object on every call, one per string field of a 100,000-element topology.
const IFNAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$/;
const LIBVIRT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+:@-]{0,199}$/;
const SCOPE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const TOKEN = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,254}$/;
const URI = /^[a-z][a-z0-9+.-]*:\/\/[\u0021-\u007e]*$/;

/** The first character of `v` outside `allowed` (a one-character-class regex). */
function firstOutside(v: string, allowed: RegExp): string | undefined {
  for (const ch of v) if (!allowed.test(ch)) return ch;
  return undefined;
}

/** A kernel interface name: 1..15 bytes of letters, digits, `_`, `-`, `.`; not `.`/`..`; no leading `-`. */
export const ifname: StringRule = (v) => {
  if (IFNAME.test(v)) return undefined; // the common case, fast
  const bad = (message: string): Finding => ({ code: 'invalid_name', message: `interface name ${JSON.stringify(v)} ${message}` });
  if (v === '') return bad('is empty');
  const odd = firstNonPrintable(v);
  if (odd !== undefined) return bad(oddMessage(odd, 'names'));
  const bytes = byteLength(v);
  if (bytes > 15) return bad(`is ${bytes} bytes long; the kernel allows at most 15`);
  if (v === '.' || v === '..') return bad('is refused by the kernel');
  const m = /[/:%]/.exec(v);
  if (m) return bad(`contains ${describeChar(m[0])}, which the kernel or ip refuses in interface names`);
  const other = firstOutside(v, /[A-Za-z0-9_.-]/);
  if (other !== undefined) return bad(`contains ${describeChar(other)}; interface names are letters, digits, "_", "-" and "."`);
  if (v.startsWith('-')) return bad('starts with "-", which commands would read as an option');
  return undefined;
};

/** A libvirt network or domain name (also dnsmasq instance names): letters, digits, `_.+:@-`, no leading `-`, at most 200 characters. */
export const libvirtName: StringRule = (v) => {
  if (LIBVIRT_NAME.test(v)) return undefined; // the common case, fast
  const bad = (message: string): Finding => ({ code: 'invalid_name', message: `name ${JSON.stringify(v)} ${message}` });
  if (v === '') return bad('is empty');
  const odd = firstNonPrintable(v);
  if (odd !== undefined) return bad(oddMessage(odd, 'names'));
  if (v.length > 200) return bad(`is ${v.length} characters long; at most 200 are allowed`);
  if (v.includes('/')) return bad('contains "/", which libvirt refuses (names become file names)');
  if (v === '.' || v === '..') return bad('is a path component, not a name');
  const other = firstOutside(v, /[A-Za-z0-9_.+:@-]/);
  if (other !== undefined) return bad(`contains ${describeChar(other)}; names are letters, digits, "_", "-", ".", "+", ":" and "@"`);
  if (v.startsWith('-')) return bad('starts with "-", which virsh would read as an option');
  return undefined;
};

/** A scope name: letters, digits, `_`, `.`, `-`, starting with a letter or digit, at most 63 characters. */
export const scopeName: StringRule = (v) => {
  if (SCOPE_NAME.test(v)) return undefined;
  return { code: 'invalid_name', message: `scope name ${JSON.stringify(v)} must be 1..63 letters, digits, "_", "." or "-", starting with a letter or digit` };
};

/** An identifier token (VM NIC model, CNI container id): letters, digits, `_`, `.`, `+`, `-`. */
export const token: StringRule = (v) => {
  if (TOKEN.test(v)) return undefined;
  return { code: 'invalid_value', message: `${JSON.stringify(v)} must be 1..255 letters, digits, "_", ".", "+" or "-", starting with a letter or digit` };
};

/** An RFC 1123 host or domain name: labels of 1..63 letters, digits and inner hyphens, 253 characters in all. */
export const hostname: StringRule = (v) => {
  const bad = (message: string): Finding => ({ code: 'invalid_hostname', message: `${JSON.stringify(v)} ${message}` });
  const name = v.endsWith('.') ? v.slice(0, -1) : v;
  if (name === '') return bad('is empty');
  if (name.length > 253) return bad('is longer than 253 characters');
  for (const label of name.split('.')) {
    if (!/^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label)) {
      return bad(`has label ${JSON.stringify(label)}; labels are 1..63 letters, digits and inner hyphens (RFC 1123)`);
    }
  }
  return undefined;
};

/** An absolute file path without `..` segments, of letters, digits and `_.+:@-` between slashes. */
export const absolutePath: StringRule = (v) => {
  const bad = (message: string): Finding => ({ code: 'invalid_path', message: `path ${JSON.stringify(v)} ${message}` });
  const odd = firstNonPrintable(v);
  if (odd !== undefined) return bad(oddMessage(odd, 'paths'));
  if (!v.startsWith('/')) return bad('must be absolute');
  if (v.split('/').includes('..')) return bad('must not contain ".." segments');
  const other = firstOutside(v, /[A-Za-z0-9_.+:@/-]/);
  if (other !== undefined) return bad(`contains ${describeChar(other)}; paths are letters, digits, "/", "_", "-", ".", "+", ":" and "@"`);
  return undefined;
};

/** A netns value: a name under /var/run/netns, an absolute path, or `pid:N`. */
export const netns: StringRule = (v) => {
  if (v.startsWith('pid:')) {
    if (/^pid:[1-9][0-9]{0,9}$/.test(v) && Number(v.slice(4)) <= 4_194_304) return undefined;
    return { code: 'invalid_path', message: `netns ${JSON.stringify(v)} must be pid:N with N a process id` };
  }
  if (v.startsWith('/')) return absolutePath(v);
  if (!NAME_CHARS.test(v) || v === '.' || v === '..' || v.startsWith('-') || v.length > 255) {
    return {
      code: 'invalid_path',
      message: `netns ${JSON.stringify(v)} must be a name (letters, digits, "_", "-", ".", "+", ":", "@"; not "." or ".."), an absolute path, or pid:N`,
    };
  }
  return undefined;
};

/** A libvirt connection URI: `scheme://…`, printable ASCII. */
export const uri: StringRule = (v) => {
  if (URI.test(v)) return undefined;
  return { code: 'invalid_uri', message: `libvirt URI ${JSON.stringify(v)} must look like qemu:///system (scheme://…, printable ASCII)` };
};
