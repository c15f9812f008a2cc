/**
 * rtnetlink numbers from linux/rtnetlink.h, if_link.h, if_addr.h and if_tun.h that the
 * `netlink` package leaves to its users (nested IFLA_LINKINFO, raw dump decoding).
 */

/** Netlink message types (RTM_*). */
export const RTM = {
  NEWLINK: 16,
  DELLINK: 17,
  GETLINK: 18,
  SETLINK: 19,
  NEWADDR: 20,
  DELADDR: 21,
  GETADDR: 22,
  NEWROUTE: 24,
  DELROUTE: 25,
  GETROUTE: 26,
} as const;

/** Request flags beyond REQUEST|ACK, which the package always sets. */
export const NLM_F = {
  ECHO: 0x8,
  DUMP: 0x300,
  REPLACE: 0x100,
  EXCL: 0x200,
  CREATE: 0x400,
} as const;

/** Address families. */
export const AF_UNSPEC = 0;
export const AF_INET = 2;
export const AF_INET6 = 10;

/** Interface flags (IFF_*) wirestate reads or changes. */
export const IFF_UP = 0x1;
export const IFF_LOOPBACK = 0x8;

/** Link attributes (IFLA_*). */
export const IFLA = {
  ADDRESS: 1,
  IFNAME: 3,
  MTU: 4,
  LINK: 5,
  MASTER: 10,
  LINKINFO: 18,
  IFALIAS: 20,
  GROUP: 27,
  NET_NS_FD: 28,
  NUM_TX_QUEUES: 31,
  NUM_RX_QUEUES: 32,
  LINK_NETNSID: 37,
} as const;

/** Nested attributes of IFLA_LINKINFO (IFLA_INFO_*). */
export const IFLA_INFO = { KIND: 1, DATA: 2, SLAVE_KIND: 4, SLAVE_DATA: 5 } as const;

/** veth attributes inside IFLA_INFO_DATA. */
export const VETH_INFO_PEER = 1;

/** macvlan/macvtap attributes inside IFLA_INFO_DATA. */
export const IFLA_MACVLAN_MODE = 1;

/** tun/tap attributes inside IFLA_INFO_DATA, and the IFF_TUN/IFF_TAP values of IFLA_TUN_TYPE. */
export const IFLA_TUN_TYPE = 3;
export const IFF_TUN = 1;
export const IFF_TAP = 2;

/** Address attributes (IFA_*). */
export const IFA = { ADDRESS: 1, LOCAL: 2 } as const;

/** Route attributes (RTA_*). */
export const RTA = { DST: 1, OIF: 4, GATEWAY: 5, PRIORITY: 6, PREFSRC: 7, TABLE: 15 } as const;

/** The main routing table. */
export const RT_TABLE_MAIN = 254;

/** Route types (RTN_*) and protocols (RTPROT_*) the snapshot filters on. */
export const RTN_UNICAST = 1;
export const RTPROT_KERNEL = 2;

/** Route scopes (RT_SCOPE_*) by model name. */
export const RT_SCOPE = { universe: 0, link: 253, host: 254 } as const;

/** Sizes of the fixed headers in front of the attributes. */
export const IFINFOMSG_LEN = 16;
export const IFADDRMSG_LEN = 8;
export const RTMSG_LEN = 12;
