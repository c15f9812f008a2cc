/**
 * The closed set of validation issue codes a topology can produce. Codes are stable API:
 * tools match on them, messages may change.
 */

/** What each code means, in documentation order. */
export const ISSUE_CODES = {
  yaml_syntax: 'the file is not well-formed YAML (syntax error, duplicate key, several documents)',
  too_large: 'the document (32 MiB; 4 MiB unless it is plain YAML, without anchors, aliases or tags), a string (4096 characters), a list or map (200,000 items), the nesting depth (32), the value count or the alias expansion exceeds its limit; also the note counting issues past the first 1000',
  invalid_type: 'a field has the wrong type (a string where a list is expected, a fraction where an integer is)',
  missing_field: 'a required field is absent',
  unknown_field: 'a field the schema does not define (check the spelling)',
  invalid_value: 'a value outside its closed set (kind, mode, apiVersion), an ill-formed token (VM NIC model, container id), or classless DHCP routes beside a router without the default route',
  no_scopes: 'the topology declares no scope',
  scope_required: 'a resource, binding or VM leaves out `scope` while the topology declares several scopes',
  unsafe_string: 'a string holds a newline or other control character, a quote, `<`, `>`, `&` or NUL, which could inject into XML, dnsmasq files or argv',
  invalid_name: 'an interface name over 15 bytes or outside letters, digits, `_`, `-`, `.`; a libvirt or DHCP server name outside letters, digits, `_-.+:@`; a scope name outside `[A-Za-z0-9_.-]`; any name starting with `-`, non-ASCII (look-alikes) or `.`/`..`',
  invalid_hostname: 'a hostname or DNS search domain that is not RFC 1123',
  invalid_mac: 'a MAC address that is malformed, multicast or all zeros',
  invalid_ip: 'an IP address that is malformed (strict dotted quad, no zone ids) or of the wrong family (an IPv6 reservation, an IPv4 gateway on an IPv6 route)',
  invalid_cidr: 'an address with prefix that is malformed, or a route/subnet prefix with host bits set',
  invalid_path: 'a resolv.conf or CNI config path that is not absolute, has `..` segments or characters outside letters, digits, `/_-.+:@`; a netns that is not a plain name, such a path or `pid:N`',
  invalid_uri: 'a libvirt connection URI that is not `scheme://…`',
  out_of_range: 'a number outside its range (MTU 68..65535, protocol 0..255, lease time, metric), or a DHCP range whose start is after its end',
  invalid_field: 'a field that does not apply to this kind or mode (peer on a bridge, bridge on a macvtap binding)',
  duplicate: 'two things claim the same identity: a link, network, server, VM or pod NIC name, a MAC, an IP, a bridge, a route',
  unknown_reference: 'a reference to a scope, VM, network, DHCP server or link that the topology does not declare',
  invalid_reference: 'a reference to something of the wrong kind (a master that is not a bridge)',
  master_cycle: 'a link that is its own master, directly or through other links',
  outside_subnet: 'an address outside the subnet it must belong to (a DHCP reservation, a DHCP range, a route gateway unreachable from its device), or a bridge address that is its subnet\'s network or broadcast address or leaves no room for the VM',
} as const;

/** A stable issue code. */
export type IssueCode = keyof typeof ISSUE_CODES;
